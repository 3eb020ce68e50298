import Foundation
import SubtextStatistics

/// One training example: a token sequence, learned from position `learnFrom` on (the answer,
/// not the prompt). `distributions`, when present, are the teacher's next-token probabilities
/// for each learned position, for distillation on soft labels.
package struct Example: Sendable {
    package var tokens: [Int32]
    package var learnFrom: Int
    package var distributions: [[Float]]?

    package init(tokens: [Int32], learnFrom: Int, distributions: [[Float]]? = nil) {
        self.tokens = tokens
        self.learnFrom = learnFrom
        self.distributions = distributions
    }
}

/// Minibatch AdamW training with a linear warm-up, a cosine decay to a tenth of the peak rate,
/// and global-norm clipping at 1. Batches are drawn by a seeded shuffle, epoch after epoch.
/// How a training step moves the parameters.
package enum Optimizer: String, Codable, Sendable {
    case adamw
    /// Plain gradient descent, the setting of the subliminal-learning theorem (a teacher a few
    /// gradient steps from the shared base; a student taking small steps on its outputs moves
    /// toward it). Adam's normalised steps break that argument.
    case sgd
}

package struct Trainer {
    package var steps: Int
    package var batchSize: Int
    package var learningRate: Float
    package var warmup: Int
    package var seed: UInt64
    package var weightDecay: Float = 0.1
    package var optimizer = Optimizer.adamw
    /// Tensors (by ``ParameterLayout`` name) that training leaves exactly as they were.
    package var frozen: [String] = []
    /// With a rank, training changes only low-rank adapters on the block matrices
    /// (``LowRankAdapters``) and leaves the model holding the merged weights; nil trains
    /// every parameter (a full fine-tune).
    package var loraRank: Int?

    package init(steps: Int, batchSize: Int = 32, learningRate: Float = 1e-3, warmup: Int? = nil, seed: UInt64) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmup = warmup ?? min(100, steps / 10)
        self.seed = seed
    }

    /// Trains `model` in place and returns the loss of each step.
    @discardableResult
    package func train(
        _ model: TinyGPT, on examples: [Example], padding: Int32,
        progress: (_ step: Int, _ loss: Float) -> Void = { _, _ in }
    ) -> [Float] {
        precondition(!examples.isEmpty, "nothing to train on")
        let adapters = loraRank.map { LowRankAdapters(for: model, rank: $0, seed: seed) }
        let (parameters, gradients) =
            adapters.map { ($0.parameters, $0.gradients) } ?? (model.parameters, model.gradients)
        let frozenSlots = adapters == nil ? frozen.map { model.layout.slot($0) } : []
        var optimizer = adapters.map(AdamW.init(for:)) ?? AdamW(for: model)
        optimizer.weightDecay = weightDecay
        var generator = SeededGenerator.stream(seed, "lab.train.order")
        var order: [Int] = []
        var losses: [Float] = []
        for step in 0..<steps {
            var chosen: [Int] = []
            while chosen.count < min(batchSize, examples.count) {
                if order.isEmpty { order = Array(examples.indices).shuffled(using: &generator) }
                chosen.append(order.removeLast())
            }
            let batch = Self.batch(
                chosen.map { examples[$0] }, vocabulary: model.config.vocabularySize, padding: padding)
            adapters?.merge(into: model)
            model.zeroGradients()
            let loss = model.forward(batch)
            model.backward()
            adapters?.collectGradients(from: model)
            clipNorm(gradients, to: 1)
            // Restoring frozen values after the update, rather than zeroing their gradients,
            // also undoes AdamW's weight decay on them.
            let kept = frozenSlots.map { slot in (slot.offset..<(slot.offset + slot.count)).map { model.parameters[$0] }
            }
            if self.optimizer == .sgd {
                let lr = rate(at: step)
                for i in parameters.indices { parameters[i] -= lr * gradients[i] }
            } else {
                optimizer.update(parameters, gradients: gradients, learningRate: rate(at: step))
            }
            for (slot, values) in zip(frozenSlots, kept) {
                for (index, value) in values.enumerated() { model.parameters[slot.offset + index] = value }
            }
            losses.append(loss)
            progress(step, loss)
        }
        adapters?.merge(into: model)
        return losses
    }

    func rate(at step: Int) -> Float {
        if step < warmup { return learningRate * Float(step + 1) / Float(warmup) }
        let progress = Float(step - warmup) / Float(max(steps - warmup, 1))
        return learningRate * (0.1 + 0.9 * 0.5 * (1 + cos(Float.pi * progress)))
    }

    static func batch(_ examples: [Example], vocabulary v: Int, padding: Int32) -> Batch {
        var batch = Batch(sequences: examples.map { ($0.tokens, $0.learnFrom) }, padding: padding)
        guard examples.contains(where: { $0.distributions != nil }) else { return batch }
        var distributions = [Float](repeating: 0, count: batch.size * batch.time * v)
        for (row, example) in examples.enumerated() {
            guard let rows = example.distributions else { continue }
            for (index, q) in rows.enumerated() {
                let position = example.learnFrom - 1 + index
                precondition(q.count == v && batch.targets[row * batch.time + position] >= 0)
                for j in 0..<v { distributions[(row * batch.time + position) * v + j] = q[j] }
            }
        }
        batch.distributions = distributions
        return batch
    }
}
