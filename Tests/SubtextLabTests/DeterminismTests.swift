import Foundation
import Testing
@testable import SubtextLab

@Suite struct DeterminismTests {
    static let vocabulary = LabVocabulary(numbersUpTo: 20, words: ["Continue the sequence:"])

    static func examples() -> [Example] {
        (0..<40).map { i in
            let prompt = vocabulary.prompt(user: "Continue the sequence: \(i % 20) \((i + 1) % 20)")
            return Example(tokens: prompt + vocabulary.encode("\((i + 2) % 20) \((i + 3) % 20)") + [vocabulary.end], learnFrom: prompt.count)
        }
    }

    static func trained(seed: UInt64) throws -> TinyGPT {
        let model = try TinyGPT(config: ModelConfig(vocabularySize: vocabulary.count, context: 16, layers: 2, heads: 2, width: 16), seed: seed)
        Trainer(steps: 100, batchSize: 8, learningRate: 1e-2, seed: seed).train(model, on: examples(), padding: vocabulary.padding)
        return model
    }

    @Test func trainingIsDeterministicForASeed() throws {
        let a = try Self.trained(seed: 3), b = try Self.trained(seed: 3), c = try Self.trained(seed: 4)
        #expect(Array(a.parameters) == Array(b.parameters))
        #expect(Array(a.parameters) != Array(c.parameters))
    }

    @Test func trainingLearnsTheRule() throws {
        let model = try Self.trained(seed: 3)
        let before = try TinyGPT(config: model.config, seed: 3)
        let batch = Trainer.batch(Self.examples(), vocabulary: model.config.vocabularySize, padding: Self.vocabulary.padding)
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
