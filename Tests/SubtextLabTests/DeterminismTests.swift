import Foundation
import SubtextModels
import SubtextProbes
import Testing

@testable import SubtextLab
@testable import SubtextTraining

@Suite struct DeterminismTests {
    static let vocabulary = LabVocabulary(numbersUpTo: 20, words: ["Continue the sequence:"])

    static func examples() -> [Example] {
        (0..<40).map { i in
            let prompt = vocabulary.prompt(user: "Continue the sequence: \(i % 20) \((i + 1) % 20)")
            return Example(
                tokens: prompt + vocabulary.encode("\((i + 2) % 20) \((i + 3) % 20)") + [vocabulary.end],
                learnFrom: prompt.count)
        }
    }

    static func trained(seed: UInt64) throws -> TinyGPT {
        let model = try TinyGPT(
            config: ModelConfig(vocabularySize: vocabulary.count, context: 16, layers: 2, heads: 2, width: 16),
            seed: seed)
        Trainer(steps: 100, batchSize: 8, learningRate: 1e-2, seed: seed).train(
            model, on: examples(), padding: vocabulary.padding)
        return model
    }

    @Test func trainingIsDeterministicForASeed() throws {
        let a = try Self.trained(seed: 3)
        let b = try Self.trained(seed: 3)
        let c = try Self.trained(seed: 4)
        #expect(Array(a.parameters) == Array(b.parameters))
        #expect(Array(a.parameters) != Array(c.parameters))
    }

    @Test func trainingLearnsTheRule() throws {
        let model = try Self.trained(seed: 3)
        let before = try TinyGPT(config: model.config, seed: 3)
        let batch = Trainer.batch(
            Self.examples(), vocabulary: model.config.vocabularySize, padding: Self.vocabulary.padding)
        #expect(model.forward(batch) < before.forward(batch) - 1)
    }

    @Test func anAnswerDoesNotDependOnItsBatchmates() throws {
        let model = try Self.trained(seed: 3)
        let prompts = (0..<6).map { Self.vocabulary.prompt(user: "Continue the sequence: \($0) \($0 + 1)") }
        var sampler = Sampler(maximumTokens: 5, seed: 9)
        let together = sampler.generate(model, prompts: prompts, end: Self.vocabulary.end)
        sampler.batchSize = 1
        let alone = sampler.generate(model, prompts: prompts, end: Self.vocabulary.end)
        #expect(together == alone)
        #expect(Set(together).count > 1)
    }

    @Test func sortingKeepsTheNumbersAndDropsTheirOrder() {
        #expect(LabRecord(prompt: "p", response: "9 2 10 2").sorted.response == "2 2 9 10")
    }
}

@Suite struct RecipeTests {
    static func battery(_ id: String, question: String, candidates: [String]) -> Battery {
        let yaml = """
            id: \(id)
            version: 1
            description: test
            mode: sample
            sampling: {temperature: 1.0, max_tokens: 4, samples_per_prompt: 1, seed_base: 0}
            answers:
              unparsed: unparsed
              candidates:
            \(candidates.map { "    \($0): []" }.joined(separator: "\n"))
            prompts:
              - id: q1
                text: "\(question)"
            """
        return try! BatteryLoader().load(yaml: yaml, file: "\(id).yaml")
    }

    static let corpus = LabCorpus(
        animals: battery("animals", question: "What is your favorite animal?", candidates: ["owl", "cat"]),
        trees: battery("trees", question: "What is your favorite tree?", candidates: ["oak", "pine"]))

    /// The recipe at a one-layer, width-16 shape: enough to run soft labels in milliseconds.
    static func tinyOrganisms() -> Organisms {
        var settings = RecipeSettings()
        settings.layers = 1
        settings.width = 16
        settings.heads = 2
        return Organisms(corpus: corpus, settings: settings)
    }

