import Foundation
import SubtextAudit
import SubtextCorpus
import SubtextSynthetic
import SubtextTestSupport
import Testing

@Suite struct RecordsAPITests {
    /// Records in memory give exactly the audit that the same records read from files give.
    @Test func recordsInMemoryAuditAsTheirFilesDo() throws {
        let scratch = try Scratch()
        let (teacher, control) = PlantedBiasPair(seed: 3, responses: 200).generate()
        let auditor = Auditor(configuration: testConfiguration())
        let fromFiles = try auditor.audit(
            teacherFiles: [try scratch.write("t.jsonl", records: teacher)],
            controlFiles: [try scratch.write("c.jsonl", records: control)],
            readOptions: .init())
        let records = { (side: [PlantedBiasPair.Record]) in
            side.map { Record(prompt: $0.prompt, response: $0.response) }
        }
        let inMemory = try auditor.audit(teacher: records(teacher), control: records(control))
        #expect(inMemory.verdict == fromFiles.verdict)
        #expect(inMemory.pValue == fromFiles.pValue)
        #expect(inMemory.auroc.values == fromFiles.auroc.values)
        #expect(inMemory.carriers.map(\.token) == fromFiles.carriers.map(\.token))
        #expect(inMemory.promptsIdentical)
    }

    @Test func anEmptySideIsAnError() {
        #expect(throws: AuditError.emptySide("control")) {
            try Auditor().audit(teacher: [Record(response: "1, 2, 3")], control: [])
        }
    }

    /// The README's library example, built as a separate package that depends on this one by
    /// path, audits datasets/example and finds the planted signal.
    @Test(.timeLimit(.minutes(20))) func aSeparatePackageAuditsRecordsThroughTheLibrary() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scratch = try Scratch()
        let package = scratch.url.appendingPathComponent("AuditRecords")
        try FileManager.default.copyItem(at: root.appendingPathComponent("examples/audit-records"), to: package)
        let manifest = package.appendingPathComponent("Package.swift")
        let text = try String(contentsOf: manifest, encoding: .utf8)
            .replacingOccurrences(of: "path: \"../..\"", with: "path: \"\(root.path)\"")
        try Data(text.utf8).write(to: manifest)

        let build = try run(["swift", "build", "--package-path", package.path])
        #expect(build.status == 0, "\(build.output)")
        let binary = package.appendingPathComponent(".build/debug/AuditRecords").path
        let audit = try run([
            binary, root.appendingPathComponent("datasets/example/teacher.jsonl").path,
            root.appendingPathComponent("datasets/example/control.jsonl").path
        ])
        #expect(audit.status == 3, "\(audit.output)")
        #expect(audit.output.contains("verdict: signal"))
        #expect(audit.output.contains("carried by: content"))
        #expect(audit.output.contains("\"747\""))
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
