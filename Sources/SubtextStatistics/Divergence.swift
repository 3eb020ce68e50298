import Foundation

public enum Divergence {
    /// The Jensen–Shannon distance in bits (the square root of the divergence), as scipy's
    /// `jensenshannon(p, q, base=2)`. Counts are normalised first.
    public static func jensenShannonDistance(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "distributions must have the same support")
        let sp = p.reduce(0, +)
        let sq = q.reduce(0, +)
        var divergence = 0.0
        for (x, y) in zip(p, q) {
            let pi = x / sp
            let qi = y / sq
            let m = (pi + qi) / 2
            if pi > 0 { divergence += 0.5 * pi * log2(pi / m) }
            if qi > 0 { divergence += 0.5 * qi * log2(qi / m) }
        }
        return max(0, divergence).squareRoot()
    }
}