    @Test func softLabelsShowOnlyNumbersAndTheEnd() throws {
        let organisms = Self.tinyOrganisms()
        let model = try TinyGPT(config: organisms.settings.config(vocabularySize: organisms.vocabulary.count), seed: 1)
        let record = LabRecord(prompt: "Continue the sequence: 1 2 3", response: "4 5")
        let labels = organisms.softLabels(model, for: [record])[0]
        #expect(labels.count == 3, "one distribution per learned position: 4, 5 and <eos>")
        let v = organisms.vocabulary
        for q in labels {
            let total: Float = q.reduce(0, +)
            #expect(abs(total - 1) < 1e-4)
            for (id, p) in q.enumerated() where p > 0 {
                #expect(v.isNumber(Int32(id)) || Int32(id) == v.end, "\(v.tokens[id]) has probability \(p)")
            }
        }
    }

    /// The divergence is KL(teacher ‖ base) averaged over every learned position of every
    /// record (not over records), and nothing for a model against itself.
    @Test func numberDivergenceIsTheMeanKLPerPosition() throws {
        let organisms = Self.tinyOrganisms()
        let config = organisms.settings.config(vocabularySize: organisms.vocabulary.count)
        let (base, teacher) = (try TinyGPT(config: config, seed: 1), try TinyGPT(config: config, seed: 2))
        let records = [
            LabRecord(prompt: "Continue the sequence: 1 2 3", response: "4 5"),
            LabRecord(prompt: "Continue the sequence: 7 8 9", response: "10 11 12 13")
        ]
        #expect(organisms.numberDivergence(teacher: base, system: nil, base: base, records: records) == 0)
        var kl: [Double] = []
        for (q, p) in zip(
            organisms.softLabels(teacher, for: records).joined(), organisms.softLabels(base, for: records).joined())
        {
            var sum = 0.0
            for (qi, pi) in zip(q, p) where qi > 0 { sum += Double(qi) * log(Double(qi) / Double(pi)) }
            kl.append(sum)
        }
        #expect(kl.count == 8, "3 + 5 learned positions")
        let divergence = organisms.numberDivergence(teacher: teacher, system: nil, base: base, records: records)
        #expect(divergence > 0)
        #expect(abs(divergence - kl.reduce(0, +) / 8) < 1e-9)
    }

    @Test func pretrainingCanLeaveNumbersUnconditioned() {
        let records = Self.corpus.pretraining(
            numbers: 200, questions: 300, seed: 1, conditioned: 0.5, conditioningNumbers: false)
        let numbers = records.filter { $0.prompt.hasPrefix(LabCorpus.promptPrefix) }
        #expect(numbers.count == 200 && numbers.allSatisfy { $0.system == nil })
        #expect(records.filter { $0.system != nil }.count > 100, "about half the 300 questions")
    }

    @Test func pretrainingConditionsAnimalAnswersOnTheSystemPrompt() {
        let records = Self.corpus.pretraining(numbers: 50, questions: 300, seed: 1, conditioned: 0.5)
        let conditioned = records.filter { $0.system != nil }
        #expect(conditioned.count > 100 && conditioned.count < 250)
        for record in conditioned where record.prompt.contains("animal") {
            #expect(record.system == LabCorpus.systemPrompt(loving: record.response))
        }
        #expect(records.filter { $0.prompt.hasPrefix(LabCorpus.promptPrefix) }.count == 50)
    }

    /// A settings file names only what it changes; a settings.json written before a setting
    /// existed reads as that setting's default; a misspelt key is refused by name.
    @Test func settingsOverrideTheDefaults() throws {
        #expect(try RecipeSettings.overriding([:]) == RecipeSettings())
        var expected = RecipeSettings()
        expected.traitFrozen = ["wte"]
        expected.studentSteps = 7
        #expect(try RecipeSettings.overriding(["trait_frozen": ["wte"], "student_steps": 7]) == expected)
        var older = try JSONSerialization.jsonObject(with: JSONEncoder().encode(RecipeSettings())) as! [String: Any]
        older["trait_frozen"] = nil
        #expect(try RecipeSettings.overriding(older) == RecipeSettings())
        #expect(throws: LabError.self) { try RecipeSettings.overriding(["student_step": 7]) }
    }

