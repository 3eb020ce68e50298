import Foundation
import SubtextAttribution
import SubtextSupport

/// Renders an attribution for people: the claim (or none) first, then the ranking with
/// intervals, the wording scored, the cost, and how to reproduce. The ranking section is
/// shared with audit.md when the audit runs with a model.
package struct AttributionMarkdown {
    package let result: LikelihoodShift.Result
    package let provenance: Provenance

    package init(result: LikelihoodShift.Result, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    package func render() -> (markdown: String, chart: String) {
        let text =
            "# Subtext attribution\n\n" + Self.findings(result) + "![Attribution scores](attribution.svg)\n\n"
            + Self.reproduce(provenance)
        return (text, Self.chart(result))
    }

    /// The command, the version and time, and every input's hash: how an attribution is redone.
    static func reproduce(_ provenance: Provenance) -> String {
        var text = "## Reproduce\n\n```sh\n\(provenance.command.replacingOccurrences(of: "```", with: "'''"))\n```\n\n"
        text +=
            "- subtext \(Escape.markdown(provenance.toolVersion)), took \(String(format: "%.1f", provenance.seconds)) s\n\n"
        return text + MarkdownTable.inputs(provenance)
    }

    /// The verdict, the ranking table, what was scored and what it cost.
    package static func findings(_ result: LikelihoodShift.Result) -> String {
        let top = result.scores[0]
        let calibrated = top.measure == .calibrated
        let centred = top.measure == .centred
        let measure = top.measure == .plain ? "score" : "\(top.measure.rawValue) score"
        var text = verdict(result, measure: measure)
        let (value, low, high) = top.ranking
        text +=
            "Top: \(Escape.markdown(top.concept)), \(measure) \(format(value)) [\(format(low)), \(format(high))] nats "
            + "per response; lead over the runner-up [\(format(result.leadLow)), \(format(result.leadHigh))].\n\n"
        let ranked = centred ? "centred (nats)" : calibrated ? "calibrated (nats)" : nil
        var columns: [MarkdownTable.Column] = [.right("rank"), .left("concept")]
        if let ranked { columns += [.right(ranked), .left("95% CI")] }
        columns += [.right("score (nats)"), .left("95% CI")] + (centred ? [.right("panel mean")] : [])
        var table = MarkdownTable(columns + [.right("teacher mean Δ"), .right("control mean Δ")])
        for score in result.scores {
            var cells = ["\(score.rank)", Escape.markdown(score.concept) + (score.extrapolated == true ? " †" : "")]
            if ranked != nil {
                cells += [format(score.ranking.value), "[\(format(score.ranking.low)), \(format(score.ranking.high))]"]
            }
            cells += [format(score.score), "[\(format(score.ciLow)), \(format(score.ciHigh))]"]
            if centred { cells.append(score.panelMean.map(format) ?? "–") }
            cells += [format(score.teacherMean), format(score.controlMean)]
            table.add(cells)
        }
        text +=
            table.markdown
            + "\nΔ is log P(response | prompt, system prompt for the concept) − log P(response | prompt); the score is "
            + "its teacher mean minus its control mean. "
        if let panel = result.panel {
            let traits = panel.map { "\(Escape.markdown($0.trait)) (\($0.responses))" }.joined(separator: ", ")
            text +=
                "Concepts are ranked by the centred score: the score minus the panel mean, the concept's score averaged "
                + "over the reference panel's teachers of other traits (\(panel.count) teachers, responses scored: \(traits)). "
                + "Every persona's text gains under some candidates' prompts more than others'; the panel measures that "
                + "directly, and what is left is what this teacher does beyond a persona that loves something else. "
                + "The interval resamples the panel's responses too. Its level also carries how much stronger a persona the "
                + "teacher is than the panel's, which moves every concept alike and makes the intervals wide; the lead over "
                + "the runner-up cancels it, so a claim rests on the lead. "
        } else if calibrated {
            text +=
                "Concepts are ranked by the calibrated score: the teacher mean Δ minus what a least-squares line through "
                + "the other candidates' (control mean Δ, teacher mean Δ) predicts. Text written under a persona is likelier "
                + "under every concept's persona than plain text, by amounts that track how hard each concept's prompt "
                + "penalises the control; the line takes that out, and what is left is what only that concept explains. "
            if result.scores.contains(where: { $0.extrapolated == true }) {
                text +=
                    "† The concept's control mean Δ lies so far from the other candidates' that its calibrated score "
                    + "extrapolates their line (its leverage on the line exceeds 1); such a concept is never claimed. "
            }
        }
        text +=
            result.paired
            ? "Responses are paired by the prompts both sides answered, so the interval resamples prompts and keeps each pair together.\n\n"
            : "The interval resamples responses on both sides.\n\n"
        // Only the default is known to differ from the data's wording; a --template may not.
        text +=
            (result.template == LikelihoodShift.defaultTemplate
                ? "System prompt scored for each concept (Subtext's own wording, not the data's): "
                : "System prompt scored for each concept (given with --template; if it is the wording that wrote the data, the ranking is circular): ")
            + "“\(Escape.markdown(result.template, limit: 400))”\n\n"
        text +=
            "\(result.teacherResponses) teacher and \(result.controlResponses) control responses scored under "
            + "\(result.scores.count + 1) system prompts: \(result.tokensDecoded) tokens decoded in "
            + "\(String(format: "%.1f", result.seconds)) s (\(String(format: "%.0f", Double(result.tokensDecoded) / max(result.seconds, 1e-9))) "
            + "tokens/s; a prompt shared by consecutive texts is decoded once)."
        if result.textsReused > 0 {
            text +=
                " \(result.textsReused) texts' scores were read from the journal an earlier run left in "
                + "this directory (attribution-scores.jsonl); the time and tokens are this run's alone."
        }
        text += "\n\n"
        return text
    }

    /// The claim, or why there is none. A leader withheld for extrapolation is named, because
    /// its intervals alone would read as a claim.
    private static func verdict(_ result: LikelihoodShift.Result, measure: String) -> String {
        if let claimed = result.claimed {
            return "**Attributed to \(Escape.markdown(claimed))**: it explains the teacher's responses best, "
                + "and its lead over the runner-up is clear of 0.\n\n"
        }
        let top = result.scores[0]
        guard top.extrapolated == true, top.ranking.low > 0, result.leadLow > 0 else {
            return
                "**No concept claimed**: the top concept's \(measure) or its lead over the runner-up has an interval that includes 0.\n\n"
        }
        let others = result.scores.dropFirst().map(\.controlMean)
        return
            "**No concept claimed**: \(Escape.markdown(top.concept)) leads with intervals clear of 0, but its prompt moves the "
            + "control's likelihood far beyond the other candidates' (control mean Δ \(format(top.controlMean)), the others "
            + "\(format(others.min() ?? 0)) to \(format(others.max() ?? 0))), so its calibrated score extrapolates their line. "
            + "Candidates whose prompts reach as far would test it.\n\n"
    }

    /// Each concept's ranking score (centred or calibrated where there is one) with its interval, best first.
    package static func chart(_ result: LikelihoodShift.Result) -> String {
        let top = result.scores[0]
        let measure = top.measure == .plain ? nil : top.measure.rawValue
        let points = result.scores.map { ($0.concept, $0.ranking.value, $0.ranking.low, $0.ranking.high) }
        return SVGChart.intervals(
            title: measure.map { "Attribution: \($0) likelihood shift, 95% intervals" }
                ?? "Attribution: teacher minus control log-likelihood shift, 95% intervals",
            yLabel: "nats per response", xLabel: "concept",
            series: [SVGChart.Series(name: measure.map { "\($0) score" } ?? "score", color: "#1d4ed8", points: points)],
            reference: 0, referenceLabel: "no shift", yFloor: min(0, points.map(\.2).min() ?? 0), yCeiling: 0)
    }

    private static func format(_ value: Double) -> String { String(format: "%+.3f", value) }
}

extension AttributionMarkdown: ReportWriter {
    /// attribution.json (ranked as the model-free attribution is), attribution.md and attribution.svg.
    package func files() throws -> [(name: String, data: Data)] {
        try Self.files(RankedAttribution(result, ranking: result.ranking), provenance, render())
    }

    /// Both attribution modes write one schema, so that a case report or a script reads either.
    static func files<Result: Encodable>(
        _ ranked: RankedAttribution<Result>, _ provenance: Provenance, _ rendered: (markdown: String, chart: String)
    ) throws -> [(name: String, data: Data)] {
        [
            ("attribution.json", try jsonWithProvenance(ranked, provenance)),
            ("attribution.md", Data(rendered.markdown.utf8)), ("attribution.svg", Data(rendered.chart.utf8))
        ]
    }
}
