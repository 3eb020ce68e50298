import Foundation
import Testing
import SubtextLab
import SubtextReport
import SubtextSupport

/// lab.md's headline applies the material rule, not p < 0.01 alone.
@Suite struct LabMarkdownTests {
    private func headline(delta: Double, drift: Double, unit: String = "nats", p: Double = 0.001) throws -> String {
        String(try markdown(delta: delta, drift: drift, unit: unit, p: p).split(separator: "\n", omittingEmptySubsequences: true)[1])
    }

    private func markdown(delta: Double, drift: Double, unit: String = "nats", p: Double = 0.001) throws -> String {
        let comparison = { (name: String, delta: Double, p: Double) in
            LabSummary.Comparison(name: name, studentRate: 0.2, studentCount: 50, controlRate: 0.1, controlCount: 50,
                                  unit: unit, delta: delta, ciLow: delta - 0.01, ciHigh: delta + 0.01, p: p, fisherP: nil)
        }
        let summary = LabSummary(seed: 1, trait: "owl", settings: RecipeSettings(), teacherPassRate: 1, controlPassRate: 1,
                                 teacherRejects: [], teacherDivergence: 0.01,
                                 comparisons: [comparison("transfer", delta, p), comparison(LabRun.twoControls, drift, 0.5)],
                                 seconds: 1)
        let provenance = try Provenance.ofThisRun(inputs: [], seconds: 1)
        return LabMarkdown(summary: summary, provenance: provenance).render().markdown
    }

    /// With no transfer, the drift is reported without being set against the shift.
    @Test func noTransferIsNotComparedWithTheDrift() throws {
        let text = try markdown(delta: 0.3, drift: 0.01, p: 0.5)
        #expect(text.contains("**Transfer: not shown.**"))
        #expect(text.contains("differ by +0.010 nats.") && !text.contains("twice that drift"))
    }

    @Test func aLargeShiftBeyondTheDriftIsMaterial() throws {
        #expect(try headline(delta: 0.3, drift: 0.01).hasPrefix("**Transfer: material.**"))
    }

    /// +0.010 nats at p < 0.01 was once headlined "Transfer: yes".
    @Test func aTinySignificantShiftIsNotMaterial() throws {
        let text = try headline(delta: 0.010, drift: 0.001)
        #expect(text.hasPrefix("**Transfer: not material.**"))
        #expect(text.contains("below 0.05 nats"))
    }

    @Test func aShiftWithinTwiceTheDriftIsNotMaterial() throws {
        let text = try headline(delta: 0.3, drift: 0.2)
        #expect(text.hasPrefix("**Transfer: not material.**") && text.contains("less than twice the drift"))
        #expect(!(try headline(delta: 0.3, drift: 0.0001, p: 0.2)).contains("material"))
    }

    /// No ratio against the drift is printed: a drift near zero would make any ratio look huge.
    @Test func noRatioAgainstTheDrift() throws {
        let comparison = LabSummary.Comparison(name: "transfer", studentRate: 0.2, studentCount: 50, controlRate: 0.1,
                                               controlCount: 50, unit: "nats", delta: 0.3, ciLow: 0.2, ciHigh: 0.4, p: 0.001,
                                               fisherP: nil)
        let drift = LabSummary.Comparison(name: LabRun.twoControls, studentRate: 0.1, studentCount: 50, controlRate: 0.1,
                                          controlCount: 50, unit: "nats", delta: 0.00001, ciLow: 0, ciHigh: 0, p: 0.9,
                                          fisherP: nil)
        let summary = LabSummary(seed: 1, trait: "owl", settings: RecipeSettings(), teacherPassRate: 1, controlPassRate: 1,
                                 teacherRejects: [], teacherDivergence: 0.01, comparisons: [comparison, drift], seconds: 1)
        let markdown = LabMarkdown(summary: summary, provenance: try Provenance.ofThisRun(inputs: [], seconds: 1)).render().markdown
        #expect(!markdown.contains("×"))
    }
}
