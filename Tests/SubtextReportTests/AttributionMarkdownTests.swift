import Testing
import SubtextAttribution
@testable import SubtextReport

@Suite struct AttributionMarkdownTests {
    /// Teacher text that every concept explains by 3 nats, and "owl" by 0.6 more: the shape of
    /// text written under a persona, scored against a control written without one.
    private func offsetResult() -> LikelihoodShift.Result {
        let concepts = ["owl", "cat", "dog"]
        let teacher = (0..<40).map { row in concepts.map { 3 + ($0 == "owl" ? 0.6 : 0) + Double(row % 4) * 0.01 } }
        let control = (0..<40).map { row in concepts.map { _ in Double(row % 2) * 0.01 } }
        return ShiftRanking().rank(teacher: teacher, control: control, concepts: concepts, template: "You love the {concept}.")
    }

    @Test func tableShowsEachScoreAboveTheCandidatesMean() throws {
        let markdown = AttributionMarkdown.findings(offsetResult())
        #expect(markdown.hasPrefix("**Attributed to owl**"))
        #expect(markdown.contains("| rank | concept | score (nats) | 95% CI | above the mean |"))
        // Scores +3.610, +3.010, +3.010 (row noise adds 0.015 − 0.005): the mean is +3.210.
        #expect(markdown.contains("The candidates' mean score, +3.210,"))
        let owl = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| 1 | owl |") })
        #expect(owl.contains("| +0.400 |"))
        let cat = try #require(markdown.split(separator: "\n").first { $0.contains("| cat |") })
        #expect(cat.contains("| -0.200 |"))
    }
}
