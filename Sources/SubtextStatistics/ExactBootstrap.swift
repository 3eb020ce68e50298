/// The bootstrap over a handful of units (a lab's seeds), enumerated rather than sampled.
///
/// With five seeds there are only 126 distinct resamples (multisets), so the whole bootstrap
/// distribution can be written down, each resample weighted by its multinomial count: the
/// interval is then a fact about the data, with no Monte Carlo error and no seed of its own.
public enum ExactBootstrap {
    /// The most units enumerated: C(23, 12) ≈ 1.35 million resamples, and 12¹² still fits in an Int.
    public static let maximumUnits = 12

    /// A ratio of means and its percentile interval.
    public struct Ratio: Sendable, Equatable {
        /// Σ numerators / Σ denominators; nil when Σ denominators ≤ 0.
        public var estimate: Double?
        /// The inverted-CDF percentiles of the ratio over every resample; nil when some resample's
        /// denominator is ≤ 0, since the ratio's bootstrap distribution then runs to infinity.
        public var interval: Interval?
    }

    /// Σ numeratorᵢ / Σ denominatorᵢ over paired units, with its exact bootstrap interval
    /// (numpy's `quantile(method="inverted_cdf")` of the ratio over all nⁿ ordered resamples).
    public static func ratioOfMeans(numerators: [Double], denominators: [Double], confidence: Double = 0.95) -> Ratio {
        let n = numerators.count
        precondition(n == denominators.count && n > 0 && n <= maximumUnits, "1 to \(maximumUnits) paired units")
        let total = denominators.reduce(0, +)
        let estimate = total > 0 ? numerators.reduce(0, +) / total : nil
        var draws: [(ratio: Double, weight: Int)] = []
        var counts = [Int](repeating: 0, count: n)
        var undefined = false
        let factorial = (1...n).reduce(into: [1]) { $0.append($0.last! * $1) } // factorial[k] = k!
        // Every way to put n draws into n units: counts[0...] sum to n.
        func place(_ unit: Int, _ left: Int) {
            guard !undefined else { return }
            if unit == n - 1 {
                counts[unit] = left
                var numerator = 0.0
                var denominator = 0.0
                var weight = factorial[n]
                for i in 0..<n {
                    numerator += Double(counts[i]) * numerators[i]
                    denominator += Double(counts[i]) * denominators[i]
                    weight /= factorial[counts[i]]
                }
                if denominator <= 0 { undefined = true } else { draws.append((numerator / denominator, weight)) }
                return
            }
            for c in stride(from: left, through: 0, by: -1) {
                counts[unit] = c
                place(unit + 1, left - c)
            }
        }
        place(0, n)
        guard !undefined else { return Ratio(estimate: estimate, interval: nil) }
        draws.sort { $0.ratio < $1.ratio }
        let resamples = Double(draws.reduce(0) { $0 + $1.weight })
        func quantile(_ q: Double) -> Double {
            var cumulative = 0
            for draw in draws {
                cumulative += draw.weight
                if Double(cumulative) >= q * resamples { return draw.ratio }
            }
            return draws.last!.ratio
        }
        return Ratio(
            estimate: estimate, interval: Interval(quantile((1 - confidence) / 2), quantile(1 - (1 - confidence) / 2)))
    }
}
