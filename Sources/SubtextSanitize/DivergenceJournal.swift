import Foundation
import SubtextCorpus
import SubtextSupport

/// The number tokens already read for `divergence`, kept in a JSONL journal beside the
/// sanitized files, so that a read of a large dataset stopped midway resumes where it stopped.
///
/// A response is found by the SHA-256 of the model file's digest, the teacher's system prompt,
/// its prompt and its text, and the teacher model file's digest when the teacher is a model of
/// its own: another model or system prompt makes another key, and a response repeated in the
/// data is read once.
package final class DivergenceJournal: Sendable {
    struct Entry: JournalRecord {
        var key: String
        /// Nil for a response that is not a number list or that the tokens do not spell back.
        var candidates: [DivergenceTokens.Candidate]?
    }

    private let journal: JSONLJournal<Entry>
    private let model: String
    private let system: String?
    private let teacherModel: String?

    package var path: String { journal.path }
    /// Responses the journal held when opened.
    package var count: Int { journal.count }
    package var droppedTornLine: Bool { journal.droppedTornLine }

    package init(path: String, modelSHA256: String, teacherSystem: String?, teacherModelSHA256: String? = nil) throws {
        journal = try JSONLJournal(path: path)
        (model, system, teacherModel) = (modelSHA256, teacherSystem, teacherModelSHA256)
    }

    /// The journal's candidates for this response, or `read`'s, recorded at once.
    func candidates(
        prompt: String?, response: String,
        read: () throws -> [DivergenceTokens.Candidate]?
    ) throws -> [DivergenceTokens.Candidate]? {
        let key = key(prompt: prompt, response: response)
        if let entry = journal.entry(for: key) { return entry.candidates }
        let candidates = try read()
        try journal.append(Entry(key: key, candidates: candidates))
        return candidates
    }

    private func key(prompt: String?, response: String) -> String {
        var key = JournalKey()
        // A missing system prompt is not an empty one. The teacher model's digest comes last, and
        // only when there is one, so that journals written before teacher models existed keep their keys.
        for part in [model, system, prompt ?? "", response] + (teacherModel.map { [$0] } ?? []) { key.add(part) }
        return key.hex
    }
}
