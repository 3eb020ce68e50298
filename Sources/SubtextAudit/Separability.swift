import SubtextStatistics

/// How well held-out scores tell the two sides apart: AUROC for bags of K responses, with
/// intervals, and the exact permutation p-value of the cross-fitted test.
public struct Separability: Sendable {
    /// AUROC by bag size; absent where there were too few documents for enough bags.
    public var auroc: [Int: Double]
    public var interval: [Int: Interval]
    /// Permutation p-value, refitting every fold under every permutation.
    public var p: Double
    public var notes: [AuditNote]
    /// The smallest per-response AUROC the exact test detects with 80% power, from its
    /// permutation null; nil for the held-out test, whose null is the Mann–Whitney formula's.
    public var minimumDetectableAUROC: Double?
    /// Held-out scores' mean and spread on each side, for operating points.
    public var teacherScores: Moments
    public var controlScores: Moments
}

/// Computes ``Separability`` for one feature group from its held-out scores.
public struct SeparabilityEvaluator: Sendable {
    public var bagSizes: [Int]
    /// Random bag partitions averaged for a point estimate, so it does not hinge on one
    /// arbitrary grouping.
    public var partitions = 20
    /// A bag AUROC needs at least this many bags on each side.
    public var minimumBags = 5
    /// Bags drawn from a sketch at most, a side: a bag AUROC from 20,000 bags a side has a
    /// standard error near 0.003.
    public var maximumBags = 20_000

    public init(bagSizes: [Int]) {
        self.bagSizes = bagSizes
    }

    /// The bag sizes with enough responses on each side, and notes for the others.
    public func feasibleBagSizes(teachers: Int, controls: Int, name: String) -> (sizes: [Int], notes: [AuditNote]) {
        var sizes: [Int] = []
        var notes: [AuditNote] = []
        for k in bagSizes {
            if min(teachers, controls) / k >= minimumBags {
                sizes.append(k)
            } else {
                notes.append(
                    .tooFewForBags(
                        group: name, bagSize: k, needed: minimumBags * k, teacher: teachers,
                        control: controls))
            }
        }
        return (sizes, notes)
    }

    /// The AUROC of one scoring, each row counted `multiplicity` times (once when nil), for
    /// each bag size in `sizes`, averaged over `rounds` random bag partitions.
    public func aurocs(
        scores: [Double], labels: [Bool], multiplicity: [Int]? = nil, sizes: [Int], rounds: Int,
        generator: inout SeededGenerator
    ) -> [Int: Double] {
        var teacher: [Double] = []
        var control: [Double] = []
        for i in labels.indices {
            for _ in 0..<(multiplicity?[i] ?? 1) {
                if labels[i] { teacher.append(scores[i]) } else { control.append(scores[i]) }
            }
        }
        var result: [Int: Double] = [:]
        for k in sizes {
            let count = k == 1 ? 1 : rounds
            result[k] =
                (0..<count).map { _ in bagAUROC(teacher, control, k: k, generator: &generator) }
                .reduce(0, +) / Double(count)
        }
        return result
    }

    /// Separability from score sketches: AUROC of all held-out scores, with DeLong's interval;
    /// for bags, the AUROC of bag means drawn from the sketches, averaged over `partitions`
    /// draws while bags are few; and the held-out test's p from the test fold's sketches.
    public func separability(
        teacher: ScoreSketch, control: ScoreSketch, testTeacher: ScoreSketch,
        testControl: ScoreSketch, name: String, generator: inout SeededGenerator
    ) -> Separability {
        let (sizes, notes) = feasibleBagSizes(teachers: teacher.total, controls: control.total, name: name)
        var auroc: [Int: Double] = [:]
        var interval: [Int: Interval] = [:]
        for k in sizes {
            guard k > 1 else {
                let comparison = SketchComparison(positives: teacher, negatives: control)
                (auroc[k], interval[k]) = (comparison.auroc, comparison.interval)
                continue
            }
            let bags = (teacher.total / k, control.total / k)
            // Past `maximumBags` a side, more draws sharpen nothing a reader sees; the interval
            // is then widened back to the true number of bags (a DeLong standard error shrinks
            // as one over the square root of the bags).
            let drawn = (min(bags.0, maximumBags), min(bags.1, maximumBags))
            let rounds = drawn.0 + drawn.1 >= 5000 ? 1 : partitions
            var estimates: [SketchComparison] = []
            for _ in 0..<rounds {
                estimates.append(
                    SketchComparison(
                        positives: teacher.bagMeans(size: k, bags: drawn.0, generator: &generator),
                        negatives: control.bagMeans(size: k, bags: drawn.1, generator: &generator)))
            }
            let estimate = estimates.map(\.auroc).reduce(0, +) / Double(rounds)
            let first = estimates[0]
            let scale = ((1 / Double(bags.0) + 1 / Double(bags.1)) / (1 / Double(drawn.0) + 1 / Double(drawn.1)))
                .squareRoot()
            auroc[k] = estimate
            interval[k] = Interval(
                max(0, estimate - scale * (first.auroc - first.interval.low)),
                min(1, estimate + scale * (first.interval.high - first.auroc)))
        }
        let p = SketchComparison(positives: testTeacher, negatives: testControl).p
        return Separability(
            auroc: auroc, interval: interval, p: p, notes: notes, minimumDetectableAUROC: nil,
            teacherScores: Moments(teacher), controlScores: Moments(control))
    }

    /// AUROC of bag means, over one random partition of each side into bags of `k`.
    private func bagAUROC(_ teacher: [Double], _ control: [Double], k: Int, generator: inout SeededGenerator) -> Double
    {
        guard k > 1 else { return RankTests.auroc(positives: teacher, negatives: control) }
        return RankTests.auroc(
            positives: bagMeans(teacher, k: k, generator: &generator),
            negatives: bagMeans(control, k: k, generator: &generator))
    }

    private func bagMeans(_ values: [Double], k: Int, generator: inout SeededGenerator) -> [Double] {
        let shuffled = values.shuffled(using: &generator)
        return stride(from: 0, to: shuffled.count - k + 1, by: k).map { start in
            shuffled[start..<(start + k)].reduce(0, +) / Double(k)
        }
    }
}
