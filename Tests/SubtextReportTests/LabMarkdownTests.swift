import Foundation
import SubtextLab
import SubtextProbes
import SubtextReport
import SubtextSupport
import Testing

/// lab.md's headline applies the material rule, not p < 0.01 alone.
@Suite struct LabMarkdownTests {
    private func headline(delta: Double, drift: Double, unit: ProbeResult.Unit = .nats, p: Double = 0.001) throws
        -> String
    {
        String(
            try markdown(delta: delta, drift: drift, unit: unit, p: p).split(
                separator: "\n", omittingEmptySubsequences: true)[1])
    }

    private func summary(delta: Double, drift: Double, unit: ProbeResult.Unit = .nats, p: Double = 0.001) -> LabSummary
    {
        let comparison = { (name: String, delta: Double, p: Double) in
            LabSummary.Comparison(
                name: name, studentRate: 0.2, studentCount: 50, controlRate: 0.1, controlCount: 50,
                unit: unit, delta: delta, ciLow: delta - 0.01, ciHigh: delta + 0.01, p: p, fisherP: nil)
        }
        return LabSummary(
            seed: 1, trait: "owl", settings: RecipeSettings(), teacherPassRate: 1, controlPassRate: 1,
            teacherRejects: [], teacherDivergence: 0.01,
            comparisons: [comparison("transfer", delta, p), comparison(LabRun.twoControls, drift, 0.5)], seconds: 1)
    }

    private func markdown(delta: Double, drift: Double, unit: ProbeResult.Unit = .nats, p: Double = 0.001) throws
        -> String
    {
        let provenance = try Provenance.ofThisRun(inputs: [], seconds: 1)
        return LabMarkdown(summary: summary(delta: delta, drift: drift, unit: unit, p: p), provenance: provenance)
            .render().markdown
    }

    /// lab.json carries each pair's verdict, its drift and what it missed, and the rule's
    /// thresholds, so that scripts read the verdict instead of re-deriving it.
    @Test func labJSONCarriesTheVerdict() throws {
        let encode = { (summary: LabSummary) throws -> [String: Any] in
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as! [String: Any]
        }
        let within = try encode(summary(delta: 0.03, drift: 0.2))
        let pairs = within["comparisons"] as! [[String: Any]]
        #expect(pairs[0]["material"] as? Bool == false && pairs[0]["drift"] as? Double == 0.2)
        #expect(pairs[0]["shortfalls"] as? [String] == ["drift", "size"])
        #expect(pairs[1]["material"] == nil && pairs[1]["shortfalls"] == nil, "the two-controls row is not judged")
        let rule = within["material_rule"] as! [String: Double]
        #expect(rule == ["p": 0.01, "drift_factor": 2, "nats": 0.05])
        let material = (try encode(summary(delta: 0.3, drift: 0.01))["comparisons"] as! [[String: Any]])[0]
        #expect(material["material"] as? Bool == true && material["shortfalls"] as? [String] == [])
        let untested = (try encode(summary(delta: 0.3, drift: 0.01, p: 0.2))["comparisons"] as! [[String: Any]])[0]
        #expect(untested["shortfalls"] as? [String] == ["test"])
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
        let comparison = LabSummary.Comparison(
            name: "transfer", studentRate: 0.2, studentCount: 50, controlRate: 0.1,
            controlCount: 50, unit: .nats, delta: 0.3, ciLow: 0.2, ciHigh: 0.4, p: 0.001,
            fisherP: nil)
        let drift = LabSummary.Comparison(
            name: LabRun.twoControls, studentRate: 0.1, studentCount: 50, controlRate: 0.1,
            controlCount: 50, unit: .nats, delta: 0.00001, ciLow: 0, ciHigh: 0, p: 0.9,
            fisherP: nil)
        let summary = LabSummary(
            seed: 1, trait: "owl", settings: RecipeSettings(), teacherPassRate: 1, controlPassRate: 1,
            teacherRejects: [], teacherDivergence: 0.01, comparisons: [comparison, drift], seconds: 1)
        let markdown = LabMarkdown(summary: summary, provenance: try Provenance.ofThisRun(inputs: [], seconds: 1))
            .render().markdown
        #expect(!markdown.contains("×"))
    }
}
