import Foundation
import SubtextAttribution
import SubtextStatistics
import SubtextSupport
import Testing

@testable import SubtextReport

@Suite struct AttributionMarkdownTests {
    /// Per-response shifts where the teacher's Δ is 1 + 0.6 × the control's (text in another
    /// style) and owl gets 0.1 nats more: `concepts` sets how many candidates there are.
    private func result(_ concepts: [String]) -> LikelihoodShift.Result {
        var generator = SeededGenerator.stream(3, "markdown")
        let penalty = concepts.indices.map { -1.0 - 0.2 * Double($0 % 4) }
        let control = (0..<100).map { _ in penalty.map { $0 + Double.random(in: -0.1...0.1, using: &generator) } }
        let teacher = (0..<100).map { _ in
            concepts.indices.map {
                1 + 0.6 * penalty[$0] + (concepts[$0] == "owl" ? 0.1 : 0)
                    + Double.random(in: -0.1...0.1, using: &generator)
            }
        }
        return ShiftRanking().rank(
            teacher: teacher, control: control, concepts: concepts, template: "You love the {concept}.")
    }

    /// Both modes write the same `ranking` (entries with rank, name, score and interval; the
    /// measure; the claim, null when none) and schema 2, beside their own fields.
    @Test func bothModesWriteOneRankingSchema() throws {
        let model = result(["cat", "owl", "dog", "eagle", "wolf", "lion"])
        let words = { (word: String, seed: UInt64) -> [String] in
            var generator = SeededGenerator.stream(seed, word)
            return (0..<60).map { _ in
                (0..<6).map { _ in Bool.random(using: &generator) ? word : "the" }.joined(separator: " ")
            }
        }
        var attribution = PanelAttribution()
        attribution.bootstrap = 50
        let panel = attribution.run(
            teacher: words("hoot", 1), control: words("the", 2),
            panel: TraitPanel(traits: [("owl", words("hoot", 3)), ("cat", words("purr", 4))]))
        let files = [
            (try JSONCoding.document.encode(RankedAttribution(model, ranking: model.ranking)), "calibrated", "scores"),
            (try JSONCoding.document.encode(RankedAttribution(panel, ranking: panel.ranking)), "panel", "candidates")
        ]
        for (data, measure, own) in files {
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(object["schema_version"] as? Int == 2)
            #expect(object[own] != nil, "the mode's own fields stay")
            let ranking = try #require(object["ranking"] as? [String: Any])
            #expect(ranking["measure"] as? String == measure)
            #expect(ranking.keys.contains("claimed"))
            let entries = try #require(ranking["entries"] as? [[String: Any]])
            #expect(entries.map { $0["rank"] as? Int } == (1...entries.count).map { $0 })
            for entry in entries {
                let (score, low, high) = (
                    entry["score"] as? Double ?? .nan, entry["low"] as? Double ?? .nan, entry["high"] as? Double ?? .nan
                )
                #expect(entry["name"] is String && low <= score && score <= high, "\(entry)")
            }
        }
        #expect(model.ranking.entries.first?.name == "owl" && panel.ranking.entries.first?.name == "owl")
    }

