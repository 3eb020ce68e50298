import SubtextSynthetic
import SubtextTestSupport
import Testing

@testable import SubtextAudit

@Suite struct CalibrationTests {
    /// Over 20 random halvings of one set, the global p-value falls below 0.05 about 5% of
    /// the time. Binomial(20, 0.05) exceeds 4 with probability 1.6%; the seeds are fixed.
    @Test func globalPValueIsCalibratedUnderTheNull() throws {
        let scratch = try Scratch()
        var below = 0
        for seed in 1...20 as ClosedRange<UInt64> {
            let (_, control) = PlantedBiasPair(seed: 1000 + seed, responses: 200).generate()
            let a = try scratch.write("a\(seed).jsonl", records: Array(control[..<100]))
            let b = try scratch.write("b\(seed).jsonl", records: Array(control[100...]))
            var configuration = testConfiguration(seed: seed)
            configuration.permutations = 99
            configuration.bootstrap = 10
            if try audit([a], [b], configuration).pValue < 0.05 { below += 1 }
        }
        #expect(below <= 4, "\(below) of 20 null splits had p < 0.05")
    }
}
