import Foundation
import SubtextCorpus
import SubtextModels

/// One probe run: a battery asked of every model, each request journaled in the output
/// directory as it completes (so a stopped run resumes there), then the answers' statistics.
package struct ProbeRun {
    package var plan: ProbePlan
    /// The model the others are compared with.
    package var reference: String?
    /// Requests in flight per server.
    package var concurrency = 2
    /// Seconds for one request attempt.
    package var timeout: Int64 = 60
    /// At most this many new requests in this run; nil for no limit.
    package var maximumRequests: Int?
    /// How score mode reads probabilities; nil takes the best each server offers.
    package var scoring: ScoringMethod?
    /// A journal to answer from, offline, instead of the servers.
    package var replay: String?
    /// Seed for the paraphrase bootstrap.
    package var seed: UInt64 = 1
    /// Lines a person reads: a torn journal, how each server scores.
    package var log: (String) -> Void = { _ in }
    package var progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }

    /// Refuses models with the same name, and a reference that is not one of them.
    package init(
        battery: Battery, endpoints: [Endpoint], reference: String?, samplesPerPrompt: Int? = nil,
        promptLimit: Int? = nil
    ) throws {
        let names = endpoints.map(\.name)
        guard Set(names).count == names.count else { throw ModelError.usage("model names must be unique: \(names)") }
        if let reference, !names.contains(reference) {
            throw ModelError.usage(
                "--reference \(reference) is not one of the models: \(names.joined(separator: ", "))")
        }
        plan = ProbePlan(
            battery: battery, endpoints: endpoints, samplesPerPrompt: samplesPerPrompt, promptLimit: promptLimit)
        self.reference = reference
    }

    /// What a run would do: requests planned, already journaled, to be sent, and their tokens.
    package struct Estimate: Sendable {
        package var planned: Int
        package var journaled: Int
        package var sending: Int
        package var tokens: Int
    }

    package func estimate(directory: String) throws -> Estimate {
        let journal = try openJournal(directory)
        let pending = plan.requests.filter { journal.entry(for: $0.key) == nil }
        let sending = maximumRequests.map { min($0, pending.count) } ?? pending.count
        return Estimate(
            planned: plan.requests.count, journaled: plan.requests.count - pending.count, sending: sending,
            tokens: plan.estimatedTokens(Array(pending.prefix(sending))))
    }

    /// Sends what the journal lacks and analyses every answer.
    package func run(directory: String) async throws -> (result: ProbeResult, summary: RequestRunner.Summary) {
        let journal = try openJournal(directory)
        let replayJournal = try replay.map { try Journal(path: $0) }
        var clients: [String: any ModelClient] = [:]
        for endpoint in plan.endpoints {
            if let replayJournal {
                clients[endpoint.name] = ReplayClient(journal: replayJournal)
            } else if plan.battery.mode == .score {
                let client = try await OpenAIClient(endpoint: endpoint, timeout: timeout).preparedForScoring(scoring)
                log(
                    "\(endpoint.name): scoring by \(client.scoringMethod!.rawValue)"
                        + (client.scoringMethod!.isExact ? " (exact)" : " (first token, top-k only: approximate)"))
                clients[endpoint.name] = client
            } else {
                clients[endpoint.name] = OpenAIClient(endpoint: endpoint, timeout: timeout)
            }
        }
        let runner = RequestRunner(
            clients: clients, journal: journal, reader: AnswerReader(battery: plan.battery),
            concurrency: concurrency, maximumRequests: maximumRequests, progress: progress)
        let summary = try await runner.run(
            plan.requests,
            servers: Dictionary(uniqueKeysWithValues: plan.endpoints.map { ($0.name, $0.baseURL) }))
        var analysis = ProbeAnalysis()
        analysis.seed = seed
        return (analysis.analyse(plan: plan, journal: journal, reference: reference, summary: summary), summary)
    }

    private func openJournal(_ directory: String) throws -> Journal {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let journal = try Journal(path: (directory as NSString).appendingPathComponent("journal.jsonl"))
        if journal.droppedTornLine { log("journal: dropped a torn last line (a run was cut short)") }
        if !journal.damagedLines.isEmpty { log("journal: skipped unreadable lines \(journal.damagedLines)") }
        return journal
    }
}
