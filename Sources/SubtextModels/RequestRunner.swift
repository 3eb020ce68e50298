import Foundation
import SubtextCorpus

/// Sends a plan's requests, skipping those already in the journal, and journals each answer
/// as it arrives.
///
/// Requests to one server run at most `concurrency` at a time. A terminal error (a refused
/// request, or a server gone past the retry budget) stops the run; everything completed is
/// already journaled, so running the same command again resumes.
package struct RequestRunner: Sendable {
    package var clients: [String: any ModelClient]
    package var journal: Journal
    /// Reads answers into a battery's categories; nil journals raw replies only (generation).
    package var reader: (any AnswerClassifier)?
    package var concurrency: Int
    /// At most this many new requests in this run; nil for no limit.
    package var maximumRequests: Int?
    package var progress: @Sendable (Int, Int) -> Void

    package init(
        clients: [String: any ModelClient], journal: Journal, reader: (any AnswerClassifier)?, concurrency: Int,
        maximumRequests: Int? = nil, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) {
        self.clients = clients
        self.journal = journal
        self.reader = reader
        self.concurrency = concurrency
        self.maximumRequests = maximumRequests
        self.progress = progress
    }

    package struct Summary: Sendable {
        package var planned: Int
        package var fromJournal: Int
        package var sent: Int
        /// Requests left unsent by --max-requests.
        package var capped: Int
        package var seconds: Double

        package init(planned: Int, fromJournal: Int, sent: Int, capped: Int, seconds: Double) {
            self.planned = planned
            self.fromJournal = fromJournal
            self.sent = sent
            self.capped = capped
            self.seconds = seconds
        }
    }

    /// Runs `requests`, grouped by server; `servers` maps a model name to its server.
    package func run(_ requests: [ModelRequest], servers: [String: String]) async throws -> Summary {
        let started = Date()
        var pending = requests.filter { journal.entry(for: $0.key) == nil }
        let fromJournal = requests.count - pending.count
        var capped = 0
        if let maximumRequests, pending.count > maximumRequests {
            capped = pending.count - maximumRequests
            pending = Array(pending.prefix(maximumRequests))
        }
        let byServer = Dictionary(grouping: pending) { servers[$0.model] ?? $0.model }
        let counter = Counter(total: pending.count, report: progress)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (_, queue) in byServer {
                group.addTask { try await runQueue(queue, counter: counter) }
            }
            try await group.waitForAll()
        }
        return Summary(
            planned: requests.count, fromJournal: fromJournal, sent: pending.count, capped: capped,
            seconds: Date().timeIntervalSince(started))
    }

    /// One server's requests, `concurrency` in flight.
    private func runQueue(_ queue: [ModelRequest], counter: Counter) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(concurrency, queue.count) {
                let request = queue[next]
                group.addTask { try await perform(request, counter: counter) }
                next += 1
            }
            while try await group.next() != nil {
                if next < queue.count {
                    let request = queue[next]
                    group.addTask { try await perform(request, counter: counter) }
                    next += 1
                }
            }
        }
    }

    private func perform(_ request: ModelRequest, counter: Counter) async throws {
        guard let client = clients[request.model] else {
            throw ModelError.usage("no client for model \(request.model)")
        }
        let started = Date()
        var entry = JournalEntry(
            key: request.key, model: request.model, modelID: request.modelID, promptID: request.promptID,
            sample: request.sample, response: "", answer: "", latencyMs: 0)
        if request.scoring != nil {
            let scores = try await client.score(request)
            entry.scores = scores
            entry.answer = reader?.mostLikely(scores) ?? ""
        } else {
            let completion = try await client.complete(request)
            entry.response = completion.text
            entry.answer = reader?.category(of: completion.text) ?? ""
            entry.topLogprobs = completion.topLogprobs
            entry.finishReason = completion.finishReason
        }
        entry.latencyMs = Date().timeIntervalSince(started) * 1000
        try journal.append(entry)
        counter.increment()
    }

    /// Counts completed requests across tasks and reports each.
    private final class Counter: @unchecked Sendable {
        let total: Int
        let report: @Sendable (Int, Int) -> Void
        private var done = 0
        private let lock = NSLock()

        init(total: Int, report: @escaping @Sendable (Int, Int) -> Void) {
            self.total = total
            self.report = report
        }

        func increment() {
            let value = lock.withLock { () -> Int in
                done += 1
                return done
            }
            report(value, total)
        }
    }
}

/// Answers from a journal, offline, through the same runner: a recorded run replays exactly.
package struct ReplayClient: ModelClient {
    package let journal: Journal

    package init(journal: Journal) {
        self.journal = journal
    }

    package func complete(_ request: ModelRequest) async throws -> Completion {
        guard let entry = journal.entry(for: request.key) else {
            throw ModelError.notInJournal(model: request.model, promptID: request.promptID, sample: request.sample)
        }
        return Completion(text: entry.response, finishReason: entry.finishReason, topLogprobs: entry.topLogprobs)
    }

    package func score(_ request: ModelRequest) async throws -> CandidateScores {
        guard let scores = journal.entry(for: request.key)?.scores else {
            throw ModelError.notInJournal(model: request.model, promptID: request.promptID, sample: request.sample)
        }
        return scores
    }
}
