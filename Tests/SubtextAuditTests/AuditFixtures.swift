import Foundation
import SubtextAudit
import SubtextCorpus
import SubtextSynthetic
import SubtextTestSupport

typealias Scratch = TemporaryDirectory

extension TemporaryDirectory {
    /// Writes a planted-bias pair's records as {"prompt", "response"} JSONL and returns the path.
    func write(_ name: String, records: [PlantedBiasPair.Record]) throws -> String {
        try write(name, PlantedBiasPair.jsonl(records))
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

func audit(_ teacher: [String], _ control: [String], _ configuration: AuditConfiguration = testConfiguration()) throws
    -> AuditResult
{
    try Auditor(configuration: configuration).audit(
        teacherFiles: teacher, controlFiles: control, readOptions: ReadOptions())
}
