import Foundation

/// Rank statistics of a score that should be higher in one group.
public enum RankTests {
    /// Midranks (1-based, ties averaged) of `values`.
    public static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// The probability that a random positive scores above a random negative, ties
    /// counting half: the Mann–Whitney U of the positives over n₊n₋.
    public static func auroc(positives: [Double], negatives: [Double]) -> Double {
        let n1 = Double(positives.count)
        let n2 = Double(negatives.count)
        let rankSum = midranks(positives + negatives)[0..<positives.count].reduce(0, +)
        return (rankSum - n1 * (n1 + 1) / 2) / (n1 * n2)
    }

    /// The smallest AUROC a one-sided Mann–Whitney test at level `alpha` detects with the
    /// given power, from the null variance of U: 0.5 + (z₁₋α + z_power)·sqrt((n₁+n₂+1)/(12n₁n₂)).
    /// It tells a reader what a "no signal" verdict could have seen.
    public static func minimumDetectableAUROC(_ n1: Int, _ n2: Int, alpha: Double, power: Double = 0.8) -> Double {
        let sd = (Double(n1 + n2 + 1) / (12 * Double(n1) * Double(n2))).squareRoot()
        let z = Distributions.normalQuantile(1 - alpha) + Distributions.normalQuantile(power)
        return min(1, 0.5 + z * sd)
    }
}
