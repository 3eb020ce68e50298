import Foundation
import SubtextAudit
import SubtextCorpus
import SubtextModels
import SubtextSupport
import SubtextSynthetic

/// The files a fuzzing process works in: one directory of its own, the inputs it writes there
/// for parsers that read files, and a complete small audit's partials for the partial targets.
package final class FuzzScratch: @unchecked Sendable {
    package let directory: String
    /// A few responses to score with a fuzzed drop rule.
    let responses: [(prompt: String?, text: String)] = [
        ("List ten numbers.", "3, 14, 159, 265, 358"), (nil, "owl owl 7 7 7"), ("", ""),
        ("Go on: 1, 2", "12\n34\t56 ; 78")
    ]
    private var partials: [AuditPartial.Pass: Data] = [:]

    /// A directory of its own under the system's temporary directory, removed with it.
    package init() throws {
        directory = NSTemporaryDirectory() + "subtext-fuzz-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `bytes` to `name` in the scratch directory and returns its path.
    func file(_ name: String, _ bytes: Data) throws -> String {
        let path = directory + "/" + name
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A directory holding a complete partial set with `file` in place of `pass`'s.
    func partialSet(replacing pass: AuditPartial.Pass, with file: Data) throws -> String {
        let made = try madePartials()
        let parts = directory + "/parts"
        try? FileManager.default.removeItem(atPath: parts)
        try FileManager.default.createDirectory(atPath: parts, withIntermediateDirectories: true)
        for each in AuditPartial.Pass.allCases {
            let name = AuditPartial.fileName(pass: each, shard: .whole)
            try (each == pass ? file : made[each]!).write(to: URL(fileURLWithPath: parts + "/" + name))
        }
        return parts
    }

    /// The first inputs a target needs that no repository file gives.
    func madeSeeds(for target: FuzzTarget) throws -> [Data] {
        switch target {
        case .partial: return try madePartials().values.compactMap(PartialFile.payload(of:))
        case .partialFile: return Array(try madePartials().values)
        case .journal:
            let entry = JournalEntry(
                key: "k1", model: "m", modelID: "m-1", promptID: "p1", sample: 0, response: "Owl",
                answer: "owl", topLogprobs: [TokenLogprob(token: "Owl", logprob: -0.2)],
                scores: CandidateScores(method: .forcedTokens, logprobs: [-0.5, nil]),
                latencyMs: 12)
            return [
                try JSONCoding.line.encode(entry) + Data("\n".utf8),
                Data(#"{"key":"k2","log_probability":-1.25}"#.utf8) + Data("\n".utf8),
                Data(#"{"key":"k3","candidates":[{"offset":3,"divergence":0.5,"replacement":[32,52,50]}]}"#.utf8)
                    + Data("\n".utf8)
            ]
        default: return []
        }
    }

    /// The three passes of a sharded audit of a small planted pair, made once per process.
    private func madePartials() throws -> [AuditPartial.Pass: Data] {
        if !partials.isEmpty { return partials }
        let (teacher, control) = PlantedBiasPair(seed: 5, responses: 120, strength: 0.2).generate()
        let files = (
            teacher: try file("teacher.jsonl", PlantedBiasPair.jsonl(teacher)),
            control: try file("control.jsonl", PlantedBiasPair.jsonl(control))
        )
        var configuration = AuditConfiguration()
        configuration.folds = 2
        configuration.bagSizes = [1, 4]
        let audit = DistributedAudit(auditor: Auditor(configuration: configuration), readOptions: ReadOptions())
        let made = directory + "/made-parts"
        for pass in AuditPartial.Pass.allCases {
            let path = try audit.run(
                pass: pass, shard: .whole, teacher: [files.teacher], control: [files.control],
                directory: made)
            partials[pass] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return partials
    }
}
