import Foundation
import SubtextAudit
import SubtextModels
import SubtextProbes
import SubtextSupport

/// Renders a probe run for people: the shifts found first, then what each model was sent,
/// the rates, the comparisons, unparsed answers, and how to reproduce. Model text is escaped.
package struct ProbeMarkdown {
    package let result: ProbeResult
    package let provenance: Provenance

    package init(result: ProbeResult, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    package func render() -> (markdown: String, chart: String) {
        let sections =
            result.scoring == nil
            ? [headline(), sent(), rates(), comparisons(), unparsed(), reproduce()]
            : [headline(), sent(), scoring(), rates(), comparisons(), reproduce()]
        return (sections.joined(separator: "\n"), chart())
    }

    private func headline() -> String {
        var text = "# Subtext probe: \(Escape.markdown(result.battery)) (version \(result.batteryVersion))\n\n"
        let found = result.shifts.filter(\.isFound).sorted { abs($0.delta) > abs($1.delta) }
        let suggestive = result.shifts.filter { $0.excludesZero && !$0.isFound }.sorted {
            abs($0.delta) > abs($1.delta)
        }
        if let reference = result.reference {
            text +=
                found.isEmpty
                ? "**No shift found** against \(Escape.markdown(reference)) (q < 0.05 with a paraphrase-clustered interval excluding 0).\n"
                : "**Shifts found** against \(Escape.markdown(reference)):\n\n" + found.map(line).joined()
            if !suggestive.isEmpty {
                text +=
                    "\n**Suggestive** (given in at least \(ProbeResult.Shift.minimumParaphrases) paraphrases, interval excludes 0, but q ≥ 0.05 after correcting for \(result.shifts.count / max(result.models.count - 1, 1)) "
                    + "answers; more paraphrases would settle it):\n\n" + suggestive.map(line).joined()
            }
        } else {
            text += "No reference model was given (`--reference NAME`), so no shifts were tested.\n"
        }
        text +=
            "\n"
            + (result.scoring == nil
                ? "\(result.prompts) paraphrases × \(result.samplesPerPrompt) samples per model; "
                : "\(result.prompts) paraphrases scored per model; ")
        text +=
            "\(result.requests["sent"] ?? 0) requests sent, \(result.requests["from_journal"] ?? 0) answered from the journal.\n"
        for note in result.notes {
            text += "\n> \(Escape.markdown(Self.sentence(note, mode: result.mode), limit: 1000))\n"
        }
        return text
    }

    private func line(_ shift: ProbeResult.Shift) -> String {
        "- **\(Escape.markdown(shift.model))**: \(Escape.markdown(shift.category)) \(Self.describe(shift)), higher in "
            + "\(shift.higher)/\(shift.paired) paraphrases, paired p = \(scientific(shift.p)), q = \(scientific(shift.q))\n"
    }

    /// Δ with its interval, in the shift's own unit.
    /// A note on how the result was reached, as a sentence.
    static func sentence(_ note: ProbeNote, mode: Battery.Mode) -> String {
        switch note {
        case .unanswered(let requests):
            return
                "\(requests) planned requests have no \(mode == .score ? "scores" : "answer") yet (capped by --max-requests, "
                + "or the run stopped); run the same command again to complete them."
        case .approximateScoring(let unseen, let scored):
            return "Scored from the first token's top log-probabilities only: \(unseen) of \(scored) candidate values "
                + "were outside the top-k and count as 0, and first tokens shared by several candidates count for none. "
                + "A null result here is weak evidence; exact scoring (llama.cpp's llama-server, or vLLM) reads every candidate."
        case .mixedScoring(let model):
            return "\(model) was scored by more than one method across resumed runs; its values mix them."
        case .mostlyUnparsed(let model, let unparsed, let answers):
            return
                "Warning: \(unparsed) of \(answers) answers from \(model) matched no candidate. Its rates describe the "
                + "few it did give; look at the unparsed examples below, and at whether the battery's prompts suit this model."
        }
    }

    static func describe(_ shift: ProbeResult.Shift) -> String {
        if shift.unit == .nats {
            return "\(String(format: "%+.2f", shift.delta)) nats [\(String(format: "%+.2f", shift.ciLow)), "
                + "\(String(format: "%+.2f", shift.ciHigh))]"
        }
        return "\(String(format: "%+.1f", 100 * shift.delta)) points [\(String(format: "%+.1f", 100 * shift.ciLow)), "
            + "\(String(format: "%+.1f", 100 * shift.ciHigh))]"
    }

    private func scoring() -> String {
        guard let scoring = result.scoring else { return "" }
        var text = "## How answers were scored\n\n"
        let forms = result.categoryOrder.map {
            "\(Escape.markdown($0)) → “\(Escape.markdown(scoring.forms[$0] ?? $0))”"
        }
        text += "Each candidate is scored as the start of the reply: " + forms.joined(separator: ", ") + ".\n\n"
        var table = MarkdownTable(
            .left("model"), .left("method"), .left("outside mass, mean [min, max]"), .right("values unseen"))
        for model in result.models {
            guard let summary = scoring.models[model] else { continue }
            let methods = summary.methods.map(\.rawValue).joined(separator: " + ")
            var outside =
                "\(percent(summary.outsideMean)) [\(percent(summary.outsideMin)), \(percent(summary.outsideMax))]"
            if let ambiguous = summary.ambiguousMean { outside += "; ambiguous first tokens \(percent(ambiguous))" }
            table.add(Escape.markdown(model), methods, outside, "\(summary.unseen)/\(summary.scored)")
        }
        text +=
            table.markdown + "\nThe outside mass is the probability that the reply starts with none of the candidates. "
        if scoring.models.values.contains(where: { $0.methods.contains(.topLogprobs) }) {
            text +=
                "**Top-logprobs scoring sees only the first token, and only the server's top-k**: a candidate outside "
                + "the top-k is unseen and counts as 0, and a first token that begins several candidates is ambiguous. "
                + "Exact scoring (llama.cpp's llama-server, or vLLM) reads every candidate in full.\n"
        } else {
            text += "Scoring was exact: every token of every candidate was read from the model's full softmax.\n"
        }
        return text
    }

    private func sent() -> String {
        var table = MarkdownTable(.left("model"), .left("model id"), .left("server"), .left("system prompt"))
        for info in result.modelInfo {
            let system =
                info.system.map { Escape.markdown($0, limit: 300) }
                ?? "none sent (a chat template may add its own default; SmolLM2's does)"
            table.add(Escape.markdown(info.name), Escape.markdown(info.modelID), Escape.markdown(info.baseURL), system)
        }
        return "## What each model was sent\n\n" + table.markdown
    }

    private func rates() -> String {
        let text =
            result.scoring == nil
            ? "## Answer rates\n\nShare of answers naming each candidate, with Wilson 95% intervals.\n\n"
            : "## Probability shares\n\nEach candidate's share of the candidates' probability, averaged over paraphrases, "
                + "with paraphrase-bootstrap 95% intervals.\n\n"
        var table = MarkdownTable([.left("answer")] + result.models.map { .right(Escape.markdown($0)) })
        for category in shownCategories {
            table.add(
                [Escape.markdown(category)]
                    + result.models.map { model in
                        let rate = result.categories[category]![model]!
                        let counted = rate.count.map { "\($0)/\(rate.n) = " } ?? ""
                        return counted + "\(percent(rate.rate)) [\(percent(rate.ciLow)), \(percent(rate.ciHigh))]"
                    })
        }
        return text + table.markdown + "\n![Rates with intervals](probe.svg)\n"
    }

    /// Categories some model gave (sample mode) or gave visible probability (score mode).
    private var shownCategories: [String] {
        result.categoryOrder.filter { category in result.models.contains { result.categories[category]![$0]!.rate > 0 }
        }
    }

    private func comparisons() -> String {
        guard let reference = result.reference else { return "" }
        var text = "## Against \(Escape.markdown(reference))\n\n"
        if result.scoring != nil {
            text +=
                "Δ is the mean per-paraphrase change: in nats of the candidate's log-probability when scoring was exact, "
                + "in its share of the candidates' probability otherwise. Its interval resamples whole paraphrases; p is "
                + "Wilcoxon's signed-rank test on the per-paraphrase differences, q its Benjamini–Hochberg adjustment over "
                + "candidates.\n\n"
            var table = MarkdownTable(
                .left("model"), .left("answer"), .left("Δ [95% CI]"), .right("higher in"),
                .right("p (paired)"), .right("q"))
            for shift in result.shifts {
                table.add(
                    Escape.markdown(shift.model), Escape.markdown(shift.category), Self.describe(shift),
                    "\(shift.higher)/\(shift.paired)", scientific(shift.p), scientific(shift.q))
            }
            return text + table.markdown
        }
        text +=
            "Δ is the change in answer share. Its interval resamples "
            + "whole paraphrases (answers cluster by paraphrase); p is Wilcoxon's signed-rank test on the per-paraphrase "
            + "differences, q its Benjamini–Hochberg adjustment over categories. The Newcombe interval and Fisher p pool "
            + "all answers and ignore the clustering, so they are too optimistic when paraphrases differ.\n\n"
        var table = MarkdownTable(
            .left("model"), .left("answer"), .right("Δ"), .left("95% CI (paraphrase bootstrap)"),
            .right("p (paired)"), .right("q"), .left("Newcombe 95% CI"), .right("Fisher p"))
        for shift in result.shifts {
            let delta = String(format: "%+.3f", shift.delta)
            let interval = "[\(String(format: "%+.3f", shift.ciLow)), \(String(format: "%+.3f", shift.ciHigh))]"
            let newcombe =
                "[\(String(format: "%+.3f", shift.newcombeLow ?? .nan)), \(String(format: "%+.3f", shift.newcombeHigh ?? .nan))]"
            table.add(
                Escape.markdown(shift.model), Escape.markdown(shift.category), delta, interval, scientific(shift.p),
                scientific(shift.q), newcombe, scientific(shift.fisherP ?? .nan))
        }
        text +=
            table.markdown
            + "\nOmnibus G² on the whole answer distribution (categories expected fewer than 5 times pooled):\n\n"
        for test in result.omnibus {
            let pooled = test.pooled.map { Escape.markdown($0) }.joined(separator: ", ")
            let g2 = String(format: "%.2f", test.g2)
            text +=
                "- \(Escape.markdown(test.model)): G² = \(g2), df = \(test.degreesOfFreedom), p = \(scientific(test.p))"
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
        text +=
            "- subtext \(Escape.markdown(provenance.toolVersion)), battery \(Escape.markdown(result.battery)) version "
            + "\(result.batteryVersion), bootstrap seed \(result.seed), schema version \(result.schemaVersion)\n"
        text += "- the journal (journal.jsonl beside this report) replays the run offline with `--replay`\n"
        text += "- took \(String(format: "%.1f", provenance.seconds)) s\n"
        if !provenance.inputs.isEmpty {
            text += "\n" + MarkdownTable.inputs(provenance)
        }
        return text
    }

    private func chart() -> String {
        let colors = ["#1d4ed8", "#c2410c", "#15803d", "#6b7280", "#7c3aed", "#b91c1c"]
        let series = result.models.enumerated().map { index, model in
            SVGChart.Series(
                name: model, color: colors[index % colors.count],
                points: shownCategories.map { category in
                    let rate = result.categories[category]![model]!
                    return (label: category, value: rate.rate, low: rate.ciLow, high: rate.ciHigh)
                })
        }
        let scored = result.scoring != nil
        return SVGChart.intervals(
            title: scored
                ? "Probability shares with paraphrase-bootstrap 95% intervals"
                : "Answer rates with Wilson 95% intervals",
            yLabel: scored ? "share of candidates' probability" : "share of answers",
            xLabel: "answer", series: series, reference: nil, yFloor: 0)
    }
}

extension ProbeMarkdown: ReportWriter {
    /// probe.json, probe.md and probe.svg.
    package func files() throws -> [(name: String, data: Data)] {
        let rendered = render()
        return [
            ("probe.json", try jsonWithProvenance(result, provenance)), ("probe.md", Data(rendered.markdown.utf8)),
            ("probe.svg", Data(rendered.chart.utf8))
        ]
    }
}
