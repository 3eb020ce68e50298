import Foundation
import SubtextStatistics
import SubtextTestSupport
import Testing

@testable import SubtextTraining

/// Backward against central finite differences of forward's loss, in every kind of tensor.
@Suite struct GradientCheckTests {
    static let config = ModelConfig(vocabularySize: 13, context: 7, layers: 2, heads: 2, width: 8)

    /// A batch of 3 sequences with ignored positions, so masking is checked too.
    static func batch(soft: Bool) -> Batch {
        var generator = SeededGenerator(seed: 3)
        let (b, t, v) = (3, 6, config.vocabularySize)
        let tokens = (0..<(b * t)).map { _ in Int32.random(in: 0..<Int32(v), using: &generator) }
        var targets = (0..<(b * t)).map { _ in Int32.random(in: 0..<Int32(v), using: &generator) }
        for i in [0, 1, 7, 17] { targets[i] = -1 }
        var batch = Batch(size: b, time: t, tokens: tokens, targets: targets)
        if soft {
            batch.distributions = (0..<(b * t)).flatMap { _ -> [Float] in
                let raw = (0..<v).map { _ in Float.random(in: 0..<1, using: &generator) }
                let sum = raw.reduce(0, +)
                return raw.map { $0 / sum }
            }
        }
        return batch
    }

    @Test(arguments: [false, true])
    func backwardMatchesFiniteDifferences(soft: Bool) throws {
        let model = try TinyGPT(config: Self.config, seed: 11)
        // Larger than the initial 0.02 scale, so every path carries a gradient well above noise.
        for i in model.parameters.indices
        where model.layout.slots.first(where: { $0.offset <= i && i < $0.offset + $0.count })!.decays {
            model.parameters[i] *= 10
        }
        let batch = Self.batch(soft: soft)
        model.zeroGradients()
        model.forward(batch)
        model.backward()
        let analytic = Array(model.gradients)
        var generator = SeededGenerator(seed: 5)
        var checked = 0
        var resolved = 0
        for slot in model.layout.slots {
            for _ in 0..<4 {
                let i = slot.offset + Int.random(in: 0..<slot.count, using: &generator)
                let saved = model.parameters[i]
                let h: Float = 1e-2
                model.parameters[i] = saved + h
                let up = model.forward(batch)
                model.parameters[i] = saved - h
                let difference = CentralDifference(up: up, down: model.forward(batch), h: h)
                model.parameters[i] = saved
                let (numeric, error) = (difference.numeric, difference.relativeError(analytic[i]))
                checked += 1
                if difference.isResolved { resolved += 1 }
                #expect(error < 0.02, "\(slot.name)[\(i - slot.offset)]: analytic \(analytic[i]), numeric \(numeric)")
            }
        }
        #expect(checked == model.layout.slots.count * 4)
        #expect(
            resolved >= checked / 4,
            "only \(resolved) of \(checked) gradients stand clear of rounding: the check measures little")
    }

    @Test func aGradientStepLowersTheLoss() throws {
        let model = try TinyGPT(config: Self.config, seed: 2)
        let batch = Self.batch(soft: false)
        let before = model.forward(batch)
        var optimizer = AdamW(for: model)
        for _ in 0..<20 {
            model.zeroGradients()
            model.forward(batch)
            model.backward()
            optimizer.update(model, learningRate: 1e-2)
        }
        #expect(model.forward(batch) < before - 0.5)
    }
}
