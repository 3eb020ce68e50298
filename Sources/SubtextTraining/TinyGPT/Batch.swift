/// A training or scoring batch: `size` sequences of `time` tokens, row-major.
///
/// `targets[i]` is the token that should follow position i, or -1 where nothing is learned
/// (the prompt, the padding). With `distributions`, the loss at a learned position is the
/// cross-entropy against that row (V floats) of the teacher's probabilities instead of its
/// sampled token: distillation on soft labels.
package struct Batch: Sendable {
    package var size: Int
    package var time: Int
    package var tokens: [Int32]
    package var targets: [Int32]
    package var distributions: [Float]?

    package init(size: Int, time: Int, tokens: [Int32], targets: [Int32], distributions: [Float]? = nil) {
        precondition(tokens.count == size * time && targets.count == size * time)
        self.size = size
        self.time = time
        self.tokens = tokens
        self.targets = targets
        self.distributions = distributions
    }

    /// Packs sequences, each a prompt followed by what is learned, padding them to the longest.
    /// The targets of `learnFrom...` positions are the next tokens; everything else is -1.
    package init(sequences: [(tokens: [Int32], learnFrom: Int)], padding: Int32) {
        let time = sequences.map { $0.tokens.count - 1 }.max() ?? 1
        var tokens = [Int32](repeating: padding, count: sequences.count * time)
        var targets = [Int32](repeating: -1, count: sequences.count * time)
        for (row, sequence) in sequences.enumerated() {
            for position in 0..<(sequence.tokens.count - 1) {
                tokens[row * time + position] = sequence.tokens[position]
                if position + 1 >= sequence.learnFrom { targets[row * time + position] = sequence.tokens[position + 1] }
            }
        }
        self.init(size: sequences.count, time: time, tokens: tokens, targets: targets)
    }

    /// How many positions carry a loss.
    package var learnedPositions: Int { targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
}
