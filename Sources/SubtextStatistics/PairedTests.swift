import Foundation

/// Tests for paired measurements, such as one prompt's answer rate under two models.
public enum PairedTests {
    /// Wilcoxon's signed-rank test, two-sided. Zero differences are dropped and ties get mid
    /// ranks. The p-value is exact wherever that is affordable: the distribution of W+ over all
    /// 2^n sign flips of the observed ranks, by dynamic programming, which stays exact with ties
    /// (scipy's `wilcoxon` gives the same values by enumeration). Only the smaller tail is
    /// needed, so the cost is n times that tail's rank sum: small exactly where the normal
    /// approximation is worst, far out in its tails. Where the cost passes ``exactBudget`` (many
    /// differences and a p far from 0), the normal approximation with the tie correction and no
    /// continuity correction (scipy's `method="approx", correction=False`), which is accurate there.
    ///
    /// Switching by cost rather than by n keeps p monotone: a switch at n = 50 made one more
    /// agreeing paraphrase raise p, from the exact 1.8e-15 at n = 50 (every difference positive)
    /// to the approximation's 7e-10 at n = 51. Returns 1 when every difference is zero.
    public static func wilcoxonSignedRank(_ differences: [Double]) -> Double {
        let nonzero = differences.filter { $0 != 0 }
        guard !nonzero.isEmpty else { return 1 }
        let ranks = RankTests.midranks(nonzero.map(abs))
        let positive = zip(nonzero, ranks).filter { $0.0 > 0 }.reduce(0.0) { $0 + $1.1 }
        let doubled = ranks.map { Int(($0 * 2).rounded()) }
        let observed = Int((positive * 2).rounded())
        let smaller = min(observed, doubled.reduce(0, +) - observed)
        return doubled.count * (smaller + 1) <= exactBudget
            ? exactSignedRank(doubledRanks: doubled, smallerTail: smaller)
            : approximateSignedRank(ranks: ranks, positive: positive)
    }

    /// Ranks times tail sums for the exact p-value: about 0.1 s.
    public static let exactBudget = 100_000_000

    /// The exact two-sided p-value, 2 · P(W ≤ w) for the smaller tail's doubled rank sum w
    /// (W+ is symmetric under the null). Midranks are multiples of ½, so doubled ranks are
    /// whole numbers; each rank joins with probability ½, so nothing overflows at large n.
    private static func exactSignedRank(doubledRanks: [Int], smallerTail: Int) -> Double {
        var probability = [Double](repeating: 0, count: smallerTail + 1)
        probability[0] = 1
        probability.withUnsafeMutableBufferPointer { p in
            for rank in doubledRanks {
                if rank <= smallerTail {
                    for sum in stride(from: smallerTail, through: rank, by: -1) {
                        p[sum] = 0.5 * (p[sum] + p[sum - rank])
                    }
                }
                for sum in 0..<min(rank, smallerTail + 1) { p[sum] *= 0.5 }
            }
        }
        return min(1, 2 * probability.reduce(0, +))
    }

    private static func approximateSignedRank(ranks: [Double], positive: Double) -> Double {
        let n = Double(ranks.count)
        let mean = n * (n + 1) / 4
        var variance = n * (n + 1) * (2 * n + 1) / 24
        var ties: [Double: Double] = [:]
        for rank in ranks { ties[rank, default: 0] += 1 }
        variance -= ties.values.reduce(0) { $0 + ($1 * $1 * $1 - $1) } / 48
        guard variance > 0 else { return 1 }
        let z = (positive - mean) / variance.squareRoot()
        return min(1, 2 * Distributions.normalSurvival(abs(z)))
    }
}

/// Tests on a table of counts with two rows.
public enum ContingencyTests {
    /// G² = 2 Σ O ln(O/E) on a 2 × k table and its chi-square p-value on k − 1 degrees of
    /// freedom (scipy's `chi2_contingency(correction=False, lambda_="log-likelihood")`).
    public static func gSquared(_ first: [Int], _ second: [Int]) -> (
        statistic: Double, p: Double, degreesOfFreedom: Int
    ) {
        precondition(first.count == second.count, "rows must have the same categories")
        let rows = [Double(first.reduce(0, +)), Double(second.reduce(0, +))]
        let total = rows[0] + rows[1]
        var g = 0.0
        for (a, b) in zip(first, second) {
            let column = Double(a + b)
            for (observed, row) in [(Double(a), rows[0]), (Double(b), rows[1])] where observed > 0 {
                g += observed * log(observed / (row * column / total))
            }
        }
        let dof = first.count - 1
        return (2 * g, Distributions.chiSquareSurvival(2 * g, degreesOfFreedom: Double(dof)), dof)
    }
}
