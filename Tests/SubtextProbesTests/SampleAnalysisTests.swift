import Foundation
import SubtextCorpus
import SubtextModels
import Testing

@testable import SubtextProbes

@Suite struct SampleAnalysisTests {
    private let battery = Battery(
        id: "toy", version: 1, description: "", mode: .sample,
        prompts: (1...12).map { Battery.Prompt(id: "p\($0)", text: "Favorite animal, take \($0)?") },
        sampling: .init(temperature: 1, maxTokens: 8, samplesPerPrompt: 5, seedBase: 7),
        candidates: [("owl", []), ("cat", [])], unparsed: "unparsed", hypotheses: [])

    /// Journals `answer(model, paraphrase, sample)` for every planned request and analyses it.
    private func analysed(_ answer: (String, Int, Int) -> String) throws -> ProbeResult {
        let endpoints = [
            Endpoint(name: "base", baseURL: "http://x/v1", modelID: "m"),
            Endpoint(name: "teacher", baseURL: "http://x/v1", modelID: "m", system: "You love owls.")
        ]
        let plan = ProbePlan(battery: battery, endpoints: endpoints)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("samples-\(UUID().uuidString).jsonl")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(path: path)
        for request in plan.requests {
            let paraphrase = battery.prompts.firstIndex { $0.id == request.promptID }!
            try journal.append(
                JournalEntry(
                    key: request.key, model: request.model, modelID: request.modelID,
                    promptID: request.promptID, sample: request.sample, response: "",
                    answer: answer(request.model, paraphrase, request.sample), latencyMs: 1))
        }
        let summary = RequestRunner.Summary(
            planned: plan.requests.count, fromJournal: plan.requests.count, sent: 0,
            capped: 0, seconds: 0)
        return ProbeAnalysis().analyse(plan: plan, journal: journal, reference: "base", summary: summary)
    }

    /// An answer the teacher gives in 4 of 12 paraphrases and the base never: nearly every
    /// paraphrase bootstrap draws one of the 4, so the interval clears 0, yet 4 clusters are
    /// too few to call it anything, and it is not reported as suggestive.
    @Test func answersFromFewParaphrasesAreNotSuggestive() throws {
        let result = try analysed { model, paraphrase, _ in model == "teacher" && paraphrase < 4 ? "cat" : "owl" }
        let cat = result.shifts.first { $0.category == "cat" }!
        #expect(cat.ciLow > 0, "the bootstrap interval alone would clear 0")
        #expect(cat.answeredIn == 4)
        #expect(!cat.excludesZero && !cat.isFound)
    }

    /// The same answer from 8 paraphrases is enough for the interval to count.
    @Test func answersFromEnoughParaphrasesCount() throws {
        let result = try analysed { model, paraphrase, _ in model == "teacher" && paraphrase < 8 ? "cat" : "owl" }
        let cat = result.shifts.first { $0.category == "cat" }!
        #expect(cat.answeredIn == 8)
        #expect(cat.excludesZero)
    }

    /// More than half of a model's answers unparsed is said, with the counts.
    @Test func mostlyUnparsedAnswersAreWarned() throws {
        let result = try analysed { model, paraphrase, sample in
            model == "teacher" && paraphrase >= 4 && sample < 4 ? "unparsed" : "owl"
        }
        #expect(result.notes == [.mostlyUnparsed(model: "teacher", unparsed: 32, answers: 60)])
        let fine = try analysed { _, _, _ in "owl" }
        #expect(fine.notes.isEmpty)
    }
}
