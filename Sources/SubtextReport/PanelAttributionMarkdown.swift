import Foundation
import SubtextAttribution
import SubtextSupport

/// Renders a panel attribution for people: the claim (or why there is none), the ranking with
/// intervals, how the panel was read, and how to reproduce. Trait names come from file names
/// and go through ``Escape``.
package struct PanelAttributionMarkdown {
    package let result: PanelAttribution.Result
    package let provenance: Provenance

    package init(result: PanelAttribution.Result, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    package func render() -> (markdown: String, chart: String) {
        var text = "# Subtext attribution: which known trait\n\n" + verdict()
        var table = MarkdownTable(
            .right("rank"), .left("trait"), .right("score (nats per response)"), .left("95% CI"),
            .right("shift from the control"), .left("simultaneous 95% CI"))
        for candidate in result.candidates {
            table.add(
                "\(candidate.rank)", Escape.markdown(candidate.trait), format(candidate.score),
                "[\(format(candidate.scoreLow)), \(format(candidate.scoreHigh))]", format(candidate.shift),
                "[\(format(candidate.shiftLow)), \(format(candidate.shiftHigh))]")
        }
        text += table.markdown + "\n![Trait scores](attribution.svg)\n\n## How it was measured\n\n"
        let panel = result.panel.keys.sorted().map { "\(Escape.markdown($0)) (\(result.panel[$0]!))" }.joined(
            separator: ", ")
        text +=
            "Each panel trait is a model of the teacher's writing under that trait, built from its known dataset "
            + "(responses: \(panel)). Read as \(result.view == "numbers" ? "number lists: values, first and last digits, every digit, the first number's first and last digits, and first and last two digits, each family its own distribution" : "words"), "
            + "smoothed toward the panel's pooled counts (\(format(result.smoothing, digits: 0)) pseudo-counts a token). A "
            + "response's score for a trait is its log-likelihood under that trait minus the mean over the panel's "
            + "traits, so what all the panel's teachers share cancels. A trait's score is the mean over the "
            + "\(result.teacherResponses) teacher responses; its shift is that minus the mean over the "
            + "\(result.controlResponses) control responses. Intervals come from \(result.bootstrap) bootstrap replicates "
            + "resampling both sides and the panel (seed \(result.seed)): for scores, normal intervals centred on the score (a "
            + "resampled panel moves every score alike); for the lead, percentile intervals; for shifts, normal intervals that hold for all \(result.candidates.count) traits at once (Bonferroni), since the top trait is the "
            + "one the teacher happened to score highest on. No language model is involved.\n\n"
        text += AttributionMarkdown.reproduce(provenance)
        return (text, chart())
    }

    private func verdict() -> String {
        let top = result.candidates[0]
        let lead = "lead over the runner-up [\(format(result.leadLow)), \(format(result.leadHigh))]"
        if let claimed = result.claimed {
            return
                "**Attributed to \(Escape.markdown(claimed))**: of the panel's traits it fits the teacher's responses "
                + "best, its \(lead) is clear of 0, and the teacher moved toward it from the control (shift "
                + "\(format(top.shift)) [\(format(top.shiftLow)), \(format(top.shiftHigh))]).\n\n"
        }
        let why =
            result.leadLow <= 0
            ? "its \(lead) includes 0"
            : "the teacher is no closer to it than the control is (shift [\(format(top.shiftLow)), \(format(top.shiftHigh))] includes 0)"
        return
            "**No trait claimed**: \(Escape.markdown(top.trait)) fits best, but \(why). The trait may be none of the "
            + "panel's, or the data too few to tell.\n\n"
    }

    private func chart() -> String {
        let points = result.candidates.map { ($0.trait, $0.score, $0.scoreLow, $0.scoreHigh) }
        return SVGChart.intervals(
            title: "Attribution: teacher's mean centred log-likelihood per trait, 95% intervals",
            yLabel: "nats per response", xLabel: "trait",
            series: [SVGChart.Series(name: "score", color: "#1d4ed8", points: points)],
            reference: 0, referenceLabel: "panel mean", yFloor: min(0, points.map(\.2).min() ?? 0), yCeiling: 0)
    }

    private func format(_ value: Double, digits: Int = 3) -> String {
        String(format: digits == 0 ? "%.0f" : "%+.3f", value)
    }
}

extension PanelAttributionMarkdown: ReportWriter {
    /// attribution.json (ranked as the model-scored attribution is), attribution.md and attribution.svg.
    package func files() throws -> [(name: String, data: Data)] {
        try AttributionMarkdown.files(RankedAttribution(result, ranking: result.ranking), provenance, render())
    }
}
