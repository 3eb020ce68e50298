import Foundation
import Testing

@testable import SubtextStatistics

@Suite struct ScoreSketchTests {
    /// The fixtures' scores are integers; the sketch gets exp(v / 20), which keeps their order
    /// and ties and puts distinct values 5% apart, more than a bin, so the sketch's ranks are
    /// the scores' own.
    @Test func rankTestAndIntervalMatchScipy() {
        for row in Fixtures.shared.sketch_comparison {
            var x = ScoreSketch()
            var y = ScoreSketch()
            for value in row.x { x.add(exp(value / 20)) }
            for value in row.y { y.add(exp(value / 20)) }
            let comparison = SketchComparison(positives: x, negatives: y)
            #expect(close(comparison.auroc, row.auroc, relative: 1e-12), "AUROC, n = \(row.x.count)")
            #expect(close(comparison.auroc, row.kernel_auroc, relative: 1e-12))
            #expect(close(comparison.p, row.p, relative: 1e-9), "p, n = \(row.x.count)")
            let half = 1.959963984540054 * row.delong_se
            #expect(close(comparison.interval.low, max(0, row.auroc - half), relative: 1e-9))
            #expect(close(comparison.interval.high, min(1, row.auroc + half), relative: 1e-9))
        }
    }

    @Test func binsKeepOrderAndResolution() {
        let scores = [-3.0, -1.02, -1.0, -1e-12, 0, 1e-12, 0.5, 1.0, 1.02, 7.5, 1e6]
        let bins = scores.map(ScoreSketch.bin)
        #expect(bins == bins.sorted())
        #expect(ScoreSketch.bin(1.0) != ScoreSketch.bin(1.02), "2% apart is two bins")
        #expect(ScoreSketch.bin(-1e-12) == 0 && ScoreSketch.bin(1e-12) == 0)
        for score in [1e-6, 0.3, -2.5, 4e4] {
            let value = ScoreSketch.value(ScoreSketch.bin(score))
            #expect(abs(value - score) <= 1e-2 * abs(score), "\(score) stands as \(value)")
        }
    }

    /// Merging in any order, or encoding and decoding, gives the same sketch.
    @Test func mergesExactlyAndRoundTrips() throws {
        var generator = SeededGenerator(seed: 3)
        var parts = (0..<4).map { _ in ScoreSketch() }
        var whole = ScoreSketch()
        for i in 0..<2000 {
            let score = Double.random(in: -5...5, using: &generator)
            parts[i % 4].add(score)
            whole.add(score)
        }
        var forward = ScoreSketch()
        var backward = ScoreSketch()
        for part in parts { forward.merge(part) }
        for part in parts.reversed() { backward.merge(part) }
        #expect(forward == whole && backward == whole && whole.total == 2000)
        let decoded = try JSONDecoder().decode(ScoreSketch.self, from: JSONEncoder().encode(whole))
        #expect(decoded == whole)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ScoreSketch.self, from: Data(#"{"bins":[1,2],"counts":[3]}"#.utf8))
        }
    }

    /// Bag means drawn from a sketch centre on its mean and shrink its spread by √k.
    @Test func bagMeansShrinkBySquareRootOfSize() {
        var generator = SeededGenerator(seed: 5)
        var sketch = ScoreSketch()
        for _ in 0..<5000 { sketch.add(Double.random(in: 0...1, using: &generator)) }
        let bags = sketch.bagMeans(size: 16, bags: 4000, generator: &generator)
        let values = bags.sortedBins.flatMap { Array(repeating: ScoreSketch.value($0.bin), count: $0.count) }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(bags.total == 4000)
        #expect(abs(mean - 0.5) < 0.01)
        #expect(abs(sd - (1.0 / 12).squareRoot() / 4) < 0.005)
    }

    /// TPR and precision of the binormal model match scipy's normal distribution.
    @Test func operatingPointsMatchScipy() {
        for row in Fixtures.shared.operating_points {
            var teacher = Moments([0])
            var control = Moments([0])
            (teacher.mean, teacher.deviation) = (row.teacher_mean, row.teacher_sd)
            (control.mean, control.deviation) = (row.control_mean, row.control_sd)
            let point = OperatingPoint(
                bagSize: row.k, falsePositiveRate: row.fpr, positives: teacher, negatives: control,
                baseRate: row.base_rate)
            #expect(close(point.truePositiveRate, row.tpr, relative: 1e-7), "TPR at K = \(row.k)")
            #expect(close(point.precision, row.precision, relative: 1e-7), "precision at K = \(row.k)")
        }
    }

    /// A sketch's moments are its scores' moments within the 1% bin width.
    @Test func sketchMomentsMatchTheScores() {
        let scores = (1...500).map { Double($0) / 37 - 4 }
        var sketch = ScoreSketch()
        for score in scores { sketch.add(score) }
        let exact = Moments(scores)
        let binned = Moments(sketch)
        #expect(abs(binned.mean - exact.mean) < 0.01 * exact.deviation)
        #expect(abs(binned.deviation / exact.deviation - 1) < 0.01)
    }
}
