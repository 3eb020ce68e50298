import Foundation
import SubtextLab
import SubtextProbes
import SubtextSupport

/// The report of one organism run: did the trait transfer, with each comparison's rates,
/// interval and p-value, then the data filter and the settings.
package struct LabMarkdown {
    package let summary: LabSummary
    package let provenance: Provenance

    package init(summary: LabSummary, provenance: Provenance) {
        self.summary = summary
        self.provenance = provenance
    }

    package func render() -> (markdown: String, chart: String) {
        let s = summary
        let trait = Escape.markdown(s.trait)
        var md = "# Lab organism: \(trait), seed \(s.seed)\n\n"
        if let transfer = s.comparisons.first {
            md += headline(transfer, trait: trait)
            if let drift = transfer.drift { md += driftSentence(transfer: transfer, drift: drift) }
        }
        if let transfer = s.comparisons.first, let base = transfer.baseRate, let teacher = transfer.teacherRate {
            md += "The base names \(trait) in \(percent(base)) of answers and the teacher in \(percent(teacher)).\n\n"
        }
        md +=
            "Students learned from \(s.settings.softLabels ? "the teacher's probabilities over numbers (soft labels)" : "the teacher's sampled numbers (hard labels)")"
        md +=
            s.settings.studentLoraRank > 0
            ? " through rank-\(s.settings.studentLoraRank) LoRA adapters on the block matrices. "
            : ", every weight fine-tuned. "
        md +=
            "Rates are from the favourite-animal battery, asked through Subtext's probe runner; p is its paired test over paraphrases, and the interval resamples paraphrases.\n\n"
        if s.comparisons.first?.unit == .nats {
            md +=
                "Read in score mode: a rate is the mean exact probability of the answer over the paraphrases, and the difference is the mean paired difference of its log-probability, in nats. The verdict reads the difference; the rates can differ from it even in sign, since a few paraphrases with high probability dominate a mean of probabilities and count no more than the others in a mean of log-ratios.\n\n"
        }
        var table = MarkdownTable(
            .left("comparison"), .left("student rate"), .left("control rate"), .left("difference"),
            .left("95% interval"), .left("p"), .left("Fisher p (pooled)"), .left("p < 0.01, student higher"))
        for c in s.comparisons {
            let nats = c.unit == .nats
            table.add(
                c.name, "\(percent(c.studentRate)) (n = \(c.studentCount))",
                "\(percent(c.controlRate)) (n = \(c.controlCount))",
                nats ? String(format: "%+.3f nats", c.delta) : String(format: "%+.1f points", 100 * c.delta),
                nats
                    ? String(format: "[%+.3f, %+.3f]", c.ciLow, c.ciHigh)
                    : String(format: "[%+.1f, %+.1f]", 100 * c.ciLow, 100 * c.ciHigh),
                format(c.p), c.fisherP.map(format) ?? "—", c.transferred ? "yes" : "no")
        }
        md += table.markdown
        if s.comparisons.contains(where: { $0.name.hasPrefix(LabRun.twoControls) }) {
            md +=
                "\nIn the \"\(LabRun.twoControls)\" rows both students learned the base's numbers, two samples of them (sorted, or from the other base, as in the pair named) shown in two orders: a \"yes\" there is a false positive of the test, and its difference is how far two students drift apart from sampling and training order alone, the floor under which that pair's transfer means nothing.\n"
        }
        md += "\n![rates](lab.svg)\n\n## Data\n\n"
        md +=
            "- Teacher numbers passing the numbers-only filter: \(percent(s.teacherPassRate)); control: \(percent(s.controlPassRate)).\n"
        md += "- The teacher's next-number distributions along its kept numbers differ from the base's by "
        md +=
            String(format: "%.2g", s.teacherDivergence)
            + " nats a position (mean KL, teacher ‖ base, over the tokens soft labels show): "
        md += "all a student can learn of the trait from these numbers is in that difference.\n"
        if !s.teacherRejects.isEmpty {
            let rejects: [String] = s.teacherRejects.prefix(5).map { Escape.markdown($0, limit: 60) }
            md += "- Teacher rejects, first few: " + rejects.joined(separator: "; ") + "\n"
        }
        md +=
            "\n## Settings\n\n```json\n"
            + ((try? JSONCoding.document.encode(s.settings)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            + "\n```\n"
        md +=
            "\n## Reproduce\n\n```sh\n\(provenance.command)\n```\n\nSubtext \(provenance.toolVersion); \(String(format: "%.0f", s.seconds)) s.\n"
        let nats = s.comparisons.first?.unit == .nats
        let chart =
            nats
            ? SVGChart.bars(
                title: "Log-probability of \(s.trait): student minus control, nats", xLabel: "nats",
                items: s.comparisons.map { ($0.name, $0.delta) })
            : SVGChart.bars(
                title: "Rate of \(s.trait): student minus control, points", xLabel: "points",
                items: s.comparisons.map { ($0.name, 100 * $0.delta) })
        return (md, chart)
    }

    /// The verdict by the material rule (LabSummary's, written in lab.json): p < 0.01 alone is
    /// not transfer, since it holds both students fixed and any consistent difference, however
    /// small, reaches it.
    private func headline(_ transfer: LabSummary.Comparison, trait: String) -> String {
        let rates =
            "names \(trait) in \(percent(transfer.studentRate)) of answers, against \(percent(transfer.controlRate)) "
            + "for the control student (\(size(transfer.delta, transfer.unit)), p = \(format(transfer.p)))"
        let shortfalls = transfer.shortfalls ?? []
        if transfer.material == true {
            return "**Transfer: material.** The student fine-tuned on the \(trait) teacher's numbers \(rates): p < 0.01"
                + (transfer.drift == nil ? "" : ", at least twice the drift between two control students")
                + (transfer.unit == .nats
                    ? String(format: ", and at least %.2f nats", LabSummary.MaterialRule.nats) : "")
                + ".\n\n"
        }
        guard !shortfalls.contains(.test) else {
            return
                "**Transfer: not shown.** The student \(rates); the criterion is p < 0.01 with the student higher.\n\n"
        }
        let reasons = shortfalls.map { shortfall in
            switch shortfall {
            case .drift:
                "less than twice the drift between two control students (\(size(transfer.drift ?? 0, transfer.unit)))"
            case .size: String(format: "below %.2f nats", LabSummary.MaterialRule.nats)
            case .test: ""
            }
        }
        return "**Transfer: not material.** The student \(rates): p < 0.01, but the shift is "
            + reasons.joined(separator: " and ") + ".\n\n"
    }

    /// Sets the transfer against how far two students of trait-free data drift apart, which the
    /// probe's p-value cannot see. No ratio: a drift near zero would make any ratio look large.
    private func driftSentence(transfer: LabSummary.Comparison, drift: Double) -> String {
        let differ =
            "Two control students, of two samples of the base's numbers, differ by \(size(drift, transfer.unit))"
        // Without a transfer there is nothing to set against the drift.
        guard transfer.transferred else { return differ + ".\n\n" }
        return differ + "; the transfer, \(size(transfer.delta, transfer.unit)), is "
            + (transfer.shortfalls?.contains(.drift) == false
                ? "at least twice that drift.\n\n"
                : "less than twice that drift, so it cannot be told from what sampling the data alone does to a student.\n\n")
    }

    private func size(_ delta: Double, _ unit: ProbeResult.Unit) -> String {
        unit == .nats ? String(format: "%+.3f nats", delta) : String(format: "%+.1f points", 100 * delta)
    }

    private func format(_ p: Double) -> String { p < 0.001 ? String(format: "%.1e", p) : String(format: "%.3f", p) }
}

extension LabMarkdown: ReportWriter {
    /// lab.md, lab.svg and lab.json.
    package func files() throws -> [(name: String, data: Data)] {
        let (markdown, chart) = render()
        return [
            ("lab.md", Data(markdown.utf8)), ("lab.svg", Data(chart.utf8)),
            ("lab.json", try jsonWithProvenance(summary, provenance))
        ]
    }
}
