import Foundation
import SubtextAudit
import SubtextSanitize
import SubtextSupport
import SubtextTasks

/// Renders a sanitize run for people: whether the audit still finds a channel after cleaning
/// and at what cost in rows, the before/after audits side by side, each side's manifest, the
/// carriers left, and how to reproduce. Carrier tokens come from the data and are escaped.
package struct SanitizeMarkdown {
    package let result: SanitizeResult
    package let provenance: Provenance

    package init(result: SanitizeResult, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    package func render() -> (markdown: String, chart: String?) {
        var text = "# Subtext sanitize: what cleaning left\n\n" + verdict()
        if let before = result.before, let after = result.after {
            text += audits(before, after)
            text += "\n![AUROC before and after](sanitize.svg)\n\n"
            text += carriersLeft(after)
        }
        text += manifest()
        text += method()
        text += AttributionMarkdown.reproduce(provenance)
        return (text, result.before.flatMap { before in result.after.map { chart(before, $0) } })
    }

    private var kept: String {
        "kept \(result.rowsOut) of \(result.rowsIn) teacher rows (\(percent(Double(result.rowsOut) / Double(max(result.rowsIn, 1))))), "
            + "\(percent(result.validShare)) of them valid under the generation filter"
    }

    private func verdict() -> String {
        let transforms = result.transforms.map(\.rawValue).joined(separator: ", ")
        guard let before = result.before, let after = result.after else {
            return "**Sanitized without an audit** (\(transforms)): no control was given, so nothing says whether a "
                + "channel was there or is left; \(kept).\n\n"
        }
        let k = Self.largestK(after)
        let auroc = { (audit: AuditSnapshot) in
            audit.auroc[k].map { "AUROC at K = \(k) " + String(format: "%.3f", $0) } ?? "AUROC at K = \(k) not computed"
        }
        let summary =
            "before: \(before.verdict == .signal ? "signal" : "no signal") (p = \(p(before.pValue)), \(auroc(before))); "
            + "after: \(after.verdict == .signal ? "signal" : "no signal") (p = \(p(after.pValue)), \(auroc(after)))"
        let lead: String
        switch (before.verdict, after.verdict) {
        case (_, .signal): lead = "**A channel is left** after \(transforms)"
        case (.signal, .noSignal): lead = "**No channel detected after \(transforms)**"
        case (.noSignal, .noSignal): lead = "**No channel detected before or after** \(transforms)"
        }
        return "\(lead): \(summary); \(kept).\n\n"
            + "No signal after sanitizing means the audit cannot tell the cleaned teacher from the cleaned control at "
            + "this size; it does not prove that a student trained on it learns nothing. Only a fine-tuned student "
            + "can show that (`subtext lab sanitize` measures it on organisms).\n\n"
    }

    private func audits(_ before: AuditSnapshot, _ after: AuditSnapshot) -> String {
        let sizes = before.auroc.sizes
        var table = MarkdownTable(
            [.left("audit"), .left("verdict"), .right("p")] + sizes.map { .left("AUROC K=\($0) [95% CI]") }
                + [.right("significant carriers"), .left("responses (teacher / control)")])
        let afterName = result.afterScope == .all ? "after" : "after (held-out half)"
        for (name, audit) in [("before", before), (afterName, after)] {
            let aurocs = sizes.map { k -> String in
                guard let value = audit.auroc[k] else { return "—" }
                let ci =
                    audit.aurocCI[k].map { " [\(String(format: "%.3f", $0[0])), \(String(format: "%.3f", $0[1]))]" }
                    ?? ""
                return String(format: "%.3f", value) + ci
            }
            table.add(
                [name, audit.verdict == .signal ? "signal" : "no signal", p(audit.pValue)] + aurocs
                    + ["\(audit.carriersSignificant)", "\(audit.teacherResponses) / \(audit.controlResponses)"])
        }
        return table.markdown
    }

    private func carriersLeft(_ after: AuditSnapshot) -> String {
        guard !after.carriers.isEmpty else {
            return "No token is significantly over-represented in the sanitized teacher.\n\n"
        }
        let text =
            "## Carriers left\n\nTokens still over-represented in the sanitized teacher (q < 0.05), strongest first:\n\n"
        var table = MarkdownTable(
            .left("token"), .right("teacher responses with it"), .right("control responses with it"), .right("z"),
            .right("q"))
        for carrier in after.carriers {
            table.add(
                Escape.markdown(carrier.token, limit: 40), "\(carrier.teacherDocuments) of \(after.teacherResponses)",
                "\(carrier.controlDocuments) of \(after.controlResponses)", String(format: "%.1f", carrier.z),
                p(carrier.q))
        }
        return text + table.markdown + "\n"
    }

    private func manifest() -> String {
        var table = MarkdownTable(
            .left("side"), .right("rows in"), .right("rows out"), .right("dropped"), .right("malformed skipped"),
            .right("responses rewritten"), .right("numbers changed"), .right("valid before"), .right("valid after"))
        for (name, side) in [("teacher", result.teacher), ("control", result.control)] {
            guard let side else { continue }
            table.add(
                name, "\(side.rowsIn)", "\(side.rowsOut)", "\(side.rowsDropped)", "\(side.malformedSkipped)",
                "\(side.responsesChanged)", "\(side.valuesChanged)",
                percent(Double(side.validBefore) / Double(max(side.rowsIn, 1))),
                percent(Double(side.validAfter) / Double(max(side.rowsOut, 1))))
        }
        let outputs = [result.teacher, result.control].compactMap { $0.map { Escape.markdown($0.output) } }
        return "## What changed\n\n" + table.markdown
            + "\nWritten in the input's own shape (every field but the generated text as it was): "
            + outputs.joined(separator: " and ") + ".\n\n"
    }

    private func method() -> String {
        var text = "## How it was done\n\n"
        var descriptions: [Transform: String] = [
            .format: "**format** wrote each number list as its numbers joined by \", \"",
            .sort: "**sort** put the numbers of each number list in ascending order, in the places they held",
            .remap:
                "**remap** sent every number of at most three digits through one permutation of 0–999 (seed \(result.seed))",
            .drop: "**drop** removed the teacher responses scored most teacher-like"
        ]
        if let divergence = result.divergence {
            let changed = [("teacher", result.teacher.tokensChanged), ("control", result.control?.tokensChanged)]
                .compactMap { side, count in count.map { "\($0) \(side)" } }.joined(separator: " and ")
            let model = Escape.markdown(divergence.model)
            let system = divergence.teacherSystem.map {
                "the teacher's system prompt (“\(Escape.markdown($0, limit: 200))”)"
            }
            let read =
                divergence.teacherModel.map { teacher in
                    "through the teacher \(Escape.markdown(teacher))" + (system.map { " with \($0)" } ?? "")
                        + " and its base \(model)"
                } ?? "through \(model) twice, with \(system ?? "no system prompt") and without one"
            descriptions[.divergence] =
                "**divergence** read every response teacher-forced \(read), "
                + "and replaced the number tokens whose two next-token distributions differ most (KL divergence "
                + "above \(String(format: "%.4f", divergence.threshold)) nats: the top \(percent(divergence.share)) of the teacher's "
                + "\(divergence.tokensScored["teacher"] ?? 0) number tokens) by the base's own likeliest number token of the same shape, "
                + "on both sides; \(changed) tokens changed (where the base's own choice "
                + "was the token written, nothing changed)"
        }
        text += "In this order: " + result.transforms.compactMap { descriptions[$0] }.joined(separator: "; ") + ". "
        text += "Responses that are not number lists (any letter in them) are not rewritten. "
        if let drop = result.drop {
            let scored =
                drop.by == .classifier ? "the audit's classifier" : "the significant carrier tokens each response holds"
            let origin =
                drop.rule == "fitted"
                ? "each half of the responses (split by a seeded coin) scored by a rule fitted on the other half, so that no "
                    + "response was judged by a rule that saw it; a rule fitted on all \(drop.fittedOn["teacher"] ?? 0) teacher and "
                    + "\(drop.fittedOn["control"] ?? 0) control responses is saved as `drop-rule.json` for new data"
                : "the rule read from \(Escape.markdown(drop.rule)), fitted before on \(drop.fittedOn["teacher"] ?? 0) teacher and "
                    + "\(drop.fittedOn["control"] ?? 0) control responses"
            text +=
                "Drop scored responses by \(scored): \(origin). Teacher responses above the threshold "
                + "(\(String(format: "%.3f", drop.threshold)), set to drop \(percent(drop.budget)) of them; fewer where scores tie "
                + "at it) were dropped. The control is the reference the teacher should come to resemble and loses only the partners "
                + "of dropped answers, where both sides answered the same prompt (a prompt's k-th answer on each side). "
        }
        text +=
            "The \"after\" audit compares the sanitized teacher with the control put through the same rewrites "
            + "(same seed)"
            + (result.afterScope == .all
                ? ". "
                : ", on the held-out half only: an audit of the data that chose what to drop "
                    + "flatters the result. ")
            + "Valid means the generation filter's rules for \(result.family.rawValue): "
            + (result.family == .numbers
                ? "numbers only, at most three digits each, at most ten of them" : "non-empty, at most 400 characters")
            + ".\n\n"
        return text
    }

    private func chart(_ before: AuditSnapshot, _ after: AuditSnapshot) -> String {
        let series = [("before", "#b91c1c", before), ("after", "#1d4ed8", after)].map { name, color, audit in
            SVGChart.Series(
                name: name, color: color,
                points: audit.auroc.sizes.compactMap { k in
                    guard let value = audit.auroc[k] else { return nil }
                    let ci = audit.aurocCI[k] ?? [value, value]
                    return ("\(k)", value, ci[0], ci[1])
                })
        }
        return SVGChart.intervals(
            title: "Held-out AUROC before and after sanitizing, 95% intervals", yLabel: "AUROC",
            series: series)
    }

    static func largestK(_ audit: AuditSnapshot) -> Int { audit.auroc.sizes.max() ?? 1 }

    /// What `subtext sanitize` prints when it is done: rows kept, and the audits before and after.
    package static func consoleSummary(_ result: SanitizeResult) -> [String] {
        var lines = [
            "kept \(result.rowsOut) of \(result.rowsIn) teacher rows, \(String(format: "%.1f", 100 * result.validShare))% valid"
        ]
        if let before = result.before, let after = result.after {
            let k = largestK(before)
            let audit = { (audit: AuditSnapshot) in
                (audit.verdict == .signal ? "signal" : "no signal") + ", AUROC at K = \(k) "
                    + (audit.auroc[k].map { String(format: "%.3f", $0) } ?? "—")
            }
            lines.append("before: \(audit(before)); after: \(audit(after))")
        }
        return lines
    }

    private func p(_ value: Double) -> String {
        value < 0.001 ? String(format: "%.1e", value) : String(format: "%.3f", value)
    }
}

extension SanitizeMarkdown: ReportWriter {
    /// sanitize.json, sanitize.md and, when both audits ran, sanitize.svg.
    package func files() throws -> [(name: String, data: Data)] {
        let rendered = render()
        var files = [
            ("sanitize.json", try jsonWithProvenance(result, provenance)), ("sanitize.md", Data(rendered.markdown.utf8))
        ]
        if let chart = rendered.chart { files.append(("sanitize.svg", Data(chart.utf8))) }
        return files
    }
}
