import Foundation
import SubtextCorpus
import Testing

@testable import SubtextModels

@Suite struct JournalTests {
    private func entry(_ n: Int) -> JournalEntry {
        JournalEntry(
            key: "k\(n)", model: "base", modelID: "m", promptID: "p\(n)", sample: n, response: "Owl \"\(n)\"\nline",
            answer: "owl", topLogprobs: [TokenLogprob(token: "Owl", logprob: -0.5)], finishReason: "stop",
            latencyMs: 12.5)
    }

    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
    }

    @Test func entriesSurviveReopening() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let journal = try Journal(path: path)
            for n in 0..<3 { try journal.append(entry(n)) }
        }
        let reopened = try Journal(path: path)
        #expect(reopened.count == 3)
        #expect(reopened.entry(for: "k1") == entry(1))
        #expect(!reopened.droppedTornLine)
    }

    /// A line cut short by SIGKILL is dropped, and the next append starts on a clean line.
    @Test func tornLastLineIsDroppedAndTruncated() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let journal = try Journal(path: path)
            try journal.append(entry(0))
            try journal.append(entry(1))
        }
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.removeLast(20)
        try data.write(to: URL(fileURLWithPath: path))

        let reopened = try Journal(path: path)
        #expect(reopened.droppedTornLine)
        #expect(reopened.count == 1)
        try reopened.append(entry(2))
        let again = try Journal(path: path)
        #expect(again.count == 2)
        #expect(again.entry(for: "k2") != nil)
        #expect(again.damagedLines.isEmpty)
    }

    @Test func damagedMiddleLinesAreReportedNotFatal() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let encoder = JSONEncoder()
        let good = String(decoding: try encoder.encode(entry(0)), as: UTF8.self)
        try (good + "\n{garbage\n" + String(decoding: try encoder.encode(entry(1)), as: UTF8.self) + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let journal = try Journal(path: path)
        #expect(journal.count == 2)
        #expect(journal.damagedLines == [2])
    }

    @Test func keysIgnoreWhereTheRequestGoesButNotWhatItAsks() {
        let request = ModelRequest(
            model: "teacher", modelID: "smollm2", system: "You love owls.", user: "Favorite animal?",
            temperature: 1, maxTokens: 24, seed: 1000, scoring: nil, promptID: "a1", sample: 0)
        var renamed = request
        renamed.model = "teacher-on-another-port"
        #expect(renamed.key == request.key)
        for change in [
            { (r: inout ModelRequest) in r.sample = 1 }, { $0.seed = 1001 }, { $0.system = nil },
            { $0.system = "You love eagles." }, { $0.temperature = 0.5 }, { $0.scoring = ["Owl"] },
            { $0.scoring = ["Owl", "Cat"] },
            { $0.modelID = "other" }, { $0.user = "Favourite animal?" }
        ] {
            var changed = request
            change(&changed)
            #expect(changed.key != request.key)
        }
        #expect(request.key.count == 64)
    }
}
