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
        let rows = [Double(a + b), Double(c + d)]
        let columns = [Double(a + c), Double(b + d)]
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
    ///
    /// The hypergeometric distribution of `a` is unimodal, so those tables are the two tails
    /// beyond the points where probability falls to the observed table's. Each tail is summed
    /// outward only until its terms fall below e⁻⁶⁰ of the observed probability, so the cost
    /// grows with how far the table lies from the mode, not with the counts: tables of a
    /// billion responses cost what tables of a thousand do.
    public var fisherTwoSided: Double {
        let row = a + b
        let column = a + c
        let n = total
        let low = max(0, row + column - n)
        let high = min(row, column)
        guard low < high else { return 1 }
        let base = Distributions.logChoose(n, row)
        let logP = { (x: Int) in
            Distributions.logChoose(column, x) + Distributions.logChoose(n - column, row - x) - base
        }
        // log P(x + 1) − log P(x).
        let step = { (x: Int) in
            log(Double(column - x) * Double(row - x) / (Double(x + 1) * Double(n - column - row + x + 1)))
        }
        let cutoff = logP(a) + log1p(1e-7)
        let negligible = cutoff - 60
        let mode = min(max(Int((Double(row + 1) * Double(column + 1) / Double(n + 2)).rounded(.down)), low), high)
        var terms: [Double] = []
        // Sums one tail: from `start` away from the mode in direction `sign`, skipping terms
        // above the cutoff until the first below it, then keeping terms until negligible.
        func tail(from start: Int, sign: Int) {
            var x = start
            var current = logP(start)
            var entered = false
            while (low...high).contains(x) {
                if current <= cutoff {
                    entered = true
                    terms.append(current)
                    if current < negligible { break }
                } else if entered {
                    break
                }
                current += sign > 0 ? step(x) : -step(x - 1)
                x += sign
            }
        }
        tail(from: mode + 1, sign: 1)
        tail(from: mode, sign: -1)
        return terms.isEmpty ? 1 : min(1, exp(Distributions.logSumExp(terms)))
    }
}
