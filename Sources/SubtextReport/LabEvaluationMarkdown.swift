import Foundation
import SubtextLab
import SubtextStatistics
import SubtextSupport

/// reports/lab-evaluation.md: how often the audit finds a known trait, by data size; how often
/// it cries wolf on control-versus-control pairs; and held-out AUROC by bag size.
package struct LabEvaluationMarkdown {
    package let evaluation: LabEvaluation
    package let provenance: Provenance

    package init(evaluation: LabEvaluation, provenance: Provenance) {
        self.evaluation = evaluation
        self.provenance = provenance
    }

    package func render() -> (markdown: String, chart: String) {
        let e = evaluation
        let largest = e.sizes.last!
        let teacherPairs = e.audits(.teacher, size: largest).count
        let controlPairs = e.audits(.control, size: largest).count
        var md = "# Lab evaluation: the audit against organisms with known traits\n\n"
        md +=
            "**At \(largest) responses per side the audit detected \(percent(e.power(size: largest))) of \(teacherPairs) teacher datasets "
        md +=
            "and \(percent(e.falsePositiveRate(size: largest))) of \(controlPairs) control-versus-control pairs (α = \(e.alpha)).**\n\n"
        md +=
            "Seeds \(e.seeds.map(String.init).joined(separator: ", ")); traits \(e.traits.map { Escape.markdown($0) }.joined(separator: ", ")). "
        md +=
            e.settings.teacherMethod == .fineTune
            ? "Each teacher is its seed's base fine-tuned to name its trait; "
            : "Each teacher is its seed's base under a system prompt loving its trait; "
        md += "teacher and base answer the same number prompts, and the audit pairs them by prompt. "
        md +=
            "Each control-versus-control pair is the base's numbers against another sample of them (\(controlPairs / max(e.seeds.count, 1)) "
        md +=
            "a seed, sharing the first sample, so pairs of one seed are not independent). Brackets are Wilson 95% intervals: "
        md += "with this few pairs they are wide.\n\n"
        var bySize = MarkdownTable(
            .left("responses per side"), .left("power (teacher detected)"),
            .left("false-positive rate (control vs control)"))
        for size in e.sizes {
            bySize.add(
                "\(size)", share(e.audits(.teacher, size: size), e.alpha),
                share(e.audits(.control, size: size), e.alpha))
        }
        md += "## Power and false positives by data size\n\n" + bySize.markdown
        md += "\n![power by size](lab-evaluation.svg)\n\n## AUROC by bag size K, at \(largest) responses\n\n"
        md += "Mean held-out AUROC of the audit's classifier, scoring K responses together as one bag.\n\n"
        var byBag = MarkdownTable(.left("pairs"), .left("K = 1"), .left("K = 8"), .left("K = 16"))
        for kind in PairKind.allCases {
            let cells = [1, 8, 16].map { k in
                e.meanAUROC(kind, size: largest, k: k).map { String(format: "%.3f", $0) } ?? "—"
            }
            byBag.add([kind == .teacher ? "teacher vs control" : "control vs control"] + cells)
        }
        md += byBag.markdown
        md += attributionSection(e)
        var every = MarkdownTable(
            .left("kind"), .left("trait"), .left("seed"), .left("responses"), .left("p"), .left("AUROC (K = 1)"))
        for a in e.audits {
            every.add(
                a.kind.rawValue, label(a.trait, resample: a.resample), "\(a.seed)", "\(a.responses)",
                String(format: "%.3g", a.p),
                a.auroc["1"].map { String(format: "%.3f", $0) } ?? "—")
        }
        md += "## Every audit\n\n" + every.markdown
        md +=
            "\n## Reproduce\n\n```sh\n\(provenance.command)\n```\n\nSubtext \(provenance.toolVersion); \(String(format: "%.0f", e.seconds)) s.\n"
        let chart = SVGChart.bars(
            title: "Share of teacher datasets detected, by responses per side", xLabel: "power",
            items: e.sizes.map { ("N = \($0)", e.power(size: $0)) })
        return (md, chart)
    }

    /// How often the likelihood shift names the planted trait, and whether it claims one where
    /// none was planted.
    private func attributionSection(_ e: LabEvaluation) -> String {
        var md = "\n## Attribution accuracy, at \(e.sizes.last!) responses\n\n"
        guard !e.attributions.isEmpty else {
            return md + "Not measured: these teachers wrote under the system prompt attribution would score with, "
                + "so the ranking would be circular.\n\n"
        }
        let first = e.plantedFirst
        let false_ = e.falseAttributions
        let wrong = e.attributions.filter { $0.kind == .teacher && $0.claimed != nil && $0.claimed != $0.trait }.count
        md +=
            "**The planted trait ranked first among \(e.candidates.count) candidates for \(first.ranked) of \(first.of) teacher datasets "
        md += "and was claimed for \(first.claimed); \(wrong) teacher datasets were claimed for another animal, and "
        md += "\(false_.claimed) of \(false_.of) control-versus-control pairs for any.**\n\n"
        md +=
            "As `subtext attribute`: for each response, Δc = log P(response | \"\(Escape.markdown(LabCorpus.systemPrompt(loving: "c")))\", prompt) "
        md +=
            "− log P(response | prompt) under the seed's base; candidates are ranked by the calibrated score (the teacher's mean Δc "
        md +=
            "minus what a line through the other candidates' control and teacher means predicts), with a paired bootstrap interval, "
        md +=
            "and the top one is claimed when its interval and its lead over the runner-up exclude 0 and its control mean Δ is not "
        md += "so far from the other candidates' that its score extrapolates their line. "
        md +=
            "The lab's word-level vocabulary knows only this wording, the base's conditioning prompt; the teachers were fine-tuned, "
        md += "never prompted with it.\n\n"
        var table = MarkdownTable(
            .left("kind"), .left("trait"), .left("seed"), .left("responses"), .left("planted rank"),
            .left("top, score [95% CI]"), .left("claimed"))
        for a in e.attributions {
            table.add(
                a.kind.rawValue, label(a.trait, resample: a.resample), "\(a.seed)", "\(a.responses)",
                a.plantedRank.map(String.init) ?? "—",
                "\(Escape.markdown(a.top)) \(String(format: "%+.3f [%+.3f, %+.3f]", a.topScore, a.topLow, a.topHigh))",
                a.claimed.map { Escape.markdown($0) } ?? "none")
        }
        return md + table.markdown + "\n"
    }

    /// The share of `audits` below `alpha`, its count, and its Wilson 95% interval.
    private func share(_ audits: [LabEvaluation.Audit], _ alpha: Double) -> String {
        let k = audits.filter { $0.p < alpha }.count
        let interval = Proportions.wilson(k, audits.count)
        return "\(percent(audits.isEmpty ? 0 : Double(k) / Double(audits.count))) (\(k)/\(audits.count)) "
            + "[\(percent(interval.low)), \(percent(interval.high))]"
    }

    /// A pair's trait, or for a control pair which resample faced the first sample.
    private func label(_ trait: String?, resample: Int?) -> String {
        trait.map { Escape.markdown($0) } ?? "— (resample \(resample ?? 1))"
    }
}

extension LabEvaluationMarkdown: ReportWriter {
    /// lab-evaluation.md, lab-evaluation.svg and lab-evaluation.json.
    package func files() throws -> [(name: String, data: Data)] {
        let (markdown, chart) = render()
        return [
            ("lab-evaluation.md", Data(markdown.utf8)), ("lab-evaluation.svg", Data(chart.utf8)),
            ("lab-evaluation.json", try jsonWithProvenance(evaluation, provenance))
        ]
    }
}
