import Crypto
import Foundation
import SubtextCorpus

/// Log-probabilities already scored, kept in a JSONL journal beside the report, so that an
/// attribution stopped after twenty of its thirty minutes resumes where it stopped.
///
/// A text is found by the SHA-256 of the model file's digest and its tokens: another model,
/// prompt, system prompt or tokenizer makes another key, so a score is only ever reused for
/// exactly the computation that produced it.
public final class ScoreJournal: Sendable {
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

    public var path: String { journal.path }
    /// Texts the journal held when opened.
    public var count: Int { journal.count }
    /// Whether opening dropped a torn last line (a run killed mid-write).
    public var droppedTornLine: Bool { journal.droppedTornLine }

    /// Opens or creates the journal at `path` for the model whose file has SHA-256 `modelSHA256`.
    public init(path: String, modelSHA256: String) throws {
        journal = try JSONLJournal(path: path)
        model = modelSHA256
    }

    func key(_ item: LlamaScorer.Item) -> String {
        var hash = SHA256()
        hash.update(data: Data(model.utf8))
        for tokens in [item.context, item.continuation] {
            hash.update(data: withUnsafeBytes(of: Int64(tokens.count).littleEndian) { Data($0) })
            tokens.withUnsafeBytes { hash.update(bufferPointer: $0) }
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func logProbability(_ item: LlamaScorer.Item) -> Double? { journal.entry(for: key(item))?.logProbability }

    func record(_ value: Double, for item: LlamaScorer.Item) throws {
        try journal.append(ScoredText(key: key(item), logProbability: value))
    }
}
