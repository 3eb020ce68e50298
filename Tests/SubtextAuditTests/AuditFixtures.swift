import Foundation
import SubtextAudit
import SubtextCorpus
import SubtextLab

/// Writes JSONL records into a temporary directory that is removed with this value.
final class Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("subtext-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, lines: [String]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ name: String, records: [PlantedBiasPair.Record]) throws -> String {
        try write(name, lines: records.map { record in
            let object = ["prompt": record.prompt, "response": record.response]
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        })
    }
}

/// A fast configuration for tests: fewer permutations and bootstrap replicates than the CLI.
func testConfiguration(seed: UInt64 = 1, concepts: [String] = []) -> AuditConfiguration {
    var configuration = AuditConfiguration()
    configuration.seed = seed
    configuration.permutations = 199
    configuration.bootstrap = 40
    configuration.alpha = 0.05
    configuration.concepts = concepts
    return configuration
}

func audit(_ teacher: [String], _ control: [String], _ configuration: AuditConfiguration = testConfiguration()) throws -> AuditResult {
    try Auditor(configuration: configuration).audit(teacherFiles: teacher, controlFiles: control, readOptions: ReadOptions())
}
