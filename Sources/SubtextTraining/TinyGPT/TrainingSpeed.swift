import Foundation
import SubtextStatistics

/// Times full training steps (zero the gradients, forward, backward, clip, AdamW) on random
/// tokens, the same measurement `benchmarks/lab_training_torch.py` makes for PyTorch.
package struct TrainingSpeed: Codable, Sendable {
    package var config: ModelConfig
    package var batchSize: Int
    package var parameters: Int
    package var stepSeconds: [Double]
    package var medianStepSeconds: Double
    package var tokensPerSecond: Double

    package static func measure(_ config: ModelConfig, batchSize: Int, steps: Int, warmup: Int = 3) throws
        -> TrainingSpeed
    {
        let model = try TinyGPT(config: config, seed: 1)
        var generator = SeededGenerator(seed: 2)
        let count = batchSize * config.context
        let v = Int32(config.vocabularySize)
        let batch = Batch(
            size: batchSize, time: config.context,
            tokens: (0..<count).map { _ in Int32.random(in: 0..<v, using: &generator) },
            targets: (0..<count).map { _ in Int32.random(in: 0..<v, using: &generator) })
        var optimizer = AdamW(for: model)
        var times: [Double] = []
        for step in 0..<(warmup + steps) {
            let start = DispatchTime.now().uptimeNanoseconds
            model.zeroGradients()
            model.forward(batch)
            model.backward()
            model.clipGradients(to: 1)
            optimizer.update(model, learningRate: 1e-4)
            if step >= warmup { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        let median = times.sorted()[times.count / 2]
        return TrainingSpeed(
            config: config, batchSize: batchSize, parameters: model.parameterCount, stepSeconds: times,
            medianStepSeconds: median, tokensPerSecond: Double(count) / median)
    }
}