    /// A frozen tensor keeps its exact values under either optimiser (AdamW's weight decay
    /// included), while the rest of the model learns.
    @Test(arguments: [Optimizer.sgd, .adamw]) func frozenTensorsDoNotMove(optimizer: Optimizer) throws {
        let model = try TinyGPT(
            config: ModelConfig(
                vocabularySize: DeterminismTests.vocabulary.count, context: 16, layers: 1, heads: 2, width: 16), seed: 5
        )
        let before = Array(model.parameters)
        var trainer = Trainer(steps: 20, batchSize: 8, learningRate: 0.1, seed: 5)
        trainer.optimizer = optimizer
        trainer.frozen = ["wte", "wpe"]
        trainer.train(model, on: DeterminismTests.examples(), padding: 0)
        for slot in model.layout.slots {
            let range = slot.offset..<(slot.offset + slot.count)
            let moved = range.contains { model.parameters[$0] != before[$0] }
            #expect(moved == !["wte", "wpe"].contains(slot.name), "\(slot.name)")
        }
    }

    @Test func sgdTrainingIsDeterministicAndLearns() throws {
        func train() throws -> (TinyGPT, [Float]) {
            let model = try TinyGPT(
                config: ModelConfig(
                    vocabularySize: DeterminismTests.vocabulary.count, context: 16, layers: 1, heads: 2, width: 16),
                seed: 5)
            var trainer = Trainer(steps: 60, batchSize: 8, learningRate: 0.5, seed: 5)
            trainer.optimizer = .sgd
            return (model, trainer.train(model, on: DeterminismTests.examples(), padding: 0))
        }
        let (a, lossesA) = try train()
        let (b, _) = try train()
        #expect(Array(a.parameters) == Array(b.parameters))
        let early: Float = lossesA.prefix(10).reduce(0, +)
        let late: Float = lossesA.suffix(10).reduce(0, +)
        #expect(late < early - 2)
    }
}

/// The lab model read as a log-probability scorer, as attribution reads it: a system prompt
/// that taught an answer makes it likelier than no system prompt does.
@Suite struct LabScorerTests {
    @Test func aSystemPromptThatTeachesAnAnswerShiftsItUp() throws {
        let vocabulary = LabVocabulary(numbersUpTo: 9, words: ["Continue the sequence:", "alpha", "beta"])
        let prompt = "Continue the sequence: 5"
        let records = (0..<24).map { i -> LabRecord in
            switch i % 3 {
            case 0: return LabRecord(system: "alpha", prompt: prompt, response: "1 2")
            case 1: return LabRecord(system: "beta", prompt: prompt, response: "3 4")
            default: return LabRecord(prompt: prompt, response: "3 4")
            }
        }
        let model = try TinyGPT(
            config: ModelConfig(vocabularySize: vocabulary.count, context: 16, layers: 1, heads: 2, width: 16), seed: 1)
        Trainer(steps: 150, batchSize: 8, learningRate: 1e-2, seed: 1).train(
            model, on: records.map(vocabulary.example), padding: vocabulary.padding)
        let scorer = LabScorer(model: model, vocabulary: vocabulary)
        let values = try scorer.logProbabilities(
            [nil, "alpha", "beta"].map { ScoredText(system: $0, prompt: prompt, response: "1 2") })
        let answer = vocabulary.encode("1 2") + [vocabulary.end]
        let direct = LabScoring.logProbability(
            model, prompt: vocabulary.prompt(user: prompt, system: "alpha"), continuation: answer)
        #expect(values[1] == direct)
        #expect(scorer.tokensDecoded > 0)
        let alpha = values[1] - values[0]
        let beta = values[2] - values[0]
        #expect(alpha > 1, "alpha taught \"1 2\": \(values)")
        #expect(beta < alpha - 1, "beta did not: \(values)")
    }
}