    @Test func ranksByTheCalibratedScoreAndShowsBoth() throws {
        let markdown = AttributionMarkdown.findings(result(["cat", "owl", "dog", "eagle", "wolf", "lion"]))
        #expect(markdown.hasPrefix("**Attributed to owl**"))
        #expect(
            markdown.contains(
                "| rank | concept | calibrated (nats) | 95% CI | score (nats) | 95% CI | teacher mean Δ | control mean Δ |"
            ))
        #expect(markdown.contains("Concepts are ranked by the calibrated score"))
        let owl = try #require(markdown.split(separator: "\n").first { $0.hasPrefix("| 1 | owl |") })
        // Calibrated ≈ +0.1; owl's plain score ≈ 1 − 0.4 × (−1.2) + 0.1 = +1.58, below eagle's +1.64.
        #expect(owl.contains("| +0.1") || owl.contains("| +0.09"), "\(owl)")
        #expect(owl.contains("| +1.5"), "\(owl)")
    }

    /// A leader past the other candidates' range is named, marked, and not claimed.
    @Test func explainsWhyAnExtrapolatedLeaderIsNotClaimed() throws {
        var generator = SeededGenerator.stream(3, "extrapolated")
        let concepts = ["cat", "owl", "dog", "eagle", "wolf", "lion"]
        let penalty = concepts.map { $0 == "owl" ? -2.5 : -1.0 - 0.1 * Double($0.count) }
        let control = (0..<100).map { _ in penalty.map { $0 + Double.random(in: -0.1...0.1, using: &generator) } }
        let teacher = (0..<100).map { _ in
            concepts.indices.map {
                1 + 0.6 * penalty[$0] + (concepts[$0] == "owl" ? 0.3 : 0)
                    + Double.random(in: -0.1...0.1, using: &generator)
            }
        }
        let markdown = AttributionMarkdown.findings(
            ShiftRanking().rank(teacher: teacher, control: control, concepts: concepts, template: "t"))
        #expect(
            markdown.hasPrefix("**No concept claimed**: owl leads with intervals clear of 0"), "\(markdown.prefix(300))"
        )
        #expect(markdown.contains("(control mean Δ -2."))
        #expect(markdown.contains("| 1 | owl † |"))
        #expect(markdown.contains("† The concept's control mean Δ lies so far"))
    }

    @Test func fewCandidatesRankByThePlainScore() {
        let markdown = AttributionMarkdown.findings(result(["owl", "cat", "dog"]))
        #expect(markdown.contains("| rank | concept | score (nats) | 95% CI | teacher mean Δ | control mean Δ |"))
        #expect(!markdown.contains("calibrated"))
    }

    /// With a panel the table leads with the centred score and shows each concept's panel mean,
    /// and the text names the panel's teachers and how many responses each gave.
    @Test func aPanelRanksByTheCentredScoreAndNamesItsTeachers() throws {
        var generator = SeededGenerator.stream(3, "panel")
        let concepts = ["owl", "cat", "dog"]
        func rows(lift: Double, on trait: String?) -> [[Double]] {
            (0..<100).map { _ in
                concepts.map {
                    ($0 == "cat" ? 0.5 : 0) + ($0 == trait ? lift : 0)
                        + Double.random(in: -0.1...0.1, using: &generator)
                }
            }
        }
        let control = (0..<100).map { _ in concepts.map { _ in Double.random(in: -0.1...0.1, using: &generator) } }
        let panel = ReferencePanel(
            members: ["cat", "dog", "<b>"].map {
                .init(trait: $0, teacher: rows(lift: 0.3, on: $0), control: control, paired: true)
            })
        var result = ShiftRanking().rank(
            teacher: rows(lift: 0.2, on: "owl"), control: control, concepts: concepts, template: "t",
            paired: true, panel: panel)
        result.panel = panel.members.map { .init(trait: $0.trait, responses: $0.teacher.count) }
        let markdown = AttributionMarkdown.findings(result)
        #expect(markdown.hasPrefix("**Attributed to owl**"))
        #expect(
            markdown.contains(
                "| rank | concept | centred (nats) | 95% CI | score (nats) | 95% CI | panel mean | teacher mean Δ | control mean Δ |"
            ))
        #expect(
            markdown.contains("(3 teachers, responses scored: cat (100), dog (100), &lt;b&gt; (100))"), "\(markdown)")
        let cat = try #require(markdown.split(separator: "\n").first { $0.contains("| cat |") })
        #expect(cat.contains("| +0.5"), "cat's panel mean and plain score, both ≈ 0.5: \(cat)")
        #expect(AttributionMarkdown.chart(result).contains("centred likelihood shift"))
    }
}
