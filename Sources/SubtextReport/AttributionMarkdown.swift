import Foundation
import SubtextAttribution

/// Renders an attribution for people: the claim (or none) first, then the ranking with
/// intervals, the wording scored, the cost, and how to reproduce.
public struct AttributionMarkdown {
    public let result: LikelihoodShift.Result
    public let command: String

    public init(result: LikelihoodShift.Result, command: String) {
        self.result = result
        self.command = command
    }

    public func render() -> String {
        var text = "# Subtext attribution\n\n"
        let top = result.scores[0]
        text += result.claimed.map { "**Attributed to \(Escape.markdown($0))**: it explains the teacher's responses best, " }
            ?? "**No concept claimed**: "
        text += result.claimed == nil
            ? "the top concept's score or its lead over the runner-up has an interval that includes 0.\n\n"
            : "and its lead over the runner-up is clear of 0.\n\n"
        text += "Top: \(Escape.markdown(top.concept)) \(format(top.score)) [\(format(top.ciLow)), \(format(top.ciHigh))] nats "
            + "per response; lead over the runner-up [\(format(result.leadLow)), \(format(result.leadHigh))].\n\n"
        text += "| rank | concept | score (nats) | 95% CI | teacher mean Δ | control mean Δ |\n|---:|---|---:|---|---:|---:|\n"
        for score in result.scores {
            text += "| \(score.rank) | \(Escape.markdown(score.concept)) | \(format(score.score)) | "
                + "[\(format(score.ciLow)), \(format(score.ciHigh))] | \(format(score.teacherMean)) | \(format(score.controlMean)) |\n"
        }
        text += "\nΔ is log P(response | prompt, system prompt for the concept) − log P(response | prompt); the score is "
            + "its teacher mean minus its control mean, and the interval resamples responses on both sides.\n\n"
        text += "System prompt scored for each concept (Subtext's own wording, not the data's): "
            + "“\(Escape.markdown(result.template, limit: 400))”\n\n"
        text += "\(result.teacherResponses) teacher and \(result.controlResponses) control responses; "
            + "\(result.tokensScored) tokens scored in \(String(format: "%.1f", result.seconds)) s "
            + "(\(String(format: "%.0f", Double(result.tokensScored) / max(result.seconds, 1e-9))) tokens/s).\n"
        text += "\n## Reproduce\n\n```sh\n\(command.replacingOccurrences(of: "```", with: "'''"))\n```\n"
        return text
    }

    private func format(_ value: Double) -> String { String(format: "%+.3f", value) }
}
