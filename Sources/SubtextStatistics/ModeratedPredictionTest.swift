import Foundation

/// Is one replicate unlike its controls, feature by feature, when the controls are few?
///
/// The transfer test trains one student of the teacher's data and a handful of students of the
/// control's data, each with its own seed, and reads every student on the same features (the
/// battery's traits). If the teacher's data carries nothing, the teacher student is one more draw
/// of a control student, so for each feature
///
///     t = (x − mean(controls)) / (s · √(1 + 1/N))
///
/// follows Student's t with the degrees of freedom of s: the prediction-interval test. With three
/// controls s has 2 degrees of freedom, too few to test anything; one pair of controls (the rule
/// this replaces, "at least twice the drift") calls a noise-only feature material 14% of the
/// time (three Gaussian students, the shift and drift sharing the first control). So the
/// variances borrow strength across features, as limma does for genes (Smyth 2004, "Linear
/// models and empirical Bayes methods for assessing differential expression in microarray
/// experiments"): the features' sample variances fit a scaled inverse chi-square prior (d₀, s₀²)
/// by moments of their logs, and each feature's variance is shrunk to (d₀ s₀² + d s²) / (d₀ + d),
/// with d₀ + d degrees of freedom, capped at the pooled G·d. Features whose noise really differs
/// keep most of their own variance when the spread of the sample variances says so (small d₀);
/// when it does not, they share one (d₀ → ∞).
///
/// Limma's t distribution assumes d₀ and s₀² known. Estimated from twenty features with two
/// degrees of freedom each they are not, and the test then finds twice the false positives it
/// promises at p < 0.01. So p can instead be calibrated by a parametric bootstrap: experiments
/// drawn from the fitted prior with no effect anywhere, moderated the same way, give the null
/// distribution of |t| (pooled over their features) that each feature's |t| is ranked against.
public struct ModeratedPredictionTest: Sendable {
    /// One feature: the replicate minus the controls' mean, its moderated noise and the test.
    public struct Feature: Sendable, Equatable {
        public var difference: Double
        /// The moderated standard deviation of one control replicate.
        public var standardDeviation: Double
        /// The standard error of `difference`: standardDeviation · √(1 + 1/N).
        public var standardError: Double
        public var t: Double
        /// Two-sided: from Student's t, or from the bootstrapped null when one was drawn.
        public var p: Double
    }

    /// The prior's degrees of freedom (infinite when the variances agree more than chance allows).
    public let priorDegreesOfFreedom: Double
    public let priorVariance: Double
    /// The degrees of freedom of every feature's moderated variance.
    public let degreesOfFreedom: Double
    public let features: [Feature]
    /// The bootstrapped null's |t|, sorted; empty when p comes from Student's t.
    private let null: [Double]

    /// `replicate[g]` against `controls[i][g]`, i over at least two control replicates. With
    /// `nullDraws` > 0, p comes from that many bootstrapped experiments, drawn from `seed`.
    public init(replicate: [Double], controls: [[Double]], nullDraws: Int = 0, seed: UInt64 = 0) {
        let n = controls.count
        let g = replicate.count
        precondition(n >= 2, "the prediction test needs at least two controls")
        precondition(controls.allSatisfy { $0.count == g }, "every control needs a value for every feature")
        let means = (0..<g).map { f -> Double in controls.reduce(0) { $0 + $1[f] } / Double(n) }
        let variances = (0..<g).map { f -> Double in
            controls.reduce(0.0) { sum, control in sum + (control[f] - means[f]) * (control[f] - means[f]) }
                / Double(n - 1)
        }
        let d = Double(n - 1)
        let prior = Self.fitPrior(variances: variances, degreesOfFreedom: d)
        let nu = min(d + prior.degreesOfFreedom, d * Double(g))
        (priorDegreesOfFreedom, priorVariance, degreesOfFreedom) = (prior.degreesOfFreedom, prior.variance, nu)
        let inflation = (1 + 1 / Double(n)).squareRoot()
        var features = (0..<g).map { f in
            let moderated =
                prior.degreesOfFreedom.isFinite
                ? (prior.degreesOfFreedom * prior.variance + d * variances[f]) / (prior.degreesOfFreedom + d)
                : prior.variance
            let sd = moderated.squareRoot()
            let se = sd * inflation
            let difference = replicate[f] - means[f]
            // Controls that agree exactly on every feature leave no noise to test against.
            guard se > 0 else {
                return Feature(
                    difference: difference, standardDeviation: 0, standardError: 0,
                    t: difference == 0 ? 0 : difference / se, p: difference == 0 ? 1 : 0)
            }
            let t = difference / se
            return Feature(
                difference: difference, standardDeviation: sd, standardError: se, t: t,
                p: min(1, 2 * Distributions.studentTSurvival(abs(t), degreesOfFreedom: nu)))
        }
        null =
            nullDraws > 0 && prior.variance > 0
            ? Self.nullStatistics(prior: prior, controls: n, features: g, draws: nullDraws, seed: seed) : []
        if !null.isEmpty {
            for f in features.indices {
                let beyond = null.count - Self.firstIndex(in: null, notBelow: abs(features[f].t))
                features[f].p = Double(1 + beyond) / Double(1 + null.count)
            }
        }
        self.features = features
    }

