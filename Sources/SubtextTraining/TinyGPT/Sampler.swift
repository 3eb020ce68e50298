import Foundation
import SubtextStatistics

/// Writes continuations with a lab model: prompts of equal length advance together, one
/// forward pass per new token, and each prompt draws from its own seeded stream, so an
/// answer does not depend on which others shared its batch.
package struct Sampler {
    package var temperature: Float = 1
    package var maximumTokens: Int
    package var seed: UInt64
    package var batchSize = 64

    package init(maximumTokens: Int, seed: UInt64, temperature: Float = 1) {
        self.maximumTokens = maximumTokens
        self.seed = seed
        self.temperature = temperature
    }

    /// The tokens generated after each prompt, up to `<eos>` (not included) or the limit.
    /// `streams[i]` names prompt i's random stream; it defaults to its index.
    package func generate(_ model: TinyGPT, prompts: [[Int32]], end: Int32, streams: [String]? = nil) -> [[Int32]] {
        var outputs = [[Int32]](repeating: [], count: prompts.count)
        let byLength = Dictionary(grouping: prompts.indices, by: { prompts[$0].count })
        for length in byLength.keys.sorted() {
            let group = byLength[length]!
            for start in stride(from: 0, to: group.count, by: batchSize) {
                let chunk = Array(group[start..<min(start + batchSize, group.count)])
                var generators = chunk.map {
                    SeededGenerator.stream(seed, "lab.sample." + (streams?[$0] ?? String($0)))
                }
                var sequences = chunk.map { prompts[$0] }
                var done = [Bool](repeating: false, count: chunk.count)
                let limit = min(maximumTokens, model.config.context - length)
                for _ in 0..<max(limit, 0) where done.contains(false) {
                    let time = sequences[0].count
                    model.forward(
                        Batch(
                            size: chunk.count, time: time, tokens: sequences.flatMap { $0 },
                            targets: [Int32](repeating: -1, count: chunk.count * time)))
                    for row in chunk.indices {
                        let next =
                            done[row]
                            ? end : draw(model.probabilities(sequence: row, position: time - 1), &generators[row])
                        sequences[row].append(next)
                        if next == end { done[row] = true } else { outputs[chunk[row]].append(next) }
                    }
                }
            }
        }
        return outputs
    }

    /// One draw from the model's distribution, sharpened or flattened by the temperature.
    private func draw(_ probabilities: UnsafeBufferPointer<Float>, _ generator: inout SeededGenerator) -> Int32 {
        if temperature == 0 { return Int32(probabilities.indices.max { probabilities[$0] < probabilities[$1] }!) }
        let exponent = 1 / Double(temperature)
        let weights = exponent == 1 ? probabilities.map(Double.init) : probabilities.map { pow(Double($0), exponent) }
        var target = Double.random(in: 0..<1, using: &generator) * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return Int32(index) }
        }
        return Int32(weights.count - 1)
    }
}
