import Foundation
import SubtextAttribution
import SubtextAudit
import SubtextGeneration
import SubtextLab
import SubtextProbes
import SubtextReport
import SubtextSanitize
import SubtextStudents
import SubtextSupport
import Testing

/// The example reports in docs/examples are what a reader takes Subtext's output to be, so
/// each must be what the current code writes: scripts/make_examples.sh remakes them all.
@Suite struct CommittedExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The result files of every kind of report.
    static let reports: Set = [
        "audit.json", "probe.json", "manifest.json", "attribution.json", "case.json", "lab.json",
        "lab-evaluation.json", "sanitize.json", "sanitize-lab.json", "transfer.json"
    ]

    /// The schema each kind of result file is written with today.
    static let schemas: [String: Int] = [
        "audit.json": AuditResult.schemaVersion, "probe.json": ProbeResult.schemaVersion,
        "manifest.json": GenerationResult.schemaVersion, "case.json": CaseReport.schemaVersion,
        "sanitize.json": SanitizeResult.schemaVersion, "sanitize-lab.json": SanitizeLabResult.schemaVersion,
        "transfer.json": TransferResult.schemaVersion, "attribution.json": AttributionRanking.schemaVersion
    ]

    @Test func everyExampleReportIsOfTheCurrentVersionAndSchema() throws {
        let examples = Self.root.appendingPathComponent("docs/examples")
        let files = (FileManager.default.enumerator(atPath: examples.path)?.compactMap { $0 as? String } ?? [])
            .filter { Self.reports.contains(($0 as NSString).lastPathComponent) }
        let kinds = Set(files.map { ($0 as NSString).lastPathComponent })
        #expect(
            kinds == Self.reports,
            "docs/examples lacks \(Self.reports.subtracting(kinds).sorted()); run scripts/make_examples.sh")
        for file in files {
            let data = try Data(contentsOf: examples.appendingPathComponent(file))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(file)")
            let version = (object["provenance"] as? [String: Any])?["tool_version"] ?? object["tool_version"]
            #expect(
                version as? String == SubtextVersion.current,
                "\(file) was written by Subtext \(version ?? "unknown"), not \(SubtextVersion.current): run scripts/make_examples.sh"
            )
            if let expected = Self.schemas[(file as NSString).lastPathComponent] {
                #expect(
                    object["schema_version"] as? Int == expected,
                    "\(file): schema \(object["schema_version"] ?? "none"), not \(expected)")
            }
        }
    }
}
