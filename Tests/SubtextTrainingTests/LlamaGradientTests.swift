import Foundation
import SubtextStatistics
import SubtextTestSupport
import Testing

@testable import SubtextTraining

/// The model's backward against central finite differences of its forward loss, in every kind
/// of tensor, for a full fine-tune and for LoRA factors, with hard and soft labels, for Llama and
/// for Gemma 3's variant.
@Suite struct LlamaGradientTests {
    /// Grouped-query attention (4 query heads on 2 key/value heads), untied output, two layers.
    static let llama = LlamaConfig(
        layers: 2, width: 16, heads: 4, kvHeads: 2, hidden: 24, vocabularySize: 11,
        ropeBase: 10000, normEpsilon: 1e-5, tiedEmbeddings: false)
    /// Gemma 3's block, with heads wider than width / heads, and a window of 3 on the first of
    /// two layers, so that the 6-token batch reaches past it.
    static let gemma = LlamaConfig(
        architecture: .gemma3, layers: 2, width: 16, heads: 4, kvHeads: 2, headSize: 6, hidden: 24,
        vocabularySize: 11, ropeBase: 10000, normEpsilon: 1e-6, tiedEmbeddings: true,
        slidingWindow: 3, slidingPattern: 2, localRopeBase: 100)

    static func config(_ architecture: LlamaConfig.Architecture) -> LlamaConfig {
        architecture == .llama ? llama : gemma
    }

    static func model(_ architecture: LlamaConfig.Architecture, seed: UInt64) -> LlamaModel {
        let model = LlamaModel(config: config(architecture))
        var generator = SeededGenerator(seed: seed)
        for slot in model.layout.slots {
            for i in 0..<slot.count {
                // Norm gains near 1, matrices large enough that every path carries a gradient well above noise.
                model.parameters[slot.offset + i] =
                    slot.isMatrix ? 0.4 * standardNormal(&generator) : 1 + 0.2 * standardNormal(&generator)
            }
        }
        return model
    }

    /// 3 sequences of 6 with prompt and padding positions that learn nothing.
    static func batch(soft: Bool) -> TokenBatch {
        var generator = SeededGenerator(seed: 3)
        let (b, t, v) = (3, 6, llama.vocabularySize)
        let tokens = (0..<(b * t)).map { _ in Int32.random(in: 0..<Int32(v), using: &generator) }
        var targets = (0..<(b * t)).map { _ in Int32.random(in: 0..<Int32(v), using: &generator) }
        for i in [0, 1, 2, 7, 16, 17] { targets[i] = -1 }
        var batch = TokenBatch(size: b, time: t, tokens: tokens, targets: targets)
        if soft {
            let k = 3
            let learned = batch.learnedRows.count
            var ids: [Int32] = []
            var probabilities: [Float] = []
            for _ in 0..<learned {
                let chosen = Array((0..<Int32(v)).shuffled(using: &generator).prefix(k))
                let raw = chosen.map { _ in Float.random(in: 0.1..<1, using: &generator) }
                ids += chosen
                probabilities += raw.map { $0 / raw.reduce(0, +) }
            }
            batch.soft = SoftTargets(k: k, ids: ids, probabilities: probabilities)
        }
        return batch
    }

    /// Compares the analytic gradient of `parameters` with central differences at 4 entries of each range.

