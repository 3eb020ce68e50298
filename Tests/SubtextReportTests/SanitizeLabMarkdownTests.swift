import Foundation
import SubtextLab
import SubtextReport
import SubtextSupport
import Testing

/// sanitize-lab.md leads with the residuals, or says plainly that there was nothing to measure.
@Suite struct SanitizeLabMarkdownTests {
    static func result(trait: String = "owl", original: [Double], floor: [Double], sorted: [Double])
        -> SanitizeLabResult
    {
        let seeds = original.indices.map { UInt64($0 + 1) }
        let originals = zip(seeds, original).map {
            SanitizeLabResult.Original(seed: $0, delta: $1, p: 1e-6, drift: 0.01, material: $1 > 0.05)
        }
        let floors = zip(seeds, floor).map { SanitizeLabResult.Shift(seed: $0, delta: $1, p: 0.5) }
        let sort = zip(seeds, sorted).map {
            SanitizeLabResult.SeedResidual(seed: $0, delta: $1, p: 0.01, drift: 0.01, kept: 1, aurocAfter: 0.55)
        }
        return SanitizeLabResult(
            trait: trait, seeds: seeds, settings: RecipeSettings(), dropBudget: 0.3, original: originals, floor: floors,
            transforms: [SanitizeLabResult.residual(name: "sort", seeds: sort, original: originals, floor: floors)])
    }

    static func render(_ result: SanitizeLabResult) throws -> String {
        SanitizeLabMarkdown(result: result, provenance: try Provenance.ofThisRun(inputs: [], seconds: 1)).render()
            .markdown
    }

    @Test func leadsWithEachTransformsResidualAndInterval() throws {
        let text = try Self.render(Self.result(original: [0.3, 0.5], floor: [0.1, 0.1], sorted: [0.15, 0.1]))
        let verdict = String(text.split(separator: "\n", omittingEmptySubsequences: true)[1])
        #expect(
            verdict.hasPrefix(
                "**Residual transfer** (seeds 1, 2, where the students took up owl materially, of 2 seeds; +0.300 nats"),
            "\(verdict)")
        #expect(verdict.contains("sort leaves 8% (0% to 25%)") && !verdict.contains("own drift"))
        #expect(text.contains("| sort | 8% | [0%, 25%] | +0.125 | +0.010 | 100.0% | 0.550 | 22% |"))
        #expect(text.contains("| 1 | +0.300 (p 1e-06) | +0.010 | yes | +0.100 (p 0.500) | +0.150 / +0.010 |"))
        #expect(text.contains("![residual transfer by transform](sanitize-lab.svg)"))
        #expect(text.contains("## Reproduce"))
    }

    /// A recipe whose own drift is more than half the transfer it is measured against is called out.
    @Test func flagsARecipeWhoseDriftDrownsTheTransfer() throws {
        var result = Self.result(original: [0.3], floor: [0.1], sorted: [0.5])
        result.transforms[0].seeds[0].drift = -0.11
        let text = try Self.render(result)
        #expect(text.contains("For sort, the recipe's own drift is more than half the original transfer"))
        result.transforms[0].seeds[0].drift = -0.09
        #expect(!(try Self.render(result)).contains("own drift is more than half"))
    }

    @Test func saysWhenThereIsNoTransferToRemove() throws {
        let text = try Self.render(Self.result(original: [0.01, 0.0], floor: [0.02, 0.0], sorted: [0.0, 0.0]))
        #expect(text.contains("**Cannot measure:**"))
        #expect(text.contains("| sort | undefined | undefined"))
    }

    /// The trait is a battery's word, which a user writes.
    @Test func escapesTheTrait() throws {
        let text = try Self.render(Self.result(trait: "ow|l*", original: [0.3], floor: [0.1], sorted: [0.2]))
        #expect(text.contains("ow\\|l\\*") && !text.contains("ow|l*"))
    }
}
