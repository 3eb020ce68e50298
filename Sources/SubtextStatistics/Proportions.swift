import Foundation

/// A rate with its interval.
public struct Interval: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double

    public init(_ low: Double, _ high: Double) {
        self.low = low
        self.high = high
    }
}

public enum Proportions {
    /// The Wilson score interval for k successes in n trials.
    public static func wilson(_ k: Int, _ n: Int, confidence: Double = 0.95) -> Interval {
        guard n > 0 else { return Interval(0, 1) }
        let z = Distributions.normalQuantile(0.5 + confidence / 2)
        let p = Double(k) / Double(n)
        let nn = Double(n)
        let z2 = z * z
        let centre = (p + z2 / (2 * nn)) / (1 + z2 / nn)
        let half = z / (1 + z2 / nn) * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        return Interval(max(0, centre - half), min(1, centre + half))
    }

    /// Newcombe's hybrid score interval (his method 10) for p₁ − p₂ of independent rates.
    public static func newcombe(
        _ k1: Int, _ n1: Int, _ k2: Int, _ n2: Int, confidence: Double = 0.95
    ) -> (delta: Double, interval: Interval) {
        let p1 = Double(k1) / Double(n1)
        let p2 = Double(k2) / Double(n2)
        let w1 = wilson(k1, n1, confidence: confidence)
        let w2 = wilson(k2, n2, confidence: confidence)
        let delta = p1 - p2
        let low = delta - ((p1 - w1.low) * (p1 - w1.low) + (w2.high - p2) * (w2.high - p2)).squareRoot()
        let high = delta + ((w1.high - p1) * (w1.high - p1) + (p2 - w2.low) * (p2 - w2.low)).squareRoot()
        return (delta, Interval(low, high))
    }
}
