import SubtextStatistics

/// How well held-out scores tell the two sides apart: AUROC for bags of K responses, with
/// intervals, and a permutation p-value with the document as the unit.
public struct Separability: Sendable {
    /// AUROC by bag size; nil where there were too few documents for enough bags.
    public var auroc: [Int: Double]
    public var interval: [Int: Interval]
    /// Permutation p-value of the K = 1 AUROC (one-sided: teacher scores higher).
    public var p: Double
    /// The normal-approximation Mann–Whitney p-value, which has no resolution floor.
    public var asymptoticP: Double
    public var notes: [String]
}

/// Settings for ``SeparabilityEvaluator``.
public struct SeparabilityEvaluator: Sendable {
    public var bagSizes: [Int]
    /// Random bag partitions averaged for a bag AUROC, so the estimate does not hinge on one
    /// arbitrary grouping.
    public var partitions = 20
    public var bootstrap = 200
    public var permutations: Int
    /// A bag AUROC needs at least this many bags on each side.
    public var minimumBags = 5

    public init(bagSizes: [Int], permutations: Int) {
        self.bagSizes = bagSizes
        self.permutations = permutations
    }

    public func evaluate(scores: [Double], labels: [Bool], seed: UInt64, name: String) -> Separability {
        let teacher = labels.indices.filter { labels[$0] }.map { scores[$0] }
        let control = labels.indices.filter { !labels[$0] }.map { scores[$0] }
        var auroc: [Int: Double] = [:], interval: [Int: Interval] = [:], notes: [String] = []
        var bagGenerator = SeededGenerator.stream(seed, "bags \(name)")
        var bootGenerator = SeededGenerator.stream(seed, "bootstrap \(name)")
        for k in bagSizes {
            let bags = min(teacher.count, control.count) / k
            guard bags >= minimumBags else {
                notes.append("\(name) AUROC at K = \(k) needs \(minimumBags * k) responses per side for "
                    + "\(minimumBags) bags; teacher has \(teacher.count), control \(control.count)")
                continue
            }
            let rounds = k == 1 ? 1 : partitions
            auroc[k] = (0..<rounds).map { _ in
                bagAUROC(teacher, control, k: k, generator: &bagGenerator)
            }.reduce(0, +) / Double(rounds)
            let replicates = (0..<bootstrap).map { _ -> Double in
                let t = resample(teacher, &bootGenerator), c = resample(control, &bootGenerator)
                return bagAUROC(t, c, k: k, generator: &bootGenerator)
            }
            interval[k] = Resampling.percentileInterval(replicates)
        }
        let test = RankTests.mannWhitney(positives: teacher, negatives: control)
        let ranks = RankTests.midranks(teacher + control)
        var permutationGenerator = SeededGenerator.stream(seed, "permutation \(name)")
        let p = Resampling.rankSumPermutationP(
            ranks: ranks, groupSize: teacher.count, observed: ranks[0..<teacher.count].reduce(0, +),
            permutations: permutations, generator: &permutationGenerator)
        return Separability(auroc: auroc, interval: interval, p: p, asymptoticP: test.p, notes: notes)
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

    private func resample(_ values: [Double], _ generator: inout SeededGenerator) -> [Double] {
        (0..<values.count).map { _ in values[Int.random(in: 0..<values.count, using: &generator)] }
    }
}
