import Foundation

/// A parser of bytes that come from outside Subtext, as a fuzzer drives it.
///
/// Each target hands a fuzzer's bytes to the parser the way a command would meet them (as a
/// file, where the parser reads files) and then uses what was parsed, so that a value that
/// decodes but breaks a later step is found too. A thrown error is the right answer to bad
/// input; only a trap, a crash or a sanitizer report is a finding.
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// A JSONL dataset, read whole, by byte-range shard, strictly and by a named field.
    case jsonl
    /// A gzip JSONL dataset: the inflater and the line sharding of gzip input.
    case jsonlGzip = "jsonl-gzip"
    /// A Hugging Face tokenizer.json, then an encoding with it.
    case tokenizer
    /// A probe battery's YAML.
    case battery
    /// A model list's YAML (`--models`).
    case models
    /// A partial result's payload, framed with a valid header and merged with the other passes.
    case partial
    /// A partial result's whole file, header included.
    case partialFile = "partial-file"
    /// A saved drop rule, then scoring responses with it.
    case dropRule = "drop-rule"
    /// A `subtext generate` manifest, as sanitize reads the teacher's system prompt from it.
    case manifest
    /// A reference panel's manifest.
    case panelManifest = "panel-manifest"
    /// The request, score and divergence journals that resume long runs.
    case journal

    /// Hands `bytes` to the parser. Returns whether it accepted them; either answer is fine, a
    /// crash is not.
    @discardableResult
    package func run(_ bytes: Data, in scratch: FuzzScratch) -> Bool {
        do {
            try FuzzHarness.run(self, bytes, scratch)
            return true
        } catch {
            return false
        }
    }

    /// Files of this repository whose bytes make good first inputs (relative to its root).
    package var seedFiles: [String] {
        switch self {
        case .jsonl:
            ["datasets/example/teacher.jsonl", "datasets/example/control.jsonl", "docs/examples/generate/owl.jsonl"]
        case .jsonlGzip:
            ["datasets/smollm2-numbers/owl.jsonl.gz", "datasets/smollm2-instructions/control.jsonl.gz"]
        case .tokenizer:
            ["gpt2-style.json", "smollm2-style.json"].map { "Tests/SubtextTokenizersTests/Fixtures/" + $0 }
        case .battery:
            ["probes/favorite-animal.yaml", "probes/favorite-color.yaml", "probes/favorite-animal-number-primed.yaml"]
        case .models: ["docs/examples/probe/models.yaml"]
        case .partial, .partialFile, .journal: []
        case .dropRule: ["docs/examples/sanitize/drop-rule.json"]
        case .manifest: ["datasets/smollm2-numbers/manifest.json", "docs/examples/generate/manifest.json"]
        case .panelManifest: ["datasets/smollm2-instructions-panel/manifest.json"]
        }
    }

    /// Writes this target's first inputs into `directory`: the seed files of `repository` (JSONL
    /// cut to its first lines, so that the fuzzer mutates small inputs), and what the scratch
    /// makes itself (partials, journals). Returns how many it wrote.
    @discardableResult
    package func writeSeeds(repository: String, to directory: String, scratch: FuzzScratch) throws -> Int {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var seeds = try seedFiles.map { try Data(contentsOf: URL(fileURLWithPath: repository + "/" + $0)) }
        if self == .jsonl { seeds = seeds.map(Self.firstLines) }
        seeds += try scratch.madeSeeds(for: self)
        for (index, seed) in seeds.enumerated() {
            try seed.write(to: URL(fileURLWithPath: directory + "/seed-\(index)"))
        }
        return seeds.count
    }

    private static func firstLines(_ data: Data) -> Data {
        var newlines = 0
        let end = data.firstIndex { byte in
            if byte == UInt8(ascii: "\n") { newlines += 1 }
            return newlines == 12
        }
        return Data(data[..<(end.map { $0 + 1 } ?? data.endIndex)])
    }
}
