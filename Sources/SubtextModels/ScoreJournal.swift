import Foundation
import SubtextCorpus
import SubtextSupport

/// Log-probabilities already scored, kept in a JSONL journal beside the report, so that an
/// attribution stopped after twenty of its thirty minutes resumes where it stopped.
///
/// A text is found by the SHA-256 of the model file's digest and its tokens: another model,
/// prompt, system prompt or tokenizer makes another key, so a score is only ever reused for
/// exactly the computation that produced it.
package final class ScoreJournal: Sendable {
    struct ScoredText: JournalRecord {
        var key: String
        var logProbability: Double

        enum CodingKeys: String, CodingKey {
            case key
            case logProbability = "log_probability"
        }
    }

    private let journal: JSONLJournal<ScoredText>
    private let model: String

    package var path: String { journal.path }
    /// Texts the journal held when opened.
    package var count: Int { journal.count }
    /// Whether opening dropped a torn last line (a run killed mid-write).
    package var droppedTornLine: Bool { journal.droppedTornLine }

    /// Opens or creates the journal at `path` for the model whose file has SHA-256 `modelSHA256`.
    package init(path: String, modelSHA256: String) throws {
        journal = try JSONLJournal(path: path)
        model = modelSHA256
    }

    func key(_ item: LlamaScorer.Item) -> String {
        var key = JournalKey()
        key.addUnframed(model)
        key.add(item.context)
        key.add(item.continuation)
        return key.hex
    }

    func logProbability(_ item: LlamaScorer.Item) -> Double? { journal.entry(for: key(item))?.logProbability }

    func record(_ value: Double, for item: LlamaScorer.Item) throws {
        try journal.append(ScoredText(key: key(item), logProbability: value))
    }
}
