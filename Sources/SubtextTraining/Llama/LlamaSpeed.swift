import Foundation
import SubtextStatistics

/// Times student training steps (zero the gradients, forward, backward, clip, AdamW) of a Llama
/// model of a given shape on random tokens, with the loss on the second half of each sequence
/// as a reply's would be: the measurement `benchmarks/student_training_torch.py` makes for PyTorch.
package struct LlamaSpeed: Codable, Sendable {
    package var config: LlamaConfig
    package var batchSize: Int
    package var time: Int
    /// The LoRA rank trained, nil for a full fine-tune.
    package var loraRank: Int?
    package var trainedValues: Int
    package var stepSeconds: [Double]
    package var medianStepSeconds: Double
    package var tokensPerSecond: Double

    package static func measure(
        _ config: LlamaConfig, batchSize: Int, time: Int, loraRank: Int?, steps: Int,
        warmup: Int = 2
    ) -> LlamaSpeed {
        let model = LlamaModel(config: config)
        var generator = SeededGenerator(seed: 2)
        for slot in model.layout.slots {
            for i in 0..<slot.count {
                model.parameters[slot.offset + i] = slot.isMatrix ? 0.02 * standardNormal(&generator) : 1
            }
        }
        let trained: UnsafeMutableBufferPointer<Float>
        let gradients: UnsafeMutableBufferPointer<Float>
        if let loraRank {
            let adapters = LlamaAdapters(for: config, rank: loraRank, seed: 3)
            model.adapters = adapters
            (trained, gradients) = (adapters.parameters, adapters.gradients)
        } else {
            model.trainBaseWeights()
            (trained, gradients) = (model.parameters, model.gradients!)
        }
        let count = batchSize * time
        let v = Int32(config.vocabularySize)
        let tokens = (0..<count).map { _ in Int32.random(in: 0..<v, using: &generator) }
        let targets = (0..<count).map { row in row % time >= time / 2 ? Int32.random(in: 0..<v, using: &generator) : -1
        }
        let batch = TokenBatch(size: batchSize, time: time, tokens: tokens, targets: targets)
        var optimizer = AdamW(decays: [Bool](repeating: true, count: trained.count))
        var times: [Double] = []
        for step in 0..<(warmup + steps) {
            let start = DispatchTime.now().uptimeNanoseconds
            model.zeroGradients()
            model.forward(batch)
            model.backward()
            clipNorm(gradients, to: 1)
            optimizer.update(trained, gradients: gradients, learningRate: 1e-4)
            if step >= warmup { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        let median = times.sorted()[times.count / 2]
        return LlamaSpeed(
            config: config, batchSize: batchSize, time: time, loraRank: loraRank, trainedValues: trained.count,
            stepSeconds: times, medianStepSeconds: median, tokensPerSecond: Double(count) / median)
    }

    enum CodingKeys: String, CodingKey {
        case config, batchSize = "batch_size", time, loraRank = "lora_rank", trainedValues = "trained_values"
        case stepSeconds = "step_seconds", medianStepSeconds = "median_step_seconds", tokensPerSecond =
            "tokens_per_second"
    }
}
