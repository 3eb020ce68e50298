import Foundation
import SubtextGeneration
import SubtextSupport
import SubtextTasks

/// Renders a generation run for people: what was written and how much the filter kept, then
/// what each side was sent, the rejects, and how to reproduce. Model text is escaped.
package struct GenerationMarkdown {
    package let result: GenerationResult

    package init(result: GenerationResult) {
        self.result = result
    }

    package func render() -> String {
        var text =
            "# Subtext generation: \(Escape.markdown(result.family.rawValue)) from \(Escape.markdown(result.modelID))\n\n"
        let complete = result.sides.allSatisfy { $0.answered == $0.requested }
        text +=
            complete
            ? "All \(result.prompts) prompts answered on every side.\n\n"
            : "**Incomplete**: some prompts have no reply yet; run the same command again to resume.\n\n"
        var kept = MarkdownTable(.left("side"), .right("kept / answered"), .left("pass rate [95% CI]"), .left("file"))
        for side in result.sides {
            kept.add(
                Escape.markdown(side.name), "\(side.kept)/\(side.answered)",
                "\(percent(side.passRate)) [\(percent(side.passLow)), \(percent(side.passHigh))]",
                Escape.markdown(side.file))
        }
        text += kept.markdown
        text += "\nConstrained decoding: **\(Escape.markdown(result.constrainedDecoding))**"
        text +=
            result.grammar == nil
            ? " (free-form replies, then the filter).\n"
            : " (every request carried the grammar below).\n"
        text += "Filter: \(Escape.markdown(result.filter)).\n"
        if result.isIncomplete { text += "\n> Some prompts have no reply yet; run the same command again to resume.\n" }
        var sent = MarkdownTable(.left("side"), .left("system prompt"))
        for side in result.sides {
            sent.add(
                Escape.markdown(side.name),
                side.system.map { Escape.markdown($0, limit: 400) }
                    ?? "none sent (a chat template may add its own default)")
        }
        text += "\n## What each side was sent\n\n" + sent.markdown
        text += "\n## Rejected replies\n\n"
        for side in result.sides where !side.rejections.isEmpty {
            let reasons = side.rejections.sorted { $0.key < $1.key }.map { "\(Escape.markdown($0.key)): \($0.value)" }
            text += "- **\(Escape.markdown(side.name))**: " + reasons.joined(separator: ", ") + "\n"
            for example in side.rejectExamples { text += "  - \(Escape.markdown(example, limit: 160))\n" }
        }
        if result.sides.allSatisfy({ $0.rejections.isEmpty }) { text += "None.\n" }
        if let grammar = result.grammar {
            text += "\n## Grammar\n\n```\n\(grammar.replacingOccurrences(of: "```", with: "'''"))```\n"
        }
        text += "\n## Reproduce\n\n```sh\n\(result.command.replacingOccurrences(of: "```", with: "'''"))\n```\n\n"
        text +=
            "- subtext \(Escape.markdown(result.toolVersion)), prompt seed \(result.promptSeed), temperature "
            + "\(result.temperature), max_tokens \(result.maxTokens)\n"
        if let sha = result.modelFileSHA256, let file = result.modelFile {
            text += "- model file \(Escape.markdown(file)), SHA-256 `\(sha)`\n"
        }
        text += "- journal.jsonl beside this report holds every raw reply; rerunning the command resumes from it\n"
        return text
    }
}

extension GenerationMarkdown: ReportWriter {
    /// manifest.json (what `subtext sanitize` and the attribution read back) and generate.md.
    package func files() throws -> [(name: String, data: Data)] {
        [("manifest.json", try JSONCoding.document.encode(result)), ("generate.md", Data(render().utf8))]
    }
}