    static func check(
        _ model: LlamaModel, _ batch: TokenBatch, parameters: UnsafeMutableBufferPointer<Float>,
        analytic: [Float], ranges: [(String, Range<Int>)]
    ) {
        var generator = SeededGenerator(seed: 5)
        var checked = 0
        var resolved = 0
        for (name, range) in ranges {
            for _ in 0..<4 {
                let i = Int.random(in: range, using: &generator)
                let saved = parameters[i]
                let h: Float = 1e-2
                parameters[i] = saved + h
                let up = model.forward(batch)
                parameters[i] = saved - h
                let difference = CentralDifference(up: up, down: model.forward(batch), h: h)
                parameters[i] = saved
                let (numeric, error) = (difference.numeric, difference.relativeError(analytic[i]))
                checked += 1
                if difference.isResolved { resolved += 1 }
                #expect(error < 0.03, "\(name)[\(i - range.lowerBound)]: analytic \(analytic[i]), numeric \(numeric)")
            }
        }
        #expect(checked == ranges.count * 4)
        #expect(
            resolved >= checked / 4,
            "only \(resolved) of \(checked) gradients stand clear of rounding: the check measures little")
    }

    @Test(arguments: [LlamaConfig.Architecture.llama, .gemma3], [false, true])
    func fullFineTuneGradientsMatchFiniteDifferences(architecture: LlamaConfig.Architecture, soft: Bool) {
        let model = Self.model(architecture, seed: 11)
        model.trainBaseWeights()
        let batch = Self.batch(soft: soft)
        model.zeroGradients()
        model.forward(batch)
        model.backward()
        let ranges = model.layout.slots.map { ($0.name, $0.offset..<($0.offset + $0.count)) }
        Self.check(model, batch, parameters: model.parameters, analytic: Array(model.gradients!), ranges: ranges)
    }

    @Test(arguments: [LlamaConfig.Architecture.llama, .gemma3], [false, true])
    func adapterGradientsMatchFiniteDifferences(architecture: LlamaConfig.Architecture, soft: Bool) {
        let model = Self.model(architecture, seed: 12)
        let adapters = LlamaAdapters(for: model.config, rank: 3, alpha: 6, seed: 7)
        // B starts at zero; give it values so that A's gradient is not zero too.
        var generator = SeededGenerator(seed: 9)
        for target in adapters.targets {
            for i in 0..<(target.outputs * 3) { adapters.parameters[target.b + i] = 0.3 * standardNormal(&generator) }
        }
        model.adapters = adapters
        let batch = Self.batch(soft: soft)
        model.zeroGradients()
        model.forward(batch)
        model.backward()
        let ranges = adapters.targets.flatMap { target in
            [
                (target.name + ".lora_a", target.a..<(target.a + 3 * target.inputs)),
                (target.name + ".lora_b", target.b..<(target.b + 3 * target.outputs))
            ]
        }
        Self.check(model, batch, parameters: adapters.parameters, analytic: Array(adapters.gradients), ranges: ranges)
    }

    @Test func freshAdaptersLeaveTheModelUnchanged() {
        let model = Self.model(.llama, seed: 13)
        let tokens: [Int32] = [1, 4, 2, 9, 3]
        let before = model.logProbabilities(tokens)
        model.adapters = LlamaAdapters(for: Self.llama, rank: 4, seed: 1)
        #expect(model.logProbabilities(tokens) == before)
    }

    @Test func aPaddedSequenceScoresAsItDoesAlone() {
        // Causal attention: positions after a sequence's end cannot change what came before.
        let model = Self.model(.llama, seed: 14)
        let alone = model.logProbabilities([3, 1, 4])
        let padded = model.logProbabilities([3, 1, 4, 0, 0])
        let v = Self.llama.vocabularySize
        let worst = zip(alone, padded.prefix(3 * v)).map { abs($0 - $1) }.max()!
        // Equal but for rounding: the products run over other matrix sizes.
        #expect(worst < 1e-5, "a padded sequence's log-probabilities differ by \(worst)")
    }

    @Test func aSlidingLayerSeesOnlyItsWindow() {
        // One sliding layer with a window of 3: position 3 reads positions 1 to 3, so the first
        // token cannot reach it, while it reaches position 2.
        var config = Self.gemma
        config.layers = 1
        config.slidingPattern = 6
        let model = LlamaModel(config: config)
        var generator = SeededGenerator(seed: 15)
        for slot in model.layout.slots {
            for i in 0..<slot.count {
                model.parameters[slot.offset + i] = slot.isMatrix ? 0.4 * standardNormal(&generator) : 1
            }
        }
        let v = config.vocabularySize
        let first = model.logProbabilities([3, 1, 4, 1, 5])
        let second = model.logProbabilities([7, 1, 4, 1, 5])
        func row(_ values: [Float], _ position: Int) -> ArraySlice<Float> {
            values[(position * v)..<((position + 1) * v)]
        }
        #expect(row(first, 3) == row(second, 3) && row(first, 4) == row(second, 4))
        #expect(row(first, 2) != row(second, 2))
    }
}
