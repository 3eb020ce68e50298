import Foundation

/// Scores counted in fine logarithmic bins: a summary whose size grows with the bins in use,
/// not with the number of scores, and that merges exactly by adding counts.
///
/// Bins keep the order of scores and are 1% wide relative to the score, so rank statistics
/// read from a sketch treat only scores within 1% of each other as ties: about 1 pair in 500
/// of scores spread over two orders of magnitude, each moving an AUROC by at most half a pair.
/// Finer bins made partial results ten times larger for no visible change. Because the binning
/// is a fixed function of the score, it never looks at labels: a rank test on binned scores
/// is as valid as one on the raw scores, and merging sketches from any number of shards, in
/// any order, gives the same counts.
public struct ScoreSketch: Sendable, Equatable, Codable {
    /// A bin's width relative to the scores in it.
    public static let relativeWidth = 1e-2
    /// Scores nearer zero than this share bin 0.
    public static let zeroBand = 1e-9
    private static let logStep = log1p(relativeWidth)

    /// Count by bin; the bin's sign is the score's sign.
    public private(set) var counts: [Int32: Int] = [:]
    public private(set) var total = 0

    public init() {}

    /// The bin of a score: 0 near zero, ±(1 + ⌊ln(|s| / zeroBand) / ln(1 + w)⌋) otherwise.
    public static func bin(_ score: Double) -> Int32 {
        let magnitude = abs(score)
        guard magnitude >= zeroBand else { return 0 }
        let index = Int32(min(log(magnitude / zeroBand) / logStep, Double(Int32.max - 2))) + 1
        return score < 0 ? -index : index
    }

    /// A score that stands for every score in `bin`: the bin's geometric centre.
    public static func value(_ bin: Int32) -> Double {
        guard bin != 0 else { return 0 }
        let magnitude = zeroBand * exp((Double(abs(bin)) - 0.5) * logStep)
        return bin < 0 ? -magnitude : magnitude
    }

    public mutating func add(_ score: Double, count: Int = 1) {
        counts[Self.bin(score), default: 0] += count
        total += count
    }

    public mutating func merge(_ other: ScoreSketch) {
        for (bin, count) in other.counts { counts[bin, default: 0] += count }
        total += other.total
    }

    /// Bins in increasing order with their counts.
    public var sortedBins: [(bin: Int32, count: Int)] {
        counts.keys.sorted().map { ($0, counts[$0]!) }
    }

    /// Means of `bags` bags of `size` scores each, every score drawn with replacement from
    /// this sketch: the bag statistic of a sample too large to keep score by score.
    public func bagMeans(size: Int, bags: Int, generator: inout SeededGenerator) -> ScoreSketch {
        let bins = sortedBins
        guard !bins.isEmpty else { return ScoreSketch() }
        var cumulative: [Int] = []
        cumulative.reserveCapacity(bins.count)
        var running = 0
        for (_, count) in bins {
            running += count
            cumulative.append(running)
        }
        let values = bins.map { Self.value($0.bin) }
        var result = ScoreSketch()
        for _ in 0..<bags {
            var sum = 0.0
            for _ in 0..<size {
                let draw = Int.random(in: 0..<running, using: &generator)
                // The first bin whose cumulative count exceeds the draw.
                var low = 0
                var high = cumulative.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if cumulative[middle] > draw { high = middle } else { low = middle + 1 }
                }
                sum += values[low]
            }
            result.add(sum / Double(size))
        }
        return result
    }

    /// Encoded as parallel arrays of bins and counts, in bin order, so a partial result is
    /// compact and the same sketch always encodes the same way.
    enum CodingKeys: String, CodingKey { case bins, counts }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let bins = try container.decode([Int32].self, forKey: .bins)
        let counts = try container.decode([Int].self, forKey: .counts)
        guard bins.count == counts.count, counts.allSatisfy({ $0 > 0 }), Set(bins).count == bins.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .counts, in: container,
                debugDescription: "bins and counts do not match")
        }
        self.counts = Dictionary(uniqueKeysWithValues: zip(bins, counts))
        total = counts.reduce(0, +)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let bins = sortedBins
        try container.encode(bins.map(\.bin), forKey: .bins)
        try container.encode(bins.map(\.count), forKey: .counts)
    }
}

/// How well scores separate positives from negatives, read from two sketches: the AUROC with
/// DeLong's interval, and the one-sided Mann–Whitney test that positives score higher.
public struct SketchComparison: Sendable, Equatable {
    public var auroc: Double
    public var interval: Interval
    /// The normal approximation with tie and continuity corrections, as scipy's
    /// `mannwhitneyu(method="asymptotic", alternative="greater")` computes it.
    public var z: Double
    public var p: Double

    public init(positives: ScoreSketch, negatives: ScoreSketch, confidence: Double = 0.95) {
        let n1 = Double(positives.total)
        let n2 = Double(negatives.total)
        let n = n1 + n2
        guard n1 > 0, n2 > 0 else {
            self.init(auroc: .nan, interval: Interval(0, 1), z: 0, p: 1)
            return
        }
        var bins = Set(positives.counts.keys)
        bins.formUnion(negatives.counts.keys)
        // One walk up the bins gives the rank sum, the tie term and DeLong's placements: the
        // share of the other side below each bin, counting ties as half.
        var below1 = 0.0
        var below2 = 0.0
        var rankSum = 0.0
        var ties = 0.0
        var placements1 = (sum: 0.0, squares: 0.0)
        var placements2 = (sum: 0.0, squares: 0.0)
        for bin in bins.sorted() {
            let a = Double(positives.counts[bin] ?? 0)
            let b = Double(negatives.counts[bin] ?? 0)
            let t = a + b
            rankSum += a * (below1 + below2 + (t + 1) / 2)
            ties += t * t * t - t
            let v10 = (below2 + b / 2) / n2
            let v01 = 1 - (below1 + a / 2) / n1
            placements1.sum += a * v10
            placements1.squares += a * v10 * v10
            placements2.sum += b * v01
            placements2.squares += b * v01 * v01
            below1 += a
            below2 += b
        }
        let u = rankSum - n1 * (n1 + 1) / 2
        let auroc = u / (n1 * n2)
        let variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
        let z = variance > 0 ? (u - n1 * n2 / 2 - 0.5) / variance.squareRoot() : 0
        let s10 = n1 > 1 ? (placements1.squares - placements1.sum * placements1.sum / n1) / (n1 - 1) : 0
        let s01 = n2 > 1 ? (placements2.squares - placements2.sum * placements2.sum / n2) / (n2 - 1) : 0
        let standardError = max(s10 / n1 + s01 / n2, 0).squareRoot()
        let half = Distributions.normalQuantile(1 - (1 - confidence) / 2) * standardError
        self.init(
            auroc: auroc, interval: Interval(max(0, auroc - half), min(1, auroc + half)), z: z,
            p: variance > 0 ? Distributions.normalSurvival(z) : 1)
    }

    init(auroc: Double, interval: Interval, z: Double, p: Double) {
        self.auroc = auroc
        self.interval = interval
        self.z = z
        self.p = p
    }
}
