import Foundation

/// Log-odds ratios with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008,
/// "Fightin' Words"): a token's shift between two corpora, shrunk toward zero when its counts
/// are small, and standardised by its approximate variance.
public enum LogOdds {
    /// The z-score of each token: δ / sqrt(1/(y₁+α) + 1/(y₂+α)), where
    /// δ = log((y₁+α)/(n₁+α₀−y₁−α)) − log((y₂+α)/(n₂+α₀−y₂−α)).
    /// `prior` holds α for each token; α₀ is its sum. Positive z means more in `first`.
    public static func zScores(first: [Double], second: [Double], prior: [Double]) -> [Double] {
        precondition(first.count == second.count && first.count == prior.count, "lengths differ")
        let n1 = first.reduce(0, +)
        let n2 = second.reduce(0, +)
        let a0 = prior.reduce(0, +)
        return first.indices.map { i in
            let y1 = first[i]
            let y2 = second[i]
            let a = prior[i]
            let delta = log((y1 + a) / (n1 + a0 - y1 - a)) - log((y2 + a) / (n2 + a0 - y2 - a))
            return delta / (1 / (y1 + a) + 1 / (y2 + a)).squareRoot()
        }
    }

    /// The informative prior: each token's pooled count scaled so the prior adds up to
    /// `strength` pseudo-counts in all.
    public static func informativePrior(first: [Double], second: [Double], strength: Double) -> [Double] {
        let pooled = zip(first, second).map { $0 + $1 }
        let total = pooled.reduce(0, +)
        return pooled.map { total > 0 ? max($0 * strength / total, 1e-9) : 1e-9 }
    }
}
