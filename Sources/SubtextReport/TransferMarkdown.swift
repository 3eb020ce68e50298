import Foundation
import SubtextStudents
import SubtextSupport

/// Renders a transfer test for people: whether a student of the teacher's data moved toward a
/// trait, by how much against the control students and against the noise between them, the
/// smallest shift the comparison could have found, each student's training, and how to
/// reproduce. Trait names come from the battery and are escaped.
package struct TransferMarkdown {
    package let result: TransferResult
    package let provenance: Provenance

    package init(result: TransferResult, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    package func render() -> (markdown: String, chart: String) {
        var text = "# Subtext transfer: did a student of the data move?\n\n" + verdict()
        text += traitTable()
        text +=
            "\n![Shift of each trait against the control students, with its 95% interval from the training noise](transfer.svg)\n\n"
        text += students()
        text += method()
        text += AttributionMarkdown.reproduce(provenance)
        return (text, chart())
    }

    private func verdict() -> String {
        let material = result.materialTraits
        let controls = result.students.count - 1
        if let top = material.first {
            // Plain names: bold inside the bold verdict would close it early.
            let names = material.map { Escape.markdown($0.name) }.joined(separator: ", ")
            return "**Transfer: a student of the teacher's data moved toward \(names).** \(Escape.markdown(top.name)): "
                + "\(nats(top.shift)) [\(nats(top.ciLow)), \(nats(top.ciHigh))] nats of log-share against \(controls) control "
                + "students (q = \(pValue(top.q))), whose training alone moves this trait by \(plain(top.noise)) nats (one "
                + "standard deviation). One teacher student is one draw: train another with a new --seed before "
                + "acting on a small shift.\n\n"
        }
        var text =
            "**No material transfer:** no trait moved by at least 0.05 nats beyond the noise between \(controls) control "
            + "students at q < 0.01. "
        if let largest = result.traits.max(by: { $0.shift < $1.shift }) {
            text +=
                "The largest shift was \(Escape.markdown(largest.name)), \(nats(largest.shift)) "
                + "[\(nats(largest.ciLow)), \(nats(largest.ciHigh))] nats (q = \(pValue(largest.q))). "
        }
        let byDetectable = result.traits.sorted { $0.detectable < $1.detectable }
        guard let easiest = byDetectable.first, let hardest = byDetectable.last else { return text + "\n\n" }
        let median = byDetectable[byDetectable.count / 2]
        return text
            + "A shift smaller than the detectable one could be there unseen: \(plain(median.detectable)) nats for the "
            + "median trait, from \(plain(easiest.detectable)) (\(Escape.markdown(easiest.name))) to \(plain(hardest.detectable)) "
            + "(\(Escape.markdown(hardest.name))). More control students (--control-students) shrink it.\n\n"
    }

    private func traitTable() -> String {
        var table = MarkdownTable(
            .left("trait"), .right("shift (nats)"), .left("95% CI"), .right("p"), .right("q"),
            .right("paraphrase q"), .right("noise (sd)"), .right("detectable"), .left("material"))
        for trait in result.traits.sorted(by: { $0.shift > $1.shift }) {
            table.add(
                Escape.markdown(trait.name), nats(trait.shift), "[\(nats(trait.ciLow)), \(nats(trait.ciHigh))]",
                pValue(trait.p), pValue(trait.q), pValue(trait.paraphraseQ), plain(trait.noise),
                plain(trait.detectable),
                trait.material ? "yes" : "no")
        }
        return table.markdown
    }

    private func students() -> String {
        var table = MarkdownTable(
            .left("student"), .left("data"), .right("rows"), .right("steps"),
            .left("final loss (train / held out)"), .right("tokens/s"))
        for student in result.students {
            let run = student.result
            let last = run.loss.last
            let loss =
                last.map { String(format: "%.3f", $0.train) + ($0.heldOut.map { String(format: " / %.3f", $0) } ?? "") }
                ?? "–"
            table.add(
                Escape.markdown(student.role), Escape.markdown(run.data.map(\.path).joined(separator: ", ")),
                "\(run.trainingRows)", "\(run.steps)", loss,
                run.tokensPerSecond.map { String(format: "%.0f", $0) } ?? "–")
        }
        var text = "## The students\n\n" + table.markdown
        if let first = result.students.first?.result {
            let settings = first.settings
            let adaptation = settings.loraRank.map { "LoRA rank \($0)" } ?? "every weight"
            let labels =
                settings.softLabelsTopK.map { "the teacher's top \($0) tokens (soft labels)" }
                ?? "the replies as written (hard labels)"
            text +=
                "\nEach student: \(Escape.markdown(first.base)), \(adaptation), trained on \(labels), learning rate "
                + "\(settings.learningRate), \(settings.epochs) epoch\(settings.epochs == 1 ? "" : "s") of batches of "
                + "\(settings.batchSize). The teacher student has seed \(settings.seed); the control students have the next "
                + "seeds, and so their own initialisation and order.\n\n"
        }
        return text
    }

    private func method() -> String {
        "## Method\n\nEach student is read exactly, in process, on every paraphrase of \(Escape.markdown(result.battery)) "
            + "(\(result.paraphrases) paraphrases): the log-probability of each candidate's one-word answer after the "
            + "paraphrase, under the base's chat template with no system prompt, turned into the candidate's log-share "
            + "among the candidates (fine-tuning on any data moves every candidate's raw probability; the share reads "
            + "the preference between them). A trait's shift is the teacher student's log-share minus the control "
            + "students' mean, each averaged over paraphrases. If the teacher's data carries nothing, the teacher student "
            + "is one more control student, so the shift is tested against the spread between the control students: "
            + "a prediction t-test whose variances are moderated over the traits as limma moderates genes (Smyth 2004; "
            + "\(String(format: "%.1f", result.noiseDegreesOfFreedom)) degrees of freedom here), its p taken from "
            + "bootstrapped experiments with no effect drawn from the fitted noise, and Benjamini–Hochberg-adjusted over "
            + "the candidates (q). The 95% interval uses the same null. Paraphrase q: Wilcoxon's signed-rank test of the "
            + "shift over paraphrases, adjusted the same way. Material: q < 0.01, paraphrase q < 0.01, and at least "
            + "0.05 nats. Detectable: the larger of 0.05 nats and the shift the test finds four times in five at the "
            + "threshold a single moved trait faces (0.01 over the number of candidates).\n\n"
    }

    private func chart() -> String {
        let sorted = result.traits.sorted { $0.shift > $1.shift }
        let shifts = SVGChart.Series(
            name: "shift", color: "#c2410c",
            points: sorted.map { ($0.name, $0.shift, $0.ciLow, $0.ciHigh) })
        return SVGChart.intervals(
            title: "Trait shift: teacher student against control students", yLabel: "nats of log-share",
            xLabel: "trait", series: [shifts], reference: 0, referenceLabel: "no shift",
            yFloor: -0.1, yCeiling: 0.1)
    }

    private func nats(_ value: Double) -> String { String(format: "%+.3f", value) }
    private func plain(_ value: Double) -> String { String(format: "%.3f", value) }
    private func pValue(_ value: Double) -> String {
        value < 1e-4 ? String(format: "%.1e", value) : String(format: "%.4f", value)
    }
}

extension TransferMarkdown: ReportWriter {
    /// transfer.json, transfer.md and transfer.svg.
    package func files() throws -> [(name: String, data: Data)] {
        let rendered = render()
        return [
            ("transfer.json", try jsonWithProvenance(result, provenance)),
            ("transfer.md", Data(rendered.markdown.utf8)), ("transfer.svg", Data(rendered.chart.utf8))
        ]
    }
}
