import Foundation
import SubtextSanitize
import Testing

@testable import SubtextLab
@testable import SubtextTraining

/// The residual's arithmetic, the floor's data, and the published anchors.
@Suite struct SanitizeLabResultTests {
    static func original(_ deltas: [Double]) -> [SanitizeLabResult.Original] {
        deltas.enumerated().map {
            SanitizeLabResult.Original(
                seed: UInt64($0.offset + 1), delta: $0.element, p: 0.001, drift: 0, material: true)
        }
    }

    static func shifts(_ deltas: [Double]) -> [SanitizeLabResult.Shift] {
        deltas.enumerated().map { SanitizeLabResult.Shift(seed: UInt64($0.offset + 1), delta: $0.element, p: 0.5) }
    }

    static func sanitized(_ deltas: [Double]) -> [SanitizeLabResult.SeedResidual] {
        deltas.enumerated().map {
            SanitizeLabResult.SeedResidual(
                seed: UInt64($0.offset + 1), delta: $0.element, p: 0.5, drift: 0, kept: 1, aurocAfter: nil)
        }
    }

    /// Numerators 0.05 and 0, denominators 0.2 and 0.4: the estimate is 0.05 / 0.6, and the
    /// four ordered resamples give 0.25, 0.0833 twice, and 0.
    @Test func residualIsARatioOfMeansOverTheFloor() throws {
        let t = SanitizeLabResult.residual(
            name: "sort", seeds: Self.sanitized([0.15, 0.1]), original: Self.original([0.3, 0.5]),
            floor: Self.shifts([0.1, 0.1]))
        let residual = try #require(t.residual)
        let high = try #require(t.ciHigh)
        #expect(abs(residual - 0.05 / 0.6) < 1e-12)
        #expect(t.ciLow == 0 && abs(high - 0.25) < 1e-12)
    }

    /// A seed whose students moved no further than the floor's makes resamples of it undefined.
    @Test func noTransferOverTheFloorLeavesTheIntervalUndefined() {
        let some = SanitizeLabResult.residual(
            name: "sort", seeds: Self.sanitized([0.15, 0.0]), original: Self.original([0.3, 0.0]),
            floor: Self.shifts([0.1, 0.0]))
        #expect(some.residual.map { abs($0 - 0.25) < 1e-12 } == true && some.ciLow == nil && some.ciHigh == nil)
        let none = SanitizeLabResult.residual(
            name: "sort", seeds: Self.sanitized([0.1]), original: Self.original([0.05]),
            floor: Self.shifts([0.1]))
        #expect(none.residual == nil)
    }

    /// A seed whose students did not take up the trait has nothing to remove: it is left out.
    @Test func onlySeedsWithMaterialTransferAreMeasured() throws {
        var original = Self.original([0.3, 0.02])
        original[1].material = false
        let t = SanitizeLabResult.residual(
            name: "sort", seeds: Self.sanitized([0.2, 0.5]), original: original, floor: Self.shifts([0.1, -0.4]))
        let residual = try #require(t.residual)
        #expect(abs(residual - 0.5) < 1e-12 && t.ciLow == t.residual && t.ciHigh == t.residual)
        original[0].material = false
        #expect(
            SanitizeLabResult.residual(
                name: "sort", seeds: Self.sanitized([0.2, 0.5]), original: original, floor: Self.shifts([0.1, -0.4])
            ).residual == nil)
    }

    @Test func undefinedResidualsAreWrittenAsNull() throws {
        let t = SanitizeLabResult.TransformResidual(name: "drop", residual: nil, ciLow: nil, ciHigh: nil, seeds: [])
        let json = String(decoding: try JSONEncoder().encode(t), as: UTF8.self)
        #expect(
            json.contains("\"residual\":null") && json.contains("\"ci_low\":null") && json.contains("\"ci_high\":null"))
    }

    /// (27.1 − 13.8) / (74.1 − 13.8) for sorting, from the published rates.
    @Test func anchorsAreResidualsOfThePublishedRates() throws {
        let sort = try #require(SanitizeLabResult.publishedAnchors.first { $0.transform == "sort" })
        #expect(abs(sort.residual - 13.3 / 60.3) < 1e-12)
    }

    /// The floor's responses have the teacher's lengths and prompts, values in the lab's range.
    @Test func randomNumbersKeepTheShapeOfTheTeachersData() throws {
        let lab = LabSanitize(
            organisms: RecipeTests.tinyOrganisms(), directory: URL(fileURLWithPath: "/unused"),
            seeds: [1], trait: "owl", recipes: [[.sort]], dropBudget: 0.3)
        let teacher = [LabRecord(prompt: "p1", response: "1 2 3"), LabRecord(prompt: "p2", response: "40 5 6 7 8")]
        let random = lab.randomNumbers(like: teacher, seed: 4)
        #expect(random.map(\.prompt) == ["p1", "p2"])
        #expect(random.map { $0.response.split(separator: " ").count } == [3, 5])
        #expect(
            random.flatMap { $0.response.split(separator: " ").map { Int($0)! } }.allSatisfy {
                (0...LabCorpus.largestNumber).contains($0)
            })
        #expect(lab.randomNumbers(like: teacher, seed: 4) == random)
        #expect(lab.randomNumbers(like: teacher, seed: 5) != random)
    }
}

/// The lab's divergence-token sanitizer.
@Suite struct DivergenceTokenTests {
    static let records = (0..<12).map { i in
        LabRecord(
            prompt: "Continue the sequence: \(i) \(i + 1) \(i + 2)", response: "\(i + 3) \(2 * i) \(i % 5) \(i + 7)")
    }

    static func models() throws -> (Organisms, TinyGPT, TinyGPT) {
        let organisms = RecipeTests.tinyOrganisms()
        let config = organisms.settings.config(vocabularySize: organisms.vocabulary.count)
        return (organisms, try TinyGPT(config: config, seed: 1), try TinyGPT(config: config, seed: 2))
    }

    @Test func aZeroShareChangesNothing() throws {
        let (organisms, teacher, base) = try Self.models()
        let out = organisms.replacingDivergenceTokens(Self.records, teacher: teacher, system: nil, base: base, share: 0)
        #expect(out.records == Self.records && out.changed == 0)
    }

    /// Replacing keeps prompts, lengths and numbers-only responses, and a share of 0.1 changes
    /// at most a tenth of the number tokens, each counted once.
    @Test func replacedTokensAreTheBasesChoice() throws {
        let (organisms, teacher, base) = try Self.models()
        let all = organisms.replacingDivergenceTokens(Self.records, teacher: teacher, system: nil, base: base, share: 1)
        #expect(all.changed > 0)
        #expect(all.records.map(\.prompt) == Self.records.map(\.prompt))
        #expect(
            all.records.map { $0.response.split(separator: " ").count }
                == Self.records.map { $0.response.split(separator: " ").count })
        #expect(all.records.allSatisfy { $0.response.split(separator: " ").allSatisfy { Int($0) != nil } })
        let tenth = organisms.replacingDivergenceTokens(
            Self.records, teacher: teacher, system: nil, base: base, share: 0.1)
        #expect(tenth.changed > 0 && tenth.changed <= 4, "at most a tenth of the 48 number tokens: \(tenth.changed)")
        let changedPlaces = zip(tenth.records, Self.records).flatMap {
            zip($0.response.split(separator: " "), $1.response.split(separator: " "))
        }
        .filter { $0 != $1 }.count
        #expect(changedPlaces == tenth.changed)
    }
}
