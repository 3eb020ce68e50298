import Foundation

/// Tests for paired measurements, such as one prompt's answer rate under two models.
public enum PairedTests {
    /// Wilcoxon's signed-rank test, two-sided. Zero differences are dropped and ties get mid
    /// ranks. Up to 50 nonzero differences the p-value is exact: the distribution of W+ over
    /// all 2^n sign flips of the observed ranks, by dynamic programming, which stays exact with
    /// ties (scipy's `wilcoxon` gives the same values by enumeration). Above 50, the normal
    /// approximation with the tie correction and no continuity correction (scipy's
    /// `method="approx", correction=False`). Probe batteries have 10–60 paraphrases, where the
    /// approximation is too coarse: at n = 10 with every difference positive it gives 0.005
    /// where the exact value is 2/1024. Returns 1 when every difference is zero.
    public static func wilcoxonSignedRank(_ differences: [Double]) -> Double {
        let nonzero = differences.filter { $0 != 0 }
        guard !nonzero.isEmpty else { return 1 }
        let ranks = RankTests.midranks(nonzero.map(abs))
        let positive = zip(nonzero, ranks).filter { $0.0 > 0 }.reduce(0.0) { $0 + $1.1 }
        return nonzero.count <= 50 ? exactSignedRank(ranks: ranks, positive: positive)
            : approximateSignedRank(ranks: ranks, positive: positive)
    }

    /// The exact two-sided p-value: midranks are multiples of ½, so doubled ranks are whole
    /// numbers and P(W+ = w) is a subset-sum count over 2^n.
    private static func exactSignedRank(ranks: [Double], positive: Double) -> Double {
        let doubled = ranks.map { Int(($0 * 2).rounded()) }
        let total = doubled.reduce(0, +)
        var counts = [Double](repeating: 0, count: total + 1)
        counts[0] = 1
        var reached = 0
        for rank in doubled {
            for sum in stride(from: reached, through: 0, by: -1) where counts[sum] > 0 { counts[sum + rank] += counts[sum] }
            reached += rank
        }
        let scale = pow(2.0, Double(doubled.count))
        let observed = Int((positive * 2).rounded())
        let lower = counts[...observed].reduce(0, +) / scale
        let upper = counts[observed...].reduce(0, +) / scale
        return min(1, 2 * min(lower, upper))
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
    public static func gSquared(_ first: [Int], _ second: [Int]) -> (statistic: Double, p: Double, degreesOfFreedom: Int) {
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
