/// Permutation and bootstrap procedures, all driven by a seeded generator.
public enum Resampling {
    /// A one-sided permutation p-value for a rank-sum statistic: how often does a random
    /// relabelling of the documents give the first group a rank sum at least as large?
    ///
    /// With fixed ranks, a permutation only redraws which `groupSize` documents form the
    /// first group, so each costs O(groupSize) with a partial Fisher–Yates shuffle. The result
    /// is (1 + hits) / (B + 1), which is never below the resolution floor 1 / (B + 1).
    public static func rankSumPermutationP(
        ranks: [Double], groupSize: Int, observed: Double, permutations: Int,
        generator: inout SeededGenerator
    ) -> Double {
        var indices = Array(ranks.indices)
        var hits = 0
        let tolerance = 1e-9 * max(1, abs(observed))
        for _ in 0..<permutations {
            var sum = 0.0
            for position in 0..<groupSize {
                let pick = Int.random(in: position..<indices.count, using: &generator)
                indices.swapAt(position, pick)
                sum += ranks[indices[position]]
            }
            if sum >= observed - tolerance { hits += 1 }
        }
        return Double(hits + 1) / Double(permutations + 1)
    }

    /// estimate ± z·sd(replicates), clamped to `bounds`. Used where the replicates are biased
    /// but their spread is right: refitted cross-fitting replicates train on resampled data with
    /// duplicates, which lowers their mean AUROC, so percentile intervals would sit below the
    /// estimate.
    public static func normalInterval(
        estimate: Double, replicates: [Double], confidence: Double = 0.95, bounds: ClosedRange<Double>
    ) -> Interval {
        let mean = replicates.reduce(0, +) / Double(replicates.count)
        let variance = replicates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(replicates.count - 1, 1))
        let half = Distributions.normalQuantile(0.5 + confidence / 2) * variance.squareRoot()
        return Interval(max(bounds.lowerBound, estimate - half), min(bounds.upperBound, estimate + half))
    }

    /// The (α/2, 1 − α/2) percentiles of `values`, by linear interpolation.
    public static func percentileInterval(_ values: [Double], confidence: Double = 0.95) -> Interval {
        let sorted = values.sorted()
        return Interval(quantile(sorted, (1 - confidence) / 2), quantile(sorted, 1 - (1 - confidence) / 2))
    }

    /// The q-quantile of sorted values, interpolating linearly (numpy's default).
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "quantile of nothing")
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
    }
}
