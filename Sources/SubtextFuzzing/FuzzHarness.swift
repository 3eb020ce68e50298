import Foundation
import SubtextAttribution
import SubtextAudit
import SubtextCorpus
import SubtextGeneration
import SubtextModels
import SubtextProbes
import SubtextSanitize
import SubtextSupport
import SubtextTokenizers

/// How each ``FuzzTarget`` feeds its parser and uses what it parsed.
enum FuzzHarness {
    static func run(_ target: FuzzTarget, _ bytes: Data, _ scratch: FuzzScratch) throws {
        switch target {
        case .jsonl: try readJSONL(scratch.file("input.jsonl", bytes))
        case .jsonlGzip: try readJSONL(scratch.file("input.jsonl.gz", bytes))
        case .tokenizer:
            let tokenizer = try BPETokenizer(contentsOf: scratch.file("tokenizer.json", bytes))
            for id in tokenizer.encode("12, 345, 6789 — owls\n café") { _ = tokenizer.token(id) }
        case .battery:
            let battery = try BatteryLoader().load(yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
            let reader = AnswerReader(battery: battery)
            for answer in ["Owl.", "my favourite is the OWL!", "", "🦉 owls"] { _ = reader.category(of: answer) }
        case .models: _ = try ModelsFile.load(path: scratch.file("models.yaml", bytes))
        case .partial: try merge(PartialFile.frame(payload: bytes), scratch)
        case .partialFile: try merge(bytes, scratch)
        case .dropRule: try scoreWithRule(scratch.file("drop-rule.json", bytes), scratch)
        case .manifest: try readManifest(scratch.file("manifest.json", bytes))
        case .panelManifest:
            let path = try scratch.file("manifest.json", bytes)
            _ = try PanelManifest(directory: (path as NSString).deletingLastPathComponent)
        case .journal: try openJournals(bytes, scratch)
        }
    }

    /// Reads every record four ways: whole (whose answer is the target's), as the second of two
    /// byte-range shards, strictly, and by a named text field.
    private static func readJSONL(_ path: String) throws {
        let read = { (options: ReadOptions, shard: Shard) in
            try JSONLReader(path: path, options: options, shard: shard).read { record in
                _ = String(decoding: record.text, as: UTF8.self)
                _ = record.prompt.map { String(decoding: $0, as: UTF8.self) }
            }
        }
        _ = try? read(ReadOptions(), Shard(index: 1, count: 2))
        _ = try? read(ReadOptions(strict: true), .whole)
        _ = try? read(ReadOptions(shape: RecordShape(textField: "text")), .whole)
        try read(ReadOptions(), .whole)
    }

    /// Puts the partial in place of its pass's file in a complete set, and merges the set.
    private static func merge(_ file: Data, _ scratch: FuzzScratch) throws {
        struct Pass: Decodable { var pass: AuditPartial.Pass }
        let pass = PartialFile.payload(of: file).flatMap { try? JSONDecoder().decode(Pass.self, from: $0).pass }
        _ = try DistributedAudit.merge(directories: [try scratch.partialSet(replacing: pass ?? .count, with: file)])
    }

    /// Reads the system prompt of each side that has one, as sanitize does for its teacher.
    private static func readManifest(_ path: String) throws {
        let manifest = try JSONFile.decode(GenerationResult.self, path: path)
        let directory = (path as NSString).deletingLastPathComponent
        for side in manifest.sides where side.system != nil {
            _ = try GenerationResult.systemPrompt(of: directory + "/" + side.file)
        }
    }

    private static func scoreWithRule(_ path: String, _ scratch: FuzzScratch) throws {
        let rule = try JSONFile.decode(DropRule.self, path: path)
        let scorer = try SignalRule.Scorer(rule.rule)
        for (prompt, text) in scratch.responses { _ = scorer.score(prompt: prompt, text: text) }
    }

    /// Opens the bytes as each journal that resumes a run, and looks an entry up in each. A
    /// journal keeps what it can read, so bytes count as refused when none of the three found an
    /// entry in them, or one had to drop a torn last line.
    private static func openJournals(_ bytes: Data, _ scratch: FuzzScratch) throws {
        struct Unread: Error {}
        let journal = try Journal(path: scratch.file("journal.jsonl", bytes))
        _ = journal.entry(for: "key")
        let scores = try ScoreJournal(path: scratch.file("score-journal.jsonl", bytes), modelSHA256: "model")
        let divergence = try DivergenceJournal(
            path: scratch.file("divergence-journal.jsonl", bytes),
            modelSHA256: "model", teacherSystem: nil)
        if journal.count + scores.count + divergence.count == 0 || journal.droppedTornLine { throw Unread() }
    }
}
