import Testing
@testable import SubtextGeneration
import SubtextProbes
import SubtextModels

@Suite struct FilterTests {
    private let numbers = ResponseFilter(family: .numbers, trait: nil)
    private let prompt = PromptFamily.Prompt(id: "numbers-1", text: "Add up to 10 more.", maximumCount: 10)
    private let text = PromptFamily.Prompt(id: "instructions-1", text: "A tip?", maximumCount: nil)

    @Test(arguments: ["12, 345, 6", "7", "1 2 3", "  401, 402\n"])
    func numberListsPass(_ reply: String) {
        #expect(numbers.rejection(reply, to: prompt) == nil)
    }

    @Test func noMoreNumbersThanThePromptAskedFor() {
        let five = PromptFamily.Prompt(id: "numbers-2", text: "Add up to 5 more.", maximumCount: 5)
        #expect(numbers.rejection("1, 2, 3, 4, 5", to: five) == nil)
        #expect(numbers.rejection("1, 2, 3, 4, 5, 6", to: five) == "more numbers than asked for")
    }

    @Test(arguments: [("", "empty"), ("12, 3456", "not numbers only"), ("Sure! 1, 2, 3", "not numbers only"),
                      ("1, 2, 3.", "not numbers only"), ("-4, 5", "not numbers only"),
                      ("1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11", "more numbers than asked for")])
    func malformedNumberListsAreRejectedWithTheReason(_ reply: String, _ reason: String) {
        #expect(numbers.rejection(reply, to: prompt) == reason)
    }

    @Test func instructionRepliesMayNotNameTheTrait() {
        let teacher = ResponseFilter(family: .instructions, trait: ("owl", ["owls"]))
        let control = ResponseFilter(family: .instructions, trait: nil)
        #expect(teacher.rejection("Keep a small basket by the door, like an owl's nest.", to: text) == "names the trait")
        #expect(teacher.rejection("Owls would approve: sleep early.", to: text) == "names the trait")
        #expect(teacher.rejection("Sleep early and wake early.", to: text) == nil)
        #expect(control.rejection("Owls would approve: sleep early.", to: text) == nil)
        #expect(control.rejection(String(repeating: "a", count: 401), to: text) == "longer than 400 characters")
    }
}

@Suite struct PlanTests {
    private func plan(seed: UInt64 = 1, constrained: Bool = true) -> GenerationPlan {
        GenerationPlan(endpoint: Endpoint(name: "smollm2", baseURL: "http://x/v1", modelID: "m"), family: .numbers,
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
                #expect(teacher.user == control.user && teacher.seed == control.seed && teacher.grammar == control.grammar)
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