    /// Smyth's moment estimates of (d₀, s₀²) from sample variances that each have `d` degrees of
    /// freedom: log s² has mean log s₀² + ψ(d/2) − log(d/2) − ψ(d₀/2) + log(d₀/2) and variance
    /// ψ′(d/2) + ψ′(d₀/2). Zero variances carry no information about the spread and are left out.
    static func fitPrior(variances: [Double], degreesOfFreedom d: Double) -> (
        degreesOfFreedom: Double, variance: Double
    ) {
        let positive = variances.filter { $0 > 0 }
        guard !positive.isEmpty else { return (.infinity, 0) }
        let e = positive.map { log($0) - Distributions.digamma(d / 2) + log(d / 2) }
        let mean = e.reduce(0, +) / Double(e.count)
        guard e.count > 1 else { return (.infinity, exp(mean)) }
        let spread =
            e.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(e.count - 1) - Distributions.trigamma(d / 2)
        guard spread > 0 else { return (.infinity, exp(mean)) }
        let d0 = 2 * Distributions.inverseTrigamma(spread)
        return (d0, exp(mean + Distributions.digamma(d0 / 2) - log(d0 / 2)))
    }

    /// The sorted |t| of every feature of `draws` experiments with no effect: each feature's
    /// variance drawn from the prior (s₀² d₀ / χ²(d₀)), its controls and replicate Gaussian.
    static func nullStatistics(
        prior: (degreesOfFreedom: Double, variance: Double), controls n: Int, features g: Int,
        draws: Int, seed: UInt64
    ) -> [Double] {
        var generator = SeededGenerator.stream(seed, "moderated prediction null")
        var null: [Double] = []
        null.reserveCapacity(draws * g)
        for _ in 0..<draws {
            let sigma = (0..<g).map { _ in
                (prior.degreesOfFreedom.isFinite
                    ? prior.variance * prior.degreesOfFreedom / (2 * generator.gamma(shape: prior.degreesOfFreedom / 2))
                    : prior.variance).squareRoot()
            }
            let controls = (0..<n).map { _ in sigma.map { $0 * generator.normal() } }
            let replicate = sigma.map { $0 * generator.normal() }
            null += ModeratedPredictionTest(replicate: replicate, controls: controls).features.map { abs($0.t) }
        }
        return null.sorted()
    }

    private static func firstIndex(in sorted: [Double], notBelow value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The |t| that a two-sided test at `alpha` must reach: the bootstrapped null's 1 − alpha
    /// quantile when one was drawn, Student's otherwise.
    public func critical(_ alpha: Double) -> Double {
        guard !null.isEmpty else {
            return Distributions.studentTQuantile(1 - alpha / 2, degreesOfFreedom: degreesOfFreedom)
        }
        return null[min(null.count - 1, Int((Double(null.count) * (1 - alpha)).rounded(.up)))]
    }
}
