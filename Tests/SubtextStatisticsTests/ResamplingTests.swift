import Testing

@testable import SubtextStatistics

@Suite struct ResamplingTests {
    @Test func generatorIsDeterministicPerSeedAndStream() {
        var a = SeededGenerator(seed: 7)
        var b = SeededGenerator(seed: 7)
        var c = SeededGenerator(seed: 8)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        var s1 = SeededGenerator.stream(7, "folds")
        var s2 = SeededGenerator.stream(7, "bags")
        #expect(s1.next() != s2.next())
    }

    @Test func normalIntervalIsClampedAndCentred() {
        let interval = Resampling.normalInterval(estimate: 0.9, replicates: [0.8, 0.9, 1.0], bounds: 0...1)
        // sd = 0.1, half-width 1.959964 · 0.1
        #expect(abs(interval.low - (0.9 - 0.1959964)) < 1e-6)
        #expect(interval.high == 1)
    }

    @Test func minimumDetectableAUROCShrinksWithData() {
        let small = RankTests.minimumDetectableAUROC(100, 100, alpha: 0.01)
        let large = RankTests.minimumDetectableAUROC(10_000, 10_000, alpha: 0.01)
        #expect(small > large && large > 0.5)
        // z(0.99) + z(0.8) = 2.3263 + 0.8416; sd = sqrt(201 / 120000)
        #expect(abs(small - (0.5 + 3.16798 * (201.0 / 120_000).squareRoot())) < 1e-4)
    }
}

@Suite struct PercentileTests {
    @Test func percentileIntervalMatchesNumpy() {
        // numpy.percentile([1..10], [2.5, 97.5]) = [1.225, 9.775]
        let interval = Resampling.percentileInterval((1...10).map(Double.init))
        #expect(abs(interval.low - 1.225) < 1e-12 && abs(interval.high - 9.775) < 1e-12)
    }
}

@Suite struct ExactBootstrapTests {
    /// Against numpy over every ordered resample (scripts/make_statistics_fixtures.py), including
    /// a case where some resample's denominator is negative and the interval is undefined.
    @Test func ratioOfMeansMatchesBruteForce() {
        let cases = Fixtures.shared.exact_bootstrap
        #expect(cases.contains { $0.low == nil } && cases.contains { $0.low != nil })
        for c in cases {
            let ratio = ExactBootstrap.ratioOfMeans(numerators: c.numerators, denominators: c.denominators)
            #expect(ratio.estimate.map { close($0, c.estimate ?? .nan) } ?? (c.estimate == nil))
            if let low = c.low, let high = c.high, let interval = ratio.interval {
                #expect(
                    close(interval.low, low) && close(interval.high, high),
                    "\(c.numerators): \(interval) against [\(low), \(high)]")
            } else {
                #expect(ratio.interval == nil && c.low == nil)
            }
        }
    }

    @Test func oneUnitHasNoSpread() {
        let ratio = ExactBootstrap.ratioOfMeans(numerators: [0.3], denominators: [0.6])
        #expect(ratio.estimate == 0.5 && ratio.interval == Interval(0.5, 0.5))
    }
}
