import Foundation

/// A 2×2 table of counts: rows are (this token, everything else) or (has it, lacks it),
/// columns are the two corpora. Layout: [[a, b], [c, d]].
public struct TwoByTwoTable: Sendable, Equatable {
    public let a: Int, b: Int, c: Int, d: Int

    public init(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
        precondition(min(a, b, c, d) >= 0, "counts must be non-negative")
        (self.a, self.b, self.c, self.d) = (a, b, c, d)
    }

    public var total: Int { a + b + c + d }

    /// Expected counts under independence, in table order.
    private var expected: [Double] {
        let n = Double(total)
        let rows = [Double(a + b), Double(c + d)], columns = [Double(a + c), Double(b + d)]
        return [rows[0] * columns[0] / n, rows[0] * columns[1] / n, rows[1] * columns[0] / n, rows[1] * columns[1] / n]
    }

    /// Dunning's log-likelihood ratio G² = 2 Σ O ln(O/E), with no continuity or Williams
    /// correction (scipy's `chi2_contingency(correction=False, lambda_="log-likelihood")`),
    /// and its chi-square p-value on one degree of freedom.
    public var gSquared: (statistic: Double, p: Double) {
        let observed = [a, b, c, d].map(Double.init)
        var g = 0.0
        for (o, e) in zip(observed, expected) where o > 0 { g += o * log(o / e) }
        g *= 2
        return (g, Distributions.chiSquareSurvival(g, degreesOfFreedom: 1))
    }

    /// The sample odds ratio ad/bc (scipy's; R reports the conditional MLE instead).
    public var oddsRatio: Double { Double(a) * Double(d) / (Double(b) * Double(c)) }

    /// Fisher's exact test, two-sided: the total probability of tables, with these margins,
    /// no more likely than this one (with scipy's relative tolerance of 1e-7).
    public var fisherTwoSided: Double {
        let (support, logP, observed) = hypergeometric()
        let cutoff = logP[observed - support.lowerBound] + log1p(1e-7)
        let kept = logP.filter { $0 <= cutoff }
        return min(1, exp(Distributions.logSumExp(kept)))
    }

    /// The log-probabilities of every value of `a` given the margins, by the ratio
    /// recurrence from one lgamma evaluation, so large tables stay cheap.
    private func hypergeometric() -> (ClosedRange<Int>, [Double], Int) {
        let row = a + b, column = a + c, n = total
        let low = max(0, row + column - n), high = min(row, column)
        var logP = [Double]()
        logP.reserveCapacity(high - low + 1)
        var current = Distributions.logChoose(column, low) + Distributions.logChoose(n - column, row - low)
            - Distributions.logChoose(n, row)
        for x in low...high {
            logP.append(current)
            let ratio = Double(column - x) * Double(row - x) / (Double(x + 1) * Double(n - column - row + x + 1))
            current += log(ratio)
        }
        return (low...high, logP, a)
    }
}
