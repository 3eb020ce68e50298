import Foundation

/// What a detector does at a fixed false-positive rate for bags of K responses, and the
/// precision that implies when poisoned datasets are rare: the figures a data team sets a
/// gate by.
///
/// Read off a binormal model of the held-out scores: a bag's mean score is normal with the
/// side's mean and its variance over K (independent responses). An empirical threshold at 1%
/// FPR needs hundreds of control bags, which a dataset of a few thousand responses does not
/// have at K = 16; the binormal curve needs only each side's mean and variance.
public struct OperatingPoint: Sendable, Codable, Equatable {
    public var bagSize: Int
    public var falsePositiveRate: Double
    public var truePositiveRate: Double
    /// The share of audited datasets assumed to carry a signal.
    public var baseRate: Double
    /// Of the bags flagged, the share that are teacher bags at `baseRate`.
    public var precision: Double

    enum CodingKeys: String, CodingKey {
        case bagSize = "bag_size", falsePositiveRate = "false_positive_rate", truePositiveRate = "true_positive_rate"
        case baseRate = "base_rate", precision
    }

    /// TPR = Φ((μ₊ − μ₋ − z₁₋f σ₋/√K) / (σ₊/√K)); precision = πTPR / (πTPR + (1 − π)f).
    public init(bagSize: Int, falsePositiveRate: Double, positives: Moments, negatives: Moments, baseRate: Double) {
        let root = Double(bagSize).squareRoot()
        let threshold =
            negatives.mean + Distributions.normalQuantile(1 - falsePositiveRate) * negatives.deviation / root
        let tpr =
            positives.deviation > 0
            ? Distributions.normalCDF((positives.mean - threshold) * root / positives.deviation)
            : (positives.mean > threshold ? 1 : 0)
        let flagged = baseRate * tpr + (1 - baseRate) * falsePositiveRate
        (self.bagSize, self.falsePositiveRate, truePositiveRate, self.baseRate) = (
            bagSize, falsePositiveRate, tpr, baseRate
        )
        precision = flagged > 0 ? baseRate * tpr / flagged : 0
    }
}

/// A sample's mean and standard deviation (n − 1 in the denominator).
public struct Moments: Sendable, Equatable {
    public var mean: Double
    public var deviation: Double

    public init(_ values: [Double]) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / max(n, 1)
        self.mean = mean
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        deviation = n > 1 ? (squares / (n - 1)).squareRoot() : 0
    }

    /// From a sketch, each score standing at its bin's centre (within 1% of its value).
    public init(_ sketch: ScoreSketch) {
        let bins = sketch.sortedBins
        let n = Double(sketch.total)
        let mean = bins.reduce(0) { $0 + Double($1.count) * ScoreSketch.value($1.bin) } / max(n, 1)
        self.mean = mean
        let squares = bins.reduce(0) { total, bin in
            let d = ScoreSketch.value(bin.bin) - mean
            return total + Double(bin.count) * d * d
        }
        deviation = n > 1 ? (squares / (n - 1)).squareRoot() : 0
    }
}
