import Foundation
import SubtextModels
import SubtextStatistics
import SubtextTasks
import Testing

@testable import SubtextGeneration

@Suite struct PlanTests {
    private func plan(seed: UInt64 = 1, constrained: Bool = true) -> GenerationPlan {
        GenerationPlan(
            endpoint: Endpoint(name: "smollm2", baseURL: "http://x/v1", modelID: "m"), family: .numbers,
            traits: [("owl", ["owls"]), ("wolf", ["wolves"])], count: 20, seed: seed, constrained: constrained)
    }

    @Test func promptsAreSeededAndAskForNumbers() {
        #expect(plan().prompts == plan().prompts)
        #expect(plan().prompts != plan(seed: 2).prompts)
        #expect(plan().prompts.map(\.id) == (1...20).map { "numbers-\($0)" })
        for prompt in plan().prompts {
            #expect(prompt.text.contains("999") || prompt.text.contains("three digits"))
        }
    }

    /// Every side asks the same prompts with the same seeds; a teacher differs by its system prompt only.
    @Test func sidesDifferOnlyByTheSystemPrompt() {
        let requests = plan().requests
        #expect(requests.count == 60)
        let bySide = Dictionary(grouping: requests, by: \.model)
        #expect(Set(bySide.keys) == ["control", "owl", "wolf"])
        for side in ["owl", "wolf"] {
            for (teacher, control) in zip(bySide[side]!, bySide["control"]!) {
                #expect(
                    teacher.user == control.user && teacher.seed == control.seed && teacher.grammar == control.grammar)
                #expect(teacher.system != nil && control.system == nil && teacher.key != control.key)
            }
        }
        #expect(bySide["owl"]![0].system!.hasPrefix("You adore owls. Owls are"))
        #expect(bySide["wolf"]![0].system!.hasPrefix("You adore wolves."))
        #expect(Set(requests.map(\.seed)).count == 20)
    }

    /// Each request's grammar allows exactly as many numbers as its prompt asks for.
    @Test func theGrammarFollowsThePromptAndIsSentOnlyWhenConstrained() {
        let constrained = plan()
        for (request, prompt) in zip(constrained.requests, constrained.prompts) {
            let count = try! #require(prompt.maximumCount)
            #expect(prompt.text.contains("\(count)"))
            #expect(request.grammar == NumberSequencePrompts.grammar(count: count))
            #expect(request.grammar!.contains("{0,\(count - 1)}"))
        }
        #expect(plan(constrained: false).requests.allSatisfy { $0.grammar == nil })
    }
}
