import Foundation
import Testing

@testable import SubtextStatistics

/// Every function checked against scipy (or an independent numpy formula) on committed
/// fixtures; regenerate them with scripts/make_statistics_fixtures.py.
@Suite struct OracleTests {
    let fixtures = Fixtures.shared

    @Test func gSquaredAndFisher() {
        for row in fixtures.two_by_two {
            let t = TwoByTwoTable(row.table[0][0], row.table[0][1], row.table[1][0], row.table[1][1])
            if let g2 = row.g2, let p = row.g2_p {
                #expect(close(t.gSquared.statistic, g2, relative: 1e-9), "G² \(row.table)")
                #expect(close(t.gSquared.p, p, relative: 1e-7), "G² p \(row.table)")
            }
            #expect(close(t.fisherTwoSided, row.fisher_p, relative: 1e-7), "Fisher \(row.table)")
            if let oddsRatio = row.odds_ratio, t.oddsRatio.isFinite {
                #expect(close(t.oddsRatio, oddsRatio, relative: 1e-12), "odds ratio \(row.table)")
            }
        }
    }

    @Test func referencePageValues() {
        let t = TwoByTwoTable(120, 9880, 60, 11940)
        #expect(abs(t.gSquared.statistic - 33.0905) < 1e-4)
        #expect(abs(t.oddsRatio - 2.41700) < 1e-5)
        let w = Proportions.wilson(37, 50)
        #expect(abs(w.low - 0.604468) < 1e-6 && abs(w.high - 0.841285) < 1e-6)
        let n = Proportions.newcombe(37, 50, 25, 50)
        #expect(abs(n.interval.low - 0.049722) < 1e-6 && abs(n.interval.high - 0.407617) < 1e-6)
    }

    @Test func wilsonIntervals() {
        for row in fixtures.wilson {
            let w = Proportions.wilson(row.k, row.n, confidence: row.confidence)
            #expect(close(w.low, row.low, relative: 1e-10, absolute: 1e-12), "\(row.k)/\(row.n)")
            #expect(close(w.high, row.high, relative: 1e-10), "\(row.k)/\(row.n)")
        }
    }

    @Test func newcombeIntervals() {
        for row in fixtures.newcombe {
            let result = Proportions.newcombe(row.k1, row.n1, row.k2, row.n2)
            #expect(close(result.delta, row.delta, absolute: 1e-12))
            #expect(close(result.interval.low, row.low, relative: 1e-9))
            #expect(close(result.interval.high, row.high, relative: 1e-9))
        }
    }

    @Test func jensenShannon() {
        for row in fixtures.jensen_shannon {
            #expect(close(Divergence.jensenShannonDistance(row.p, row.q), row.distance, relative: 1e-9, absolute: 1e-7))
        }
    }

    @Test func benjaminiHochberg() {
        for row in fixtures.benjamini_hochberg {
            let q = MultipleTesting.benjaminiHochberg(row.p)
            #expect(zip(q, row.q).allSatisfy { close($0, $1, relative: 1e-12) }, "\(row.p)")
        }
    }

    @Test func logOdds() {
        for row in fixtures.log_odds {
            let z = LogOdds.zScores(first: row.first, second: row.second, prior: row.prior)
            #expect(zip(z, row.z).allSatisfy { close($0, $1, relative: 1e-10, absolute: 1e-12) }, "\(row.name)")
        }
        // The reference page's value for the uniform prior.
        let uniform = fixtures.log_odds[0]
        #expect(
            abs(
                LogOdds.zScores(first: uniform.first, second: uniform.second, prior: uniform.prior)
                    .max()! - 0.6894227887) < 1e-9)
    }

    @Test func wilcoxonSignedRank() {
        for row in fixtures.wilcoxon {
            #expect(close(PairedTests.wilcoxonSignedRank(row.d), row.p, relative: 1e-9), "\(row.d)")
        }
        #expect(PairedTests.wilcoxonSignedRank([0, 0, 0]) == 1)
    }

    /// One more paraphrase that agrees never raises p: with every difference positive, p falls
    /// as 2/2^n at every n, with no jump where a normal approximation would take over.
    @Test func wilcoxonPFallsWithEveryAgreeingDifference() {
        var previous = 1.0
        for n in 1...400 {
            let p = PairedTests.wilcoxonSignedRank((1...n).map { Double($0) })
            #expect(p < previous || (p == 1 && previous == 1), "n = \(n): \(p) after \(previous)")
            #expect(n > 60 || close(p, min(1, 2 / pow(2, Double(n))), relative: 1e-9), "n = \(n)")
            previous = p
        }
    }

    @Test func gSquaredOnTwoByK() {
        for row in fixtures.g2_table {
            let result = ContingencyTests.gSquared(row.table[0], row.table[1])
            #expect(close(result.statistic, row.g2, relative: 1e-9))
            #expect(close(result.p, row.p, relative: 1e-7))
            #expect(result.degreesOfFreedom == row.dof)
        }
    }

    @Test func auroc() {
        for row in fixtures.auroc {
            #expect(close(RankTests.auroc(positives: row.x, negatives: row.y), row.auroc, relative: 1e-12))
        }
    }

    @Test func chiSquareSurvival() {
        for row in fixtures.chi2_sf {
            #expect(
                close(Distributions.chiSquareSurvival(row.x, degreesOfFreedom: row.df), row.sf, relative: 1e-9),
                "x=\(row.x) df=\(row.df)")
        }
    }

    @Test func normalQuantile() {
        for row in fixtures.normal_quantile {
            #expect(close(Distributions.normalQuantile(row.p), row.z, relative: 1e-12, absolute: 1e-14), "p=\(row.p)")
        }
    }
}
