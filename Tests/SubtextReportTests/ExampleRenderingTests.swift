import Foundation
import SubtextGeneration
import SubtextLab
import SubtextProbes
import SubtextReport
import SubtextSanitize
import SubtextStudents
import SubtextSupport
import Testing

/// Each committed example's markdown and charts must be what the current code renders from the
/// example's own JSON: a change to a report writer that alters what readers see then shows up
/// as a failing test, and is committed with the remade examples (scripts/make_examples.sh),
/// not discovered later.
@Suite struct ExampleRenderingTests {
    static let examples = CommittedExamplesTests.root.appendingPathComponent("docs/examples")

    /// The provenance a report's JSON carries beside its result.
    private struct Provenanced: Decodable {
        let provenance: Provenance
    }

    private func read<Result: Decodable>(_ type: Result.Type, _ file: String) throws -> (Result, Provenance) {
        let path = Self.examples.appendingPathComponent(file).path
        return (try JSONFile.decode(type, path: path), try JSONFile.decode(Provenanced.self, path: path).provenance)
    }

    /// Every markdown and SVG file the writer makes equals the committed file of that name.
    private func expectCommitted(_ writer: some ReportWriter, in directory: String) throws {
        for (name, data) in try writer.files() where name.hasSuffix(".md") || name.hasSuffix(".svg") {
            let committed = try Data(
                contentsOf: Self.examples.appendingPathComponent(directory).appendingPathComponent(name))
            #expect(
                data == committed,
                "docs/examples/\(directory)/\(name) is not what the code writes: run scripts/make_examples.sh")
        }
    }

    @Test(arguments: ["audit", "case-audit"])
    func audit(_ directory: String) throws {
        let document = try AuditDocument.read(Self.examples.appendingPathComponent("\(directory)/audit.json").path)
        try expectCommitted(AuditMarkdown(document: document), in: directory)
    }

    @Test(arguments: ["probe", "lab/probe-transfer", "lab/probe-two-controls"])
    func probe(_ directory: String) throws {
        let (result, provenance) = try read(ProbeResult.self, "\(directory)/probe.json")
        try expectCommitted(ProbeMarkdown(result: result, provenance: provenance), in: directory)
    }

    @Test func sanitize() throws {
        let (result, provenance) = try read(SanitizeResult.self, "sanitize/sanitize.json")
        try expectCommitted(SanitizeMarkdown(result: result, provenance: provenance), in: "sanitize")
    }

    @Test func sanitizeLab() throws {
        let (result, provenance) = try read(SanitizeLabResult.self, "lab-sanitize/sanitize-lab.json")
        try expectCommitted(SanitizeLabMarkdown(result: result, provenance: provenance), in: "lab-sanitize")
    }

    @Test func transfer() throws {
        let (result, provenance) = try read(TransferResult.self, "transfer/transfer.json")
        try expectCommitted(TransferMarkdown(result: result, provenance: provenance), in: "transfer")
    }

    @Test func caseReport() throws {
        let (report, provenance) = try read(CaseReport.self, "case/case.json")
        try expectCommitted(CaseMarkdown(report: report, provenance: provenance), in: "case")
    }

    @Test func generation() throws {
        let result = try JSONFile.decode(
            GenerationResult.self, path: Self.examples.appendingPathComponent("generate/manifest.json").path)
        try expectCommitted(GenerationMarkdown(result: result), in: "generate")
    }
}
