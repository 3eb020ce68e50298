import Foundation
import SubtextReport
import SubtextSupport
import Testing

@testable import SubtextStudents

/// transfer.md leads with the verdict that transfer.json records, and escapes the battery's names.
@Suite struct TransferMarkdownTests {
    private func render(materialShift: Double?) throws -> String {
        let trait = { (name: String, shift: Double, material: Bool) in
            TransferResult.Trait(
                name: name, shift: shift, ciLow: shift - 0.2, ciHigh: shift + 0.2, p: material ? 1e-5 : 0.4,
                q: material ? 2e-4 : 0.8, paraphraseP: 1e-6, paraphraseQ: 1e-5, noise: 0.1, detectable: 0.45,
                material: material)
        }
        var traits = [trait("cat", -0.1, false), trait("dog", 0.05, false)]
        if let materialShift { traits.append(trait("*owl*|", materialShift, true)) }
        let result = TransferResult(
            battery: "probes/favorite-animal.yaml", paraphrases: 52, students: [],
            noiseDegreesOfFreedom: 21.5, traits: traits, seconds: 1)
        return TransferMarkdown(result: result, provenance: try Provenance.ofThisRun(inputs: [], seconds: 1)).render()
            .markdown
    }

    @Test func aMaterialTraitLeadsEscaped() throws {
        let text = try render(materialShift: 0.9)
        let verdict = text.split(separator: "\n", omittingEmptySubsequences: true)[1]
        #expect(
            verdict.hasPrefix("**Transfer: a student of the teacher's data moved toward \\*owl\\*\\|.**"), "\(verdict)")
        #expect(verdict.contains("+0.900 [+0.700, +1.100] nats") && verdict.contains("0.100 nats"))
        #expect(
            text.contains(
                "| \\*owl\\*\\| | +0.900 | [+0.700, +1.100] | 1.0e-05 | 0.0002 | 1.0e-05 | 0.100 | 0.450 | yes |"))
        #expect(text.contains("21.5 degrees of freedom"))
    }

    @Test func noMaterialTraitSaysWhatCouldHaveBeenMissed() throws {
        let text = try render(materialShift: nil)
        #expect(text.contains("**No material transfer:**") && text.contains("The largest shift was dog, +0.050"))
        #expect(text.contains("could be there unseen: 0.450 nats for the median trait"))
    }
}
