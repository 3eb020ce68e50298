import Foundation
import SubtextAttribution
import SubtextAudit
import SubtextProbes
import SubtextSanitize
import SubtextStudents
import SubtextSupport

/// Renders a case for people: the chain of findings first (is the data different, what
/// carries it, which trait, did a student move in it), then each part's key table with a link
/// to its full report, and last how to reproduce it.
package struct CaseMarkdown {
    package let report: CaseReport
    package let provenance: Provenance

    package init(report: CaseReport, provenance: Provenance) {
        self.report = report
        self.provenance = provenance
    }

    package func render() -> String {
        var sections = [chain(), auditTable()]
        if let attribution = report.attribution { sections.append(attributionSection(attribution)) }
        if !report.probes.isEmpty { sections.append(probeSection()) }
        if let sanitize = report.sanitize { sections.append(sanitizeSection(sanitize)) }
        if let transfer = report.transfer { sections.append(transferSection(transfer)) }
        sections.append(reproduce())
        return sections.joined(separator: "\n")
    }

    /// The findings, each resting on the one before.
    private func chain() -> String {
        let audit = report.audit
        var text = "# Subtext case report\n\n"
        text +=
            audit.verdict == .signal
            ? "**Verdict: the data differs from its control.**\n\n"
            : "**Verdict: no difference found from its control.**\n\n"
        if let mismatches = report.mismatches {
            text +=
                "**Parts of other data, joined on request (`--allow-mismatch`):** "
                + mismatches.map {
                    "\($0.part) (\(Escape.markdown($0.file))) did not read "
                        + $0.unread.map { Escape.markdown($0) }.joined(separator: ", ")
                }.joined(separator: "; ")
                + ". What they found is about other data than the audit's, and the chain below does not hold for them.\n\n"
        }
        let auroc =
            audit.auroc.map { value in
                "AUROC at K = \(audit.bagSize ?? 1) \(String(format: "%.3f", value))"
                    + (audit.aurocCI.map { " [\(String(format: "%.3f", $0[0])), \(String(format: "%.3f", $0[1]))]" }
                        ?? "")
            } ?? "AUROC not computed"
        if audit.verdict == .signal {
            text +=
                "1. The data differs from its control: \(formatP(audit.pValue, floor: nil)), \(auroc) "
                + "([audit](\(link(audit.report))), \(audit.teacherResponses) teacher and \(audit.controlResponses) control responses).\n"
            let carriers = audit.carriers.map { "\"\(Escape.markdown($0))\"" }.joined(separator: ", ")
            text +=
                "2. Carried by \(audit.carriedBy?.rawValue ?? "the features together")"
                + (carriers.isEmpty ? "; no single token stands out.\n" : "; strongest tokens \(carriers).\n")
        } else {
            text +=
                "1. No difference from its control at α = \(audit.alpha): \(formatP(audit.pValue, floor: nil)), \(auroc) "
                + "([audit](\(link(audit.report)))). This is not a clean bill: a per-response AUROC below "
                + String(format: "%.3f", audit.minimumDetectableAUROC) + " would be missed 20% of the time or more.\n"
        }
        var step = audit.verdict == .signal ? 3 : 2
        if let attribution = report.attribution {
            let score = String(
                format: "%+.3f [%+.3f, %+.3f] nats", attribution.score, attribution.low, attribution.high)
            text +=
                "\(step). Closest trait: "
                + (attribution.claimed.map {
                    "**\(Escape.markdown($0))**, claimed (\(attribution.scoreKind.rawValue) score \(score))"
                } ?? "\(Escape.markdown(attribution.top)), not claimed: its lead or interval does not clear 0 "
                    + "(\(attribution.scoreKind.rawValue) score \(score))")
                + " ([attribution](\(link(attribution.report)))).\n"
            step += 1
        }
        for probe in report.probes {
            let describe = { (shift: ProbeResult.Shift) in
                "\(Escape.markdown(shift.model)) \(Escape.markdown(shift.category)) \(ProbeMarkdown.describe(shift)), q = \(scientific(shift.q))"
            }
            let subject =
                "\(Escape.markdown(probe.trait ?? "no trait")) against \(Escape.markdown(probe.reference ?? "the reference"))"
            text +=
                "\(step). Probe \(Escape.markdown(probe.battery)), \(subject): "
                + (probe.shifts.isEmpty
                    ? "not tested, as no model named it" : probe.shifts.map(describe).joined(separator: "; "))
                + (probe.foundElsewhere.isEmpty
                    ? ""
                    : "; found in other traits: " + probe.foundElsewhere.prefix(3).map(describe).joined(separator: "; "))
                + " ([probe](\(link(probe.report)))).\n"
            step += 1
        }
        if let sanitize = report.sanitize {
            text +=
                "\(step). Sanitized (\(sanitize.transforms.joined(separator: ", "))): kept \(sanitize.rowsOut) of "
                + "\(sanitize.rowsIn) teacher rows; after, " + afterSummary(sanitize)
                + " ([sanitize](\(link(sanitize.report)))).\n"
            step += 1
        }
        if let transfer = report.transfer {
            text += "\(step). " + transferSummary(transfer) + " ([transfer](\(link(transfer.report)))).\n"
        }
        if let disagreement = traitDisagreement() { text += "\n" + disagreement + "\n" }
        text +=
            "\nA difference from the control says the teacher data is distinguishable from it; whether the "
            + "difference carries a trait into a student is what the attribution and the probes measure.\n"
        return text
    }

    /// Where a probe found traits and the attribution's closest trait is none of them, the first
    /// screen says so and which part to believe for what, so that a reader does not take the
    /// attribution's leader for the trait.
    func traitDisagreement() -> String? {
        guard let attribution = report.attribution else { return nil }
        let found = report.probes.flatMap { $0.shifts.filter(\.isFound) + $0.foundElsewhere }.map(\.category)
        guard !found.isEmpty, !found.contains(attribution.top) else { return nil }
        let names = Array(Set(found)).sorted().map { "**\(Escape.markdown($0))**" }.joined(separator: ", ")
        let top = Escape.markdown(attribution.top)
        let attributionSays =
            attribution.claimed == nil
            ? "The attribution ranks \(top) closest but does not claim it: its lead or interval does not clear 0, so the "
                + "ranking is no evidence for \(top)."
            : "The attribution claims \(top) from the data alone."
        return "**The parts disagree on the trait.** " + attributionSays
            + " The probe found \(names) in a model's answers: "
            + "that is a measured shift in the model itself, so it is the finding to act on; the attribution can only rank "
            + "the concepts it was given, by how their prompts move a model's likelihood of the data."
    }

    private func auditTable() -> String {
        let audit = report.audit
        var table = MarkdownTable(
            .left("verdict"), .left("p"), .left("AUROC"), .left("carried by"),
            .left("teacher / control responses"), .left("prompts confounded"))
        table.add(
            audit.verdict.rawValue, scientific(audit.pValue),
            audit.auroc.map { String(format: "%.3f", $0) + " (K = \(audit.bagSize ?? 1))" } ?? "n/a",
            audit.carriedBy?.rawValue ?? "–", "\(audit.teacherResponses) / \(audit.controlResponses)",
            audit.promptsConfounded ? "**yes**" : "no")
        return "## Audit\n\n" + table.markdown
            + "\nFull report: [\(Escape.markdown(audit.report))](\(link(audit.report)))\n"
    }

    private func attributionSection(_ attribution: CaseReport.AttributionPart) -> String {
        var table = MarkdownTable(
            .left("top concept"), .left("\(attribution.scoreKind.rawValue) score (nats)"),
            .left("95% interval"), .left("claimed"))
        table.add(
            Escape.markdown(attribution.top), String(format: "%+.3f", attribution.score),
            String(format: "[%+.3f, %+.3f]", attribution.low, attribution.high),
            attribution.claimed.map { Escape.markdown($0) } ?? "none")
        return "## Attribution\n\n" + table.markdown
            + "\nFull report: [\(Escape.markdown(attribution.report))](\(link(attribution.report)))\n"
    }

    private func probeSection() -> String {
        var table = MarkdownTable(
            .left("battery"), .left("model"), .left("against"), .left("trait"), .left("shift [95% CI]"),
            .left("q"), .left("found"))
        for probe in report.probes {
            let battery = Escape.markdown(probe.battery)
            let reference = Escape.markdown(probe.reference ?? "–")
            if probe.shifts.isEmpty {
                table.add(
                    battery, "–", reference, Escape.markdown(probe.trait ?? "–"), "not tested: no model named it", "–",
                    "no")
            }
            for shift in probe.shifts + probe.foundElsewhere {
                table.add(
                    battery, Escape.markdown(shift.model), reference, Escape.markdown(shift.category),
                    ProbeMarkdown.describe(shift), scientific(shift.q), shift.isFound ? "yes" : "no")
            }
        }
        let links = report.probes.map { "[\(Escape.markdown($0.report))](\(link($0.report)))" }
        return "## Probes\n\n" + table.markdown + "\nFull reports: " + links.joined(separator: ", ") + "\n"
    }

    private func afterSummary(_ sanitize: CaseReport.SanitizePart) -> String {
        guard let verdict = sanitize.afterVerdict, let p = sanitize.afterPValue else {
            return "not audited (no control)"
        }
        let auroc =
            sanitize.afterAUROC.map { "AUROC at K = \(sanitize.bagSize ?? 1) " + String(format: "%.3f", $0) }
            ?? "AUROC not computed"
        return (verdict == .signal ? "a channel is left" : "no channel detected")
            + ": \(formatP(p, floor: nil)), \(auroc)"
            + (sanitize.afterScope == .all ? "" : ", on the half the drop rule did not see")
    }

    private func sanitizeSection(_ sanitize: CaseReport.SanitizePart) -> String {
        var table = MarkdownTable(.left("transforms"), .left("teacher rows kept"), .left("valid"), .left("after"))
        table.add(
            sanitize.transforms.joined(separator: ", "), "\(sanitize.rowsOut) of \(sanitize.rowsIn)",
            percent(sanitize.validShare), afterSummary(sanitize))
        return "## Sanitize\n\n" + table.markdown
            + "\nFull report: [\(Escape.markdown(sanitize.report))](\(link(sanitize.report)))\n"
    }

    /// Whether a student moved: the chain's trait first, then any trait that moved materially.
    private func transferSummary(_ transfer: CaseReport.TransferPart) -> String {
        let describe = { (trait: TransferResult.Trait) in
            "\(Escape.markdown(trait.name)) "
                + String(format: "%+.3f [%+.3f, %+.3f] nats", trait.shift, trait.ciLow, trait.ciHigh)
                + ", q = \(scientific(trait.q)), training noise " + String(format: "%.3f", trait.noise)
        }
        let moved = transfer.material.map(describe).joined(separator: "; ")
        guard let trait = transfer.trait else {
            return transfer.material.isEmpty
                ? "A student of the data moved in no trait (detectable from "
                    + String(format: "%.3f", transfer.detectable) + " nats)"
                : "A student of the data moved: \(moved)"
        }
        let lead =
            trait.material
            ? "**A student of the data moved** toward \(describe(trait))"
            : "A student of the data did not move materially in \(describe(trait)) (detectable from "
                + String(format: "%.3f", trait.detectable) + " nats)"
        let others = transfer.material.filter { $0.name != trait.name }
        return lead + (others.isEmpty ? "" : "; it moved in " + others.map(describe).joined(separator: "; "))
    }

    private func transferSection(_ transfer: CaseReport.TransferPart) -> String {
        var table = MarkdownTable(
            .left("trait"), .left("shift [95% CI] (nats)"), .left("q"), .left("noise (sd)"),
            .left("detectable"), .left("material"))
        var rows = transfer.material
        if let trait = transfer.trait, !rows.contains(where: { $0.name == trait.name }) { rows.insert(trait, at: 0) }
        for trait in rows {
            table.add(
                Escape.markdown(trait.name),
                String(format: "%+.3f [%+.3f, %+.3f]", trait.shift, trait.ciLow, trait.ciHigh),
                scientific(trait.q), String(format: "%.3f", trait.noise), String(format: "%.3f", trait.detectable),
                trait.material ? "yes" : "no")
        }
        return "## Transfer\n\n" + table.markdown
            + "\nFull report: [\(Escape.markdown(transfer.report))](\(link(transfer.report)))\n"
    }

    private func reproduce() -> String {
        var text = "## Reproduce\n\n```sh\n\(provenance.command)\n```\n\n"
        text +=
            "Subtext \(provenance.toolVersion)" + (provenance.commit.map { " (commit \($0))" } ?? "")
            + ". Parts joined:\n\n"
        for input in provenance.inputs { text += "- \(Escape.markdown(input.path)), SHA-256 `\(input.sha256)`\n" }
        return text + "\nEach part's own report says how to reproduce it.\n"
    }

    /// A link target: the relative path with spaces and parentheses escaped.
    private func link(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "()")))
            ?? path
    }
}
