import Foundation
import SubtextAttribution

/// Renders an attribution for people: the claim (or none) first, then the ranking with
/// intervals, the wording scored, the cost, and how to reproduce. The ranking section is
/// shared with audit.md when the audit runs with a model.
public struct AttributionMarkdown {
    public let result: LikelihoodShift.Result
    public let provenance: Provenance

    public init(result: LikelihoodShift.Result, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    public func render() -> (markdown: String, chart: String) {
        var text = "# Subtext attribution\n\n" + Self.findings(result) + "![Attribution scores](attribution.svg)\n\n"
        text += "## Reproduce\n\n```sh\n\(provenance.command.replacingOccurrences(of: "```", with: "'''"))\n```\n\n"
        text += "- subtext \(Escape.markdown(provenance.toolVersion)), took \(String(format: "%.1f", provenance.seconds)) s\n\n"
        text += "| input | SHA-256 |\n|---|---|\n"
        for input in provenance.inputs { text += "| \(Escape.markdown(input.path)) | `\(input.sha256)` |\n" }
        return (text, Self.chart(result))
    }

    /// The verdict, the ranking table, what was scored and what it cost.
    public static func findings(_ result: LikelihoodShift.Result) -> String {
        let top = result.scores[0]
        var text = result.claimed.map { "**Attributed to \(Escape.markdown($0))**: it explains the teacher's responses best, "
            + "and its lead over the runner-up is clear of 0.\n\n" }
            ?? "**No concept claimed**: the top concept's score or its lead over the runner-up has an interval that includes 0.\n\n"
        text += "Top: \(Escape.markdown(top.concept)) \(format(top.score)) [\(format(top.ciLow)), \(format(top.ciHigh))] nats "
            + "per response; lead over the runner-up [\(format(result.leadLow)), \(format(result.leadHigh))].\n\n"
        // Teacher text written under a persona is likelier under every concept's persona than control
        // text is, so all scores can share a large offset; what tells concepts apart is each score's
        // distance from it.
        let offset = result.scores.map(\.score).reduce(0, +) / Double(result.scores.count)
        text += "| rank | concept | score (nats) | 95% CI | above the mean | teacher mean Δ | control mean Δ |\n"
            + "|---:|---|---:|---|---:|---:|---:|\n"
        for score in result.scores {
            text += "| \(score.rank) | \(Escape.markdown(score.concept)) | \(format(score.score)) | "
                + "[\(format(score.ciLow)), \(format(score.ciHigh))] | \(format(score.score - offset)) | "
                + "\(format(score.teacherMean)) | \(format(score.controlMean)) |\n"
        }
        text += "\nΔ is log P(response | prompt, system prompt for the concept) − log P(response | prompt); the score is "
            + "its teacher mean minus its control mean. The candidates' mean score, \(format(offset)), is what any "
            + "concept explains; \"above the mean\" is the part only that concept explains. "
            + (result.paired
                ? "Responses are paired by the prompts both sides answered, so the interval resamples prompts and keeps each pair together.\n\n"
                : "The interval resamples responses on both sides.\n\n")
        // Only the default is known to differ from the data's wording; a --template may not.
        text += (result.template == LikelihoodShift.defaultTemplate
            ? "System prompt scored for each concept (Subtext's own wording, not the data's): "
            : "System prompt scored for each concept (given with --template; if it is the wording that wrote the data, the ranking is circular): ")
            + "“\(Escape.markdown(result.template, limit: 400))”\n\n"
        text += "\(result.teacherResponses) teacher and \(result.controlResponses) control responses scored under "
            + "\(result.scores.count + 1) system prompts: \(result.tokensDecoded) tokens decoded in "
            + "\(String(format: "%.1f", result.seconds)) s (\(String(format: "%.0f", Double(result.tokensDecoded) / max(result.seconds, 1e-9))) "
            + "tokens/s; a prompt shared by consecutive texts is decoded once)."
        if result.textsReused > 0 {
            let texts = (result.teacherResponses + result.controlResponses) * (result.scores.count + 1)
            text += " \(result.textsReused) of the \(texts) texts' scores were read from the journal an earlier run left in "
                + "this directory (attribution-scores.jsonl); the time and tokens are this run's alone."
        }
        text += "\n\n"
        return text
    }

    /// Each concept's score with its interval, best first.
    public static func chart(_ result: LikelihoodShift.Result) -> String {
        SVGChart.intervals(
            title: "Attribution: teacher minus control log-likelihood shift, 95% intervals", yLabel: "nats per response",
            xLabel: "concept", series: [SVGChart.Series(name: "score", color: "#1d4ed8", points: result.scores.map {
                ($0.concept, $0.score, $0.ciLow, $0.ciHigh)
            })], reference: 0, referenceLabel: "no shift", yFloor: min(0, result.scores.map(\.ciLow).min() ?? 0), yCeiling: 0)
    }

    private static func format(_ value: Double) -> String { String(format: "%+.3f", value) }
}

/// Writes attribution.md, attribution.json (the result plus `provenance`) and attribution.svg,
/// each through a temporary file and a rename.
public struct AttributionReportWriter {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    @discardableResult
    public func write(_ result: LikelihoodShift.Result, provenance: Provenance) throws -> [String] {
        let rendered = AttributionMarkdown(result: result, provenance: provenance).render()
        return try writeReportFiles([("attribution.json", try jsonWithProvenance(result, provenance)),
                                     ("attribution.md", Data(rendered.markdown.utf8)),
                                     ("attribution.svg", Data(rendered.chart.utf8))], to: directory)
    }
}
