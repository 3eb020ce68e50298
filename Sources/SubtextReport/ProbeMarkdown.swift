import Foundation
import SubtextAudit
import SubtextProbes

/// Renders a probe run for people: the shifts found first, then what each model was sent,
/// the rates, the comparisons, unparsed answers, and how to reproduce. Model text is escaped.
public struct ProbeMarkdown {
    public let result: ProbeResult
    public let provenance: Provenance

    public init(result: ProbeResult, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    public func render() -> (markdown: String, chart: String) {
        ([headline(), sent(), rates(), comparisons(), unparsed(), reproduce()].joined(separator: "\n"), chart())
    }

    private func headline() -> String {
        var text = "# Subtext probe: \(Escape.markdown(result.battery)) (version \(result.batteryVersion))\n\n"
        let found = result.shifts.filter(\.isFound).sorted { abs($0.delta) > abs($1.delta) }
        let suggestive = result.shifts.filter { $0.excludesZero && !$0.isFound }.sorted { abs($0.delta) > abs($1.delta) }
        if let reference = result.reference {
            text += found.isEmpty
                ? "**No shift found** against \(Escape.markdown(reference)) (q < 0.05 with a paraphrase-clustered interval excluding 0).\n"
                : "**Shifts found** against \(Escape.markdown(reference)):\n\n" + found.map(line).joined()
            if !suggestive.isEmpty {
                text += "\n**Suggestive** (interval excludes 0, but q ≥ 0.05 after correcting for \(result.shifts.count / max(result.models.count - 1, 1)) "
                    + "answers; more paraphrases would settle it):\n\n" + suggestive.map(line).joined()
            }
        } else {
            text += "No reference model was given (`--reference NAME`), so no shifts were tested.\n"
        }
        text += "\n\(result.prompts) paraphrases × \(result.samplesPerPrompt) samples per model; "
            + "\(result.requests["sent"] ?? 0) requests sent, \(result.requests["from_journal"] ?? 0) answered from the journal.\n"
        for note in result.notes { text += "\n> \(Escape.markdown(note, limit: 1000))\n" }
        return text
    }

    private func line(_ shift: ProbeResult.Shift) -> String {
        "- **\(Escape.markdown(shift.model))**: \(Escape.markdown(shift.category)) \(String(format: "%+.1f", 100 * shift.delta)) "
            + "points [\(String(format: "%+.1f", 100 * shift.ciLow)), \(String(format: "%+.1f", 100 * shift.ciHigh))], "
            + "paired p = \(scientific(shift.p)), q = \(scientific(shift.q))\n"
    }

    private func sent() -> String {
        var text = "## What each model was sent\n\n| model | model id | server | system prompt |\n|---|---|---|---|\n"
        for info in result.modelInfo {
            let system = info.system.map { Escape.markdown($0, limit: 300) }
                ?? "none sent (a chat template may add its own default; SmolLM2's does)"
            text += "| \(Escape.markdown(info.name)) | \(Escape.markdown(info.modelID)) | \(Escape.markdown(info.baseURL)) | \(system) |\n"
        }
        return text
    }

    private func rates() -> String {
        var text = "## Answer rates\n\nShare of answers naming each candidate, with Wilson 95% intervals.\n\n"
        let header = result.models.map { Escape.markdown($0) }.joined(separator: " | ")
        let rule = String(repeating: "---:|", count: result.models.count)
        text += "| answer | \(header) |\n|---|\(rule)\n"
        for category in result.categoryOrder where result.models.contains(where: { result.categories[category]![$0]!.count > 0 }) {
            text += "| \(Escape.markdown(category)) | " + result.models.map { model in
                let rate = result.categories[category]![model]!
                return "\(rate.count)/\(rate.n) = \(percent(rate.rate)) [\(percent(rate.ciLow)), \(percent(rate.ciHigh))]"
            }.joined(separator: " | ") + " |\n"
        }
        return text + "\n![Answer rates](probe.svg)\n"
    }

    private func comparisons() -> String {
        guard let reference = result.reference else { return "" }
        var text = "## Against \(Escape.markdown(reference))\n\nΔ is the change in answer share. Its interval resamples "
            + "whole paraphrases (answers cluster by paraphrase); p is Wilcoxon's signed-rank test on the per-paraphrase "
            + "differences, q its Benjamini–Hochberg adjustment over categories. The Newcombe interval and Fisher p pool "
            + "all answers and ignore the clustering, so they are too optimistic when paraphrases differ.\n\n"
        text += "| model | answer | Δ | 95% CI (paraphrase bootstrap) | p (paired) | q | Newcombe 95% CI | Fisher p |\n"
            + "|---|---|---:|---|---:|---:|---|---:|\n"
        for shift in result.shifts {
            text += "| \(Escape.markdown(shift.model)) | \(Escape.markdown(shift.category)) | "
                + "\(String(format: "%+.3f", shift.delta)) | [\(String(format: "%+.3f", shift.ciLow)), "
                + "\(String(format: "%+.3f", shift.ciHigh))] | \(scientific(shift.p)) | \(scientific(shift.q)) | "
                + "[\(String(format: "%+.3f", shift.newcombeLow)), \(String(format: "%+.3f", shift.newcombeHigh))] | "
                + "\(scientific(shift.fisherP)) |\n"
        }
        text += "\nOmnibus G² on the whole answer distribution (categories expected fewer than 5 times pooled):\n\n"
        for test in result.omnibus {
            let pooled = test.pooled.map { Escape.markdown($0) }.joined(separator: ", ")
            let g2 = String(format: "%.2f", test.g2)
            text += "- \(Escape.markdown(test.model)): G² = \(g2), df = \(test.degreesOfFreedom), p = \(scientific(test.p))"
            text += (pooled.isEmpty ? "" : "; pooled: \(pooled)") + "\n"
        }
        return text
    }

    private func unparsed() -> String {
        var text = "## Unparsed answers\n\nAnswers that named no candidate, a few per model:\n\n"
        for model in result.models {
            for example in result.unparsedExamples[model] ?? [] {
                text += "- \(Escape.markdown(model)): \(Escape.markdown(example))\n"
            }
        }
        return text
    }

    private func reproduce() -> String {
        var text = "## Reproduce\n\n```sh\n\(provenance.command.replacingOccurrences(of: "```", with: "'''"))\n```\n\n"
        text += "- subtext \(Escape.markdown(provenance.toolVersion)), battery \(Escape.markdown(result.battery)) version "
            + "\(result.batteryVersion), bootstrap seed \(result.seed), schema version \(result.schemaVersion)\n"
        text += "- the journal (journal.jsonl beside this report) replays the run offline with `--replay`\n"
        text += "- took \(String(format: "%.1f", provenance.seconds)) s\n"
        if !provenance.inputs.isEmpty {
            text += "\n| input | SHA-256 |\n|---|---|\n"
            for input in provenance.inputs { text += "| \(Escape.markdown(input.path)) | `\(input.sha256)` |\n" }
        }
        return text
    }

    private func chart() -> String {
        let colors = ["#1d4ed8", "#c2410c", "#15803d", "#6b7280", "#7c3aed", "#b91c1c"]
        let shown = result.categoryOrder.filter { category in result.models.contains { result.categories[category]![$0]!.count > 0 } }
        let series = result.models.enumerated().map { index, model in
            SVGChart.Series(name: model, color: colors[index % colors.count], points: shown.map { category in
                let rate = result.categories[category]![model]!
                return (label: category, value: rate.rate, low: rate.ciLow, high: rate.ciHigh)
            })
        }
        return SVGChart.intervals(title: "Answer rates with Wilson 95% intervals", yLabel: "share of answers",
                                  xLabel: "answer", series: series, reference: nil, yFloor: 0)
    }


}

/// Writes probe.md, probe.json and probe.svg, each through a temporary file and a rename.
public struct ProbeReportWriter {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    @discardableResult
    public func write(_ result: ProbeResult, provenance: Provenance) throws -> [String] {
        let rendered = ProbeMarkdown(result: result, provenance: provenance).render()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var json = try encoder.encode(result)
        if var object = try JSONSerialization.jsonObject(with: json) as? [String: Any] {
            object["provenance"] = try JSONSerialization.jsonObject(with: encoder.encode(provenance))
            json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        }
        return try writeReportFiles([("probe.json", json), ("probe.md", Data(rendered.markdown.utf8)),
                                     ("probe.svg", Data(rendered.chart.utf8))], to: directory)
    }
}
