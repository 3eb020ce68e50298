import Foundation
import Testing

@testable import SubtextModels

@Suite struct ScoreJournalTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("subtext-scores-\(UUID().uuidString).jsonl").path
    }

    @Test func scoresSurviveReopeningExactly() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let item = LlamaScorer.Item(context: [1, 2, 3], continuation: [4, 5])
        let value = -12.345678901234567
        try ScoreJournal(path: path, modelSHA256: "aa").record(value, for: item)
        let reopened = try ScoreJournal(path: path, modelSHA256: "aa")
        #expect(reopened.count == 1)
        #expect(reopened.logProbability(item) == value, "the double round-trips bit for bit")
    }

    /// A score is reused only for the same model and the same split of the same tokens: the
    /// context decides what is conditioned on, not only which tokens appear.
    @Test func anotherModelOrSplitIsAnotherText() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try ScoreJournal(path: path, modelSHA256: "aa")
        try journal.record(-1, for: .init(context: [1, 2, 3], continuation: [4, 5]))
        #expect(journal.logProbability(.init(context: [1, 2], continuation: [3, 4, 5])) == nil)
        #expect(journal.logProbability(.init(context: [1, 2, 3], continuation: [4, 6])) == nil)
        #expect(
            try ScoreJournal(path: path, modelSHA256: "bb").logProbability(
                .init(context: [1, 2, 3], continuation: [4, 5])) == nil)
    }
}
