/// Intervals from resampled replicates.
public enum Resampling {
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

    /// The (α/2, 1 − α/2) percentiles of `values`, interpolating linearly (numpy's default).
    public static func percentileInterval(_ values: [Double], confidence: Double = 0.95) -> Interval {
        let sorted = values.sorted()
        func quantile(_ q: Double) -> Double {
            let position = q * Double(sorted.count - 1)
            let below = Int(position.rounded(.down))
            let above = min(below + 1, sorted.count - 1)
            return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
        }
        return Interval(quantile((1 - confidence) / 2), quantile(1 - (1 - confidence) / 2))
    }
}
