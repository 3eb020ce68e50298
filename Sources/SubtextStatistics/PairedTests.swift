import Foundation

/// Tests for paired measurements, such as one prompt's answer rate under two models.
public enum PairedTests {
    /// Wilcoxon's signed-rank test, two-sided: zero differences are dropped, ties get mid
    /// ranks, and the normal approximation has the tie correction and no continuity
    /// correction (scipy's `wilcoxon(zero_method="wilcox", correction=False, method="approx")`).
    /// Returns 1 when every difference is zero.
    public static func wilcoxonSignedRank(_ differences: [Double]) -> Double {
        let nonzero = differences.filter { $0 != 0 }
        let n = Double(nonzero.count)
        guard n > 0 else { return 1 }
        let ranks = RankTests.midranks(nonzero.map(abs))
        let positive = zip(nonzero, ranks).filter { $0.0 > 0 }.reduce(0.0) { $0 + $1.1 }
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
