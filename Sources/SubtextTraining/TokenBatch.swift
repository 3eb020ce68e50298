/// Sequences of token ids to train on, padded to one length, with what each position must
/// predict.
///
/// Row r = sequence · time + position predicts `targets[r]`, the next token, or nothing (−1):
/// prompt positions and padding train nothing, so the loss falls on response tokens only.
package struct TokenBatch: Sendable {
    package var size: Int
    package var time: Int
    package var tokens: [Int32]
    package var targets: [Int32]
    /// Distillation targets: for each learned row in order, the teacher's top-k next tokens and
    /// their probabilities (renormalised over the k). nil trains on `targets` (hard labels).
    package var soft: SoftTargets?

    package init(size: Int, time: Int, tokens: [Int32], targets: [Int32], soft: SoftTargets? = nil) {
        precondition(
            tokens.count == size * time && targets.count == size * time, "a batch needs size × time tokens and targets")
        (self.size, self.time, self.tokens, self.targets, self.soft) = (size, time, tokens, targets, soft)
        precondition(
            soft.map { $0.ids.count == learnedRows.count * $0.k } ?? true, "soft targets need k entries per learned row"
        )
    }

    /// The rows with a target, in order.
    package var learnedRows: [Int] { targets.indices.filter { targets[$0] >= 0 } }
}

/// The teacher's top-k next-token distribution at each learned position.
package struct SoftTargets: Sendable {
    package var k: Int
    package var ids: [Int32]
    package var probabilities: [Float]

    package init(k: Int, ids: [Int32], probabilities: [Float]) {
        precondition(ids.count == probabilities.count)
        (self.k, self.ids, self.probabilities) = (k, ids, probabilities)
    }
}
