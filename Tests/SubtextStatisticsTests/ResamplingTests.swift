import Testing
@testable import SubtextStatistics

@Suite struct ResamplingTests {
    @Test func generatorIsDeterministicPerSeedAndStream() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        var s1 = SeededGenerator.stream(7, "folds"), s2 = SeededGenerator.stream(7, "bags")
        #expect(s1.next() != s2.next())
    }

    /// Under the null the permutation p-value is uniform: about 5% of null draws fall below
    /// 0.05. And it never goes below the resolution floor 1 / (B + 1).
    @Test func rankSumPermutationIsCalibratedAndFloored() {
        var generator = SeededGenerator(seed: 1)
        var rejections = 0
        let trials = 400
        for _ in 0..<trials {
            let values = (0..<60).map { _ in Double.random(in: 0..<1, using: &generator) }
            let ranks = RankTests.midranks(values)
            let observed = ranks[0..<30].reduce(0, +)
            let p = Resampling.rankSumPermutationP(ranks: ranks, groupSize: 30, observed: observed,
                                                   permutations: 199, generator: &generator)
            if p <= 0.05 { rejections += 1 }
        }
        // Binomial(400, 0.05): mean 20, sd 4.4; the bounds are ±3 sd.
        #expect((7...33).contains(rejections), "\(rejections)")

        let separated = (0..<40).map(Double.init)
        let ranks = RankTests.midranks(separated)
        let p = Resampling.rankSumPermutationP(ranks: ranks, groupSize: 20, observed: ranks[20...].reduce(0, +),
                                               permutations: 99, generator: &generator)
        #expect(p == 1.0 / 100)
    }

    @Test func percentileIntervalMatchesNumpy() {
        // numpy.percentile([1..10], [2.5, 97.5]) = [1.225, 9.775]
        let interval = Resampling.percentileInterval((1...10).map(Double.init))
        #expect(abs(interval.low - 1.225) < 1e-12 && abs(interval.high - 9.775) < 1e-12)
    }

    @Test func minimumDetectableAUROCShrinksWithData() {
        let small = RankTests.minimumDetectableAUROC(100, 100, alpha: 0.01)
        let large = RankTests.minimumDetectableAUROC(10_000, 10_000, alpha: 0.01)
        #expect(small > large && large > 0.5)
        // z(0.99) + z(0.8) = 2.3263 + 0.8416; sd = sqrt(201 / 120000)
        #expect(abs(small - (0.5 + 3.16798 * (201.0 / 120_000).squareRoot())) < 1e-4)
    }
}
