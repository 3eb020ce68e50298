import Foundation
import SubtextLab
import SubtextSupport

/// Renders `subtext lab sanitize` for people: how much of the organisms' transfer each
/// transform leaves, with its interval across seeds and the published figure beside it, then
/// each seed's shifts, the audit after each transform, and how to reproduce.
package struct SanitizeLabMarkdown {
    package let result: SanitizeLabResult
    package let provenance: Provenance

    package init(result: SanitizeLabResult, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    package func render() -> (markdown: String, chart: String) {
        let trait = Escape.markdown(result.trait)
        var md = "# Lab sanitize: how much transfer each transform leaves (\(trait))\n\n" + verdict() + "\n\n"
        md +=
            "Residual = (student shift after sanitizing − floor) / (original shift − floor), where a shift is a student's "
            + "exact log-probability of \(trait) minus its control student's (both students learn data put through the same "
            + "transforms), and the floor is a student of random numbers. 1 means the transform removed nothing, 0 that it "
            + "brought the transfer down to what random numbers do. It is taken over the seeds whose original transfer is "
            + "material, as a ratio of means with the exact bootstrap interval over those seeds. A recipe's drift is its shift "
            + "on a pair with no trait on either side (a second sample of the base's numbers against the control, both "
            + "sanitized): what the sanitized numbers alone do to two students.\n\n"
        var table = MarkdownTable(
            .left("transform"), .left("residual"), .left("95% interval"), .left("shift after"), .left("its drift"),
            .left("teacher rows kept"), .left("audit AUROC at K = 16 after"), .left("published residual"))
        for t in result.transforms {
            let kept = mean(t.seeds.map(\.kept))
            let auroc = t.seeds.compactMap(\.aurocAfter)
            table.add(
                Escape.markdown(t.name), t.residual.map(Self.share) ?? "undefined", interval(t),
                String(format: "%+.3f", measuredMean(t.seeds.map(\.delta))),
                String(format: "%+.3f", measuredMean(t.seeds.map(\.drift))),
                percent(kept), auroc.isEmpty ? "—" : String(format: "%.3f", mean(auroc)), anchor(for: t.name))
        }
        md +=
            table.markdown
            + "\nShift after and drift are means over the measured seeds, in nats; rows kept and AUROC are means over all seeds.\n"
        md += "\n![residual transfer by transform](sanitize-lab.svg)\n\n"
        md += seedTable()
        md += anchors()
        md +=
            "\n## Settings\n\nDrop budget \(percent(result.dropBudget)) of the teacher's rows; the recipe:\n\n```json\n"
        md +=
            ((try? JSONCoding.document.encode(result.settings)).map { String(decoding: $0, as: UTF8.self) } ?? "")
            + "\n```\n\n"
        md += AttributionMarkdown.reproduce(provenance)
        return (md, chart())
    }

    private func verdict() -> String {
        let measured = result.measuredSeeds
        let seeds = "\(result.seeds.count) seed" + (result.seeds.count == 1 ? "" : "s")
        guard !measured.isEmpty else {
            return
                "**Cannot measure:** in none of \(seeds) did the students take up \(Escape.markdown(result.trait)) materially, "
                + "so there is no transfer for a transform to remove."
        }
        let which = measured.map { String(result.original[$0].seed) }.joined(separator: ", ")
        let parts = result.transforms.map { t in
            "\(Escape.markdown(t.name)) leaves " + (t.residual.map(Self.share) ?? "an undefined share")
                + (t.ciLow.map { low in
                    t.ciHigh.map { " (\(Self.share(low)) to \(Self.share($0)))" } ?? ""
                } ?? " (interval undefined)")
        }
        var text =
            "**Residual transfer** (seed\(measured.count == 1 ? "" : "s") \(which), where the students took up "
            + "\(Escape.markdown(result.trait)) materially, of \(seeds); "
            + String(format: "%+.3f", result.transferOverFloor) + " nats over the random-numbers floor): "
            + parts.joined(separator: "; ") + "."
        let drifting = result.transforms.filter(drownsTheTransfer).map { Escape.markdown($0.name) }
        if !drifting.isEmpty {
            text +=
                " For \(drifting.joined(separator: ", ")), the recipe's own drift is more than half the original transfer: "
                + "the rewritten numbers set two students of trait-free data about as far apart as the trait did, so "
                + (drifting.count == 1 ? "that residual measures" : "those residuals measure")
                + " what the rewritten data do to any student, not what is left of the trait."
        }
        return text
    }

    /// Whether the recipe's drift (mean size on the measured seeds) exceeds half the original
    /// transfer over the floor: the material rule's factor of two, applied to the denominator.
    private func drownsTheTransfer(_ t: SanitizeLabResult.TransformResidual) -> Bool {
        LabSummary.MaterialRule.driftFactor * measuredMean(t.seeds.map { abs($0.drift) }) > result.transferOverFloor
    }

    private func measuredMean(_ values: [Double]) -> Double { mean(result.measuredSeeds.map { values[$0] }) }

    private func interval(_ t: SanitizeLabResult.TransformResidual) -> String {
        guard let low = t.ciLow, let high = t.ciHigh else {
            return "undefined: some resample of seeds shows no transfer above the floor"
        }
        return "[\(Self.share(low)), \(Self.share(high))]"
    }

    /// The published figure a lab recipe stands beside: the lab has no format transform, so its
    /// sort+remap stands beside the published three together, and its divergence replaces tokens.
    private static func publishedName(_ name: String) -> String {
        switch name {
        case "sort+remap": "format+sort+remap"
        case "divergence": "divergence (replace top 10%)"
        default: name
        }
    }

    private func anchor(for name: String) -> String {
        let published = Self.publishedName(name)
        return result.anchors.first { $0.transform == published }.map {
            Self.share($0.residual) + (published == name ? "" : ", as \(published)")
        } ?? "—"
    }

    private func seedTable() -> String {
        let md =
            "## By seed\n\nShifts in nats, student minus control student; p is the probe's paired test. A recipe's cell is "
            + "its shift and, after the slash, its drift.\n\n"
        var table = MarkdownTable(
            [
                .left("seed"), .left("original"), .left("drift (two controls)"), .left("material"),
                .left("floor (random numbers)")
            ] + result.transforms.map { .left(Escape.markdown($0.name)) })
        for (index, original) in result.original.enumerated() {
            table.add(
                [
                    "\(original.seed)", Self.nats(original.delta, original.p), String(format: "%+.3f", original.drift),
                    original.material ? "yes" : "no", Self.nats(result.floor[index].delta, result.floor[index].p)
                ]
                    + result.transforms.map {
                        String(format: "%+.3f / %+.3f", $0.seeds[index].delta, $0.seeds[index].drift)
                    })
        }
        return md + table.markdown + "\n"
    }

    private func anchors() -> String {
        let md =
            "## Published anchors\n\nAs residuals on the same scale: GPT-4.1-nano owl numbers (student owl rate 74.1% "
            + "on the original data, 13.8% on random numbers), and divergence tokens on Llama-3.2-1B.\n\n"
        var table = MarkdownTable(.left("transform"), .left("source"), .left("residual"))
        for a in result.anchors {
            table.add(Escape.markdown(a.transform), Escape.markdown(a.source), Self.share(a.residual))
        }
        return md + table.markdown
    }

    private func chart() -> String {
        let names = result.transforms.map(\.name)
        let lab = SVGChart.Series(
            name: "lab", color: "#c2410c",
            points: result.transforms.map { t in
                let value = t.residual ?? .nan
                return (t.name, value, t.ciLow ?? value, t.ciHigh ?? value)
            })
        let published = SVGChart.Series(
            name: "published", color: "#1d4ed8",
            points: names.map { name in
                let value = result.anchors.first { $0.transform == Self.publishedName(name) }?.residual ?? .nan
                return (name, value, value, value)
            })
        return SVGChart.intervals(
            title: "Residual transfer after sanitizing", yLabel: "residual (1 = nothing removed)", xLabel: "transform",
            series: [lab, published], reference: 0, referenceLabel: "floor", yFloor: -0.2, yCeiling: 1.2)
    }

    private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    static func share(_ value: Double) -> String { String(format: "%.0f%%", 100 * value) }

    static func nats(_ delta: Double, _ p: Double) -> String {
        String(format: "%+.3f", delta) + " (p " + (p < 0.001 ? String(format: "%.0e", p) : String(format: "%.3f", p))
            + ")"
    }
}

extension SanitizeLabMarkdown: ReportWriter {
    /// sanitize-lab.md, sanitize-lab.svg and sanitize-lab.json.
    package func files() throws -> [(name: String, data: Data)] {
        let (markdown, chart) = render()
        return [
            ("sanitize-lab.md", Data(markdown.utf8)), ("sanitize-lab.svg", Data(chart.utf8)),
            ("sanitize-lab.json", try jsonWithProvenance(result, provenance))
        ]
    }
}
