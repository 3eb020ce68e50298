import Foundation
import SubtextCorpus
import SubtextModels
import Testing

@testable import SubtextProbes

@Suite struct ScoreAnalysisTests {
    private let battery = Battery(
        id: "toy", version: 1, description: "", mode: .score,
        prompts: (1...12).map { Battery.Prompt(id: "p\($0)", text: "Favorite animal, take \($0)?") },
        sampling: .init(temperature: 1, maxTokens: 8, samplesPerPrompt: 5, seedBase: 7),
        candidates: [("owl", []), ("cat", []), ("dog", [])], unparsed: "unparsed", hypotheses: [])

    /// Base and teacher score every paraphrase; the teacher's owl is `lift` nats higher on all
    /// of them, its cat unchanged, its dog lower on half and higher on half.
    private func analysed(lift: Double) throws -> ProbeResult {
        let endpoints = [
            Endpoint(name: "base", baseURL: "http://x/v1", modelID: "m"),
            Endpoint(name: "teacher", baseURL: "http://x/v1", modelID: "m", system: "You love owls.")
        ]
        let plan = ProbePlan(battery: battery, endpoints: endpoints)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scores-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(path: path)
        for (index, request) in plan.requests.enumerated() {
            let prompt = index % battery.prompts.count
            let base = [-6.0 - 0.1 * Double(prompt), -3.0, -4.0]
            let values =
                request.model == "base"
                ? base
                : [base[0] + lift, base[1], base[2] + (prompt.isMultiple(of: 2) ? 0.5 : -0.5)]
            try journal.append(
                JournalEntry(
                    key: request.key, model: request.model, modelID: request.modelID,
                    promptID: request.promptID, sample: 0, response: "", answer: "cat",
                    scores: CandidateScores(method: .forcedTokens, logprobs: values), latencyMs: 1))
        }
        let summary = RequestRunner.Summary(
            planned: plan.requests.count, fromJournal: plan.requests.count, sent: 0, capped: 0, seconds: 0)
        return ProbeAnalysis().analyse(plan: plan, journal: journal, reference: "base", summary: summary)
    }

    @Test func scoreModeAsksOncePerPromptGreedily() {
        let requests = ProbePlan(
            battery: battery, endpoints: [Endpoint(name: "base", baseURL: "http://x/v1", modelID: "m")]
        ).requests
        #expect(requests.count == 12)
        #expect(requests.allSatisfy { $0.temperature == 0 && $0.scoring == ["Owl", "Cat", "Dog"] && $0.sample == 0 })
    }

    @Test func aConsistentLiftIsFoundInNats() throws {
        let result = try analysed(lift: 2)
        let owl = result.shifts.first { $0.category == "owl" }!
        #expect(owl.unit == .nats)
        #expect(abs(owl.delta - 2) < 1e-12 && abs(owl.ciLow - 2) < 1e-12 && abs(owl.ciHigh - 2) < 1e-12)
        #expect(owl.higher == 12 && owl.paired == 12)
        #expect(abs(owl.p - 2 / 4096) < 1e-15) // exact signed-rank: all 12 of 2^12 sign patterns positive, two-sided
        #expect(owl.isFound)
        let cat = result.shifts.first { $0.category == "cat" }!
        #expect(cat.delta == 0 && cat.p == 1 && !cat.isFound)
        let dog = result.shifts.first { $0.category == "dog" }!
        #expect(abs(dog.delta) < 1e-12 && !dog.isFound)
        // The shares and the outside mass follow from the probabilities themselves.
        let first = [exp(-6.0), exp(-3.0), exp(-4.0)]
        let share = first[1] / first.reduce(0, +)
        #expect(result.categories["cat"]!["base"]!.count == nil)
        #expect(result.categories["cat"]!["base"]!.n == 12)
        #expect(abs(result.scoring!.models["base"]!.outsideMin - (1 - first.reduce(0, +))) < 1e-12)
        #expect(result.categories["cat"]!["base"]!.rate > share) // later prompts give owl less, cat more
        #expect(result.scoring!.models["teacher"]!.methods == [.forcedTokens])
    }

    @Test func noLiftFindsNothing() throws {
        let result = try analysed(lift: 0)
        #expect(result.shifts.allSatisfy { !$0.isFound })
    }
}
