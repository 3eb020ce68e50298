import Foundation
import Testing

@testable import SubtextStatistics

/// The moderated prediction test against an independent limma-style computation in scipy, and
/// its false-positive rate on data drawn from its own null.
@Suite struct ModeratedPredictionTestTests {
    let fixtures = Fixtures.shared

    @Test func studentTMatchesScipy() {
        for row in fixtures.student_t {
            #expect(
                close(
                    Distributions.studentTSurvival(row.t, degreesOfFreedom: row.df), row.sf, relative: 1e-10,
                    absolute: 1e-15),
                "sf t=\(row.t) df=\(row.df)")
            #expect(
                close(Distributions.studentTQuantile(row.ppf_p, degreesOfFreedom: row.df), row.ppf, relative: 1e-10),
                "ppf p=\(row.ppf_p) df=\(row.df)")
        }
        #expect(Distributions.studentTSurvival(1.5, degreesOfFreedom: .infinity) == Distributions.normalSurvival(1.5))
    }

    @Test func digammaAndTrigammaMatchScipy() {
        for row in fixtures.special {
            #expect(
                close(Distributions.digamma(row.x), row.digamma, relative: 1e-13, absolute: 1e-13), "digamma \(row.x)")
            #expect(close(Distributions.trigamma(row.x), row.trigamma, relative: 1e-13), "trigamma \(row.x)")
            #expect(
                close(Distributions.inverseTrigamma(row.trigamma), row.x, relative: 1e-10), "inverse trigamma \(row.x)")
        }
    }

    @Test func moderatedVariancesMatchTheIndependentComputation() {
        for row in fixtures.moderated_prediction {
            let test = ModeratedPredictionTest(replicate: row.replicate, controls: row.controls)
            if let prior = row.prior_df {
                #expect(close(test.priorDegreesOfFreedom, prior, relative: 1e-8))
            } else {
                #expect(test.priorDegreesOfFreedom == .infinity)
            }
            #expect(close(test.priorVariance, row.prior_variance, relative: 1e-9))
            #expect(close(test.degreesOfFreedom, row.df, relative: 1e-8))
            for (feature, (sd, (t, p))) in zip(test.features, zip(row.sd, zip(row.t, row.p))) {
                #expect(close(feature.standardDeviation, sd, relative: 1e-8))
                #expect(close(feature.t, t, relative: 1e-8))
                #expect(close(feature.p, p, relative: 1e-7, absolute: 1e-14))
            }
        }
    }

    /// Experiments of 20 features, three controls each, no effect anywhere: noise equal across
    /// features, drawn from limma's own prior, and log-normal (tenfold between features). Student's
    /// t finds too many below 0.01 once the prior is estimated; the bootstrapped null must keep the
    /// share of p below 0.05 and 0.01 at or under its level, within four binomial standard errors
    /// (features share a prior within an experiment).
    @Test(arguments: ["equal", "inverse chi-square", "log-normal"])
    func bootstrappedNullIsCalibrated(noise: String) {
        var generator = SeededGenerator.stream(20_261_207, noise)
        var p: [Double] = []
        for experiment in 0..<300 {
            let sigma = (0..<20).map { _ -> Double in
                switch noise {
                case "equal": return 1
                case "inverse chi-square": return (8 / (2 * generator.gamma(shape: 4))).squareRoot()
                default: return exp(0.6 * generator.normal())
                }
            }
            let controls = (0..<3).map { _ in sigma.map { $0 * generator.normal() } }
            let replicate = sigma.map { $0 * generator.normal() }
            p += ModeratedPredictionTest(
                replicate: replicate, controls: controls, nullDraws: 200, seed: UInt64(experiment)
            ).features.map(\.p)
        }
        for alpha in [0.05, 0.01] {
            let rate = Double(p.filter { $0 < alpha }.count) / Double(p.count)
            #expect(
                rate < alpha + 4 * (alpha * (1 - alpha) / Double(p.count)).squareRoot(),
                "false positives at \(alpha): \(rate)")
        }
    }

    @Test func identicalControlsLeaveNothingToTestAgainst() {
        let test = ModeratedPredictionTest(replicate: [1, 0], controls: [[0, 0], [0, 0]])
        #expect(test.features.map(\.p) == [0, 1])
    }
}
