import SubtextStatistics

/// How well held-out scores tell the two sides apart: AUROC for bags of K responses, with
/// intervals, and the exact permutation p-value of the cross-fitted test.
public struct Separability: Sendable {
    /// AUROC by bag size; absent where there were too few documents for enough bags.
    public var auroc: [Int: Double]
    public var interval: [Int: Interval]
    /// Permutation p-value, refitting every fold under every permutation.
    public var p: Double
    public var notes: [String]
}

/// Computes ``Separability`` for one feature group from its held-out scores.
public struct SeparabilityEvaluator: Sendable {
    public var bagSizes: [Int]
    /// Random bag partitions averaged for a point estimate, so it does not hinge on one
    /// arbitrary grouping.
    public var partitions = 20
    /// A bag AUROC needs at least this many bags on each side.
    public var minimumBags = 5

    public init(bagSizes: [Int]) {
        self.bagSizes = bagSizes
    }

    /// `bootstrap` holds refitted replicates: held-out scores and row multiplicities.
    public func evaluate(
        scores: [Double], labels: [Bool], bootstrap: [(scores: [Double], multiplicity: [Int])], p: Double,
        seed: UInt64, name: String
    ) -> Separability {
        let teacher = labels.indices.filter { labels[$0] }.map { scores[$0] }
        let control = labels.indices.filter { !labels[$0] }.map { scores[$0] }
        var auroc: [Int: Double] = [:], interval: [Int: Interval] = [:], notes: [String] = []
        var generator = SeededGenerator.stream(seed, "bags \(name)")
        for k in bagSizes {
            guard min(teacher.count, control.count) / k >= minimumBags else {
                notes.append("\(name) AUROC at K = \(k) needs \(minimumBags * k) responses per side for "
                    + "\(minimumBags) bags; teacher has \(teacher.count), control \(control.count)")
                continue
            }
            let rounds = k == 1 ? 1 : partitions
            auroc[k] = (0..<rounds).map { _ in bagAUROC(teacher, control, k: k, generator: &generator) }
                .reduce(0, +) / Double(rounds)
            guard !bootstrap.isEmpty else { continue }
            let replicates = bootstrap.map { replicate -> Double in
                var t: [Double] = [], c: [Double] = []
                for i in labels.indices where replicate.multiplicity[i] > 0 {
                    for _ in 0..<replicate.multiplicity[i] {
                        if labels[i] { t.append(replicate.scores[i]) } else { c.append(replicate.scores[i]) }
                    }
                }
                return bagAUROC(t, c, k: k, generator: &generator)
            }
            interval[k] = Resampling.normalInterval(estimate: auroc[k]!, replicates: replicates, bounds: 0...1)
        }
        return Separability(auroc: auroc, interval: interval, p: p, notes: notes)
    }

    /// AUROC of bag means, over one random partition of each side into bags of `k`.
    private func bagAUROC(_ teacher: [Double], _ control: [Double], k: Int, generator: inout SeededGenerator) -> Double {
        guard k > 1 else { return RankTests.auroc(positives: teacher, negatives: control) }
        return RankTests.auroc(positives: bagMeans(teacher, k: k, generator: &generator),
                               negatives: bagMeans(control, k: k, generator: &generator))
    }

    private func bagMeans(_ values: [Double], k: Int, generator: inout SeededGenerator) -> [Double] {
        let shuffled = values.shuffled(using: &generator)
        return stride(from: 0, to: shuffled.count - k + 1, by: k).map { start in
            shuffled[start..<(start + k)].reduce(0, +) / Double(k)
        }
    }
}
