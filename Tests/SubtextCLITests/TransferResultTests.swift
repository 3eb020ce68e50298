import Foundation
import SubtextStatistics
import Testing

@testable import SubtextStudents

/// The transfer verdict on students made of numbers: each student moves every trait by its own
/// training noise (which differs between traits) plus a little paraphrase noise, and the
/// teacher student carries a planted shift in one trait.
@Suite struct TransferResultTests {
    static func shares(planted: Double, seed: UInt64) -> (student: [[Double]], controls: [[[Double]]]) {
        var generator = SeededGenerator.stream(seed, "transfer students")
        let traits = 20
        let paraphrases = 40
        let noise = (0..<traits).map { _ in 0.2 * exp(0.5 * generator.normal()) }
        let base = (0..<paraphrases).map { _ in (0..<traits).map { _ in generator.normal() } }
        func student(shift: Double) -> [[Double]] {
            let offsets = noise.map { $0 * generator.normal() }
            return base.map { row in
                row.indices.map { c -> Double in
                    let planted: Double = c == 0 ? shift : 0
                    return row[c] + offsets[c] + planted + 0.05 * generator.normal()
                }
            }
        }
        let controls = (0..<3).map { _ in student(shift: 0) }
        return (student(shift: planted), controls)
    }

    @Test func aPlantedShiftIsMaterialAndNothingElseIs() {
        let names = (0..<20).map { "trait \($0)" }
        let planted = Self.shares(planted: 1.5, seed: 1)
        let moved = TransferResult.traits(names: names, student: planted.student, controls: planted.controls, seed: 1)
        #expect(moved.traits.filter(\.material).map(\.name) == ["trait 0"])
        #expect(moved.traits[0].ciLow > 0.5 && moved.traits[0].ciHigh < 2.5)
        let null = Self.shares(planted: 0, seed: 2)
        let still = TransferResult.traits(names: names, student: null.student, controls: null.controls, seed: 2)
        #expect(still.traits.allSatisfy { !$0.material })
        #expect(still.noiseDegreesOfFreedom > 2, "the traits lend each other no degrees of freedom")
        for trait in still.traits {
            #expect(
                trait.ciLow < trait.shift && trait.shift < trait.ciHigh
                    && trait.detectable >= TransferResult.materialNats)
        }
    }
}
