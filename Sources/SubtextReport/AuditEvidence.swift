import Foundation
import SubtextAudit

/// The sentences a person acts on, written from an audit's numbers: what was found, what
/// carries it and, for "no-signal", what could have gone unseen. Most important first.
package enum AuditEvidence {
    package static func sentences(_ result: AuditResult) -> [String] {
        var evidence: [String] = []
        let pText = formatP(result.pValue, floor: result.pValueFloor)
        let classifierText = formatP(result.classifierP, floor: result.classifierFloor)
        let k1 = result.auroc[1].map { String(format: "%.3f", $0) } ?? "n/a"
        let largest = result.auroc.sizes.last(where: { result.auroc[$0] != nil })
        let bagText =
            largest.flatMap { k in
                k > 1 ? result.auroc[k].map { String(format: ", %.3f for bags of %d", $0, k) } : nil
            } ?? ""
        if result.verdict == .signal {
            evidence.append(
                "The teacher data differs from the control: global \(pText). The classifier separates them with "
                    + "held-out AUROC \(k1) per response\(bagText) (\(testDescription(result, classifierText))); "
                    + "the strongest single token gives Bonferroni "
                    + "\(formatP(result.carrierP, floor: nil)).")
            if let carriedBy = result.carriedBy {
                evidence.append(
                    "Carried by \(carriedBy.rawValue): content AUROC \(auroc(result.content)) "
                        + "(\(formatP(result.content.pValue, floor: result.classifierFloor))), format AUROC \(auroc(result.format)) "
                        + "(\(formatP(result.format.pValue, floor: result.classifierFloor))).")
            }
        } else {
            evidence.append(
                "No difference found at α = \(result.alpha): global \(pText); held-out AUROC \(k1) "
                    + "(classifier \(classifierText)), strongest token Bonferroni \(formatP(result.carrierP, floor: nil)). "
                    + "This is not a clean bill: with \(result.documents["teacher"] ?? 0) teacher and "
                    + "\(result.documents["control"] ?? 0) control responses, a per-response AUROC below "
                    + String(format: "%.3f", result.minimumDetectableAUROC)
                    + " would be missed 20% of the time or more.")
        }
        let significant = result.carriers.filter { $0.q < 0.05 }
        if result.carriersSignificant > 0 {
            let teachers = result.documents["teacher"] ?? 0
            let controls = result.documents["control"] ?? 0
            let top = significant.prefix(5).map {
                "\"\($0.token)\" in \(share($0.teacherDocuments, of: teachers)) of \(teachers) teacher responses "
                    + "against \(share($0.controlDocuments, of: controls)) of \(controls)"
            }
            evidence.append(
                "\(result.carriersSignificant) token(s) are over-represented in teacher responses with q below 0.05; "
                    + "strongest: " + top.joined(separator: ", ") + ".")
        }
        if result.promptsConfounded, let prompt = result.prompt {
            evidence.append(
                "Warning: the prompts differ between the sides (prompt-only AUROC \(auroc(prompt)), "
                    + "\(formatP(prompt.pValue, floor: result.classifierFloor))). The comparison is confounded: "
                    + "part of any difference may come from what was asked, not from the teacher.")
        }
        for (concept, rate) in result.leaks.concepts.sorted(by: { $0.key < $1.key })
        where rate.teacher > rate.control && rate.p <= result.alpha {
            evidence.append(
                "The trait leaks in plain words: \(rate.teacher) teacher responses name \"\(concept)\" "
                    + "against \(rate.control) control responses (Fisher \(formatP(rate.p, floor: nil))).")
        }
        if result.leaks.wordy.teacher > 0 || result.leaks.wordy.control > 0, result.view == .numbers {
            evidence.append(
                "\(result.leaks.wordy.teacher) teacher and \(result.leaks.wordy.control) control responses "
                    + "contain words where numbers were asked for.")
        }
        if result.malformed > 0 {
            evidence.append("\(result.malformed) malformed line(s) were skipped; see the list below.")
        }
        return evidence
    }

    /// A note on how the audit was computed, as a sentence.
    package static func sentence(_ note: AuditNote) -> String {
        switch note {
        case .tooFewForBags(let group, let bagSize, let needed, let teacher, let control):
            return "\(group) AUROC at K = \(bagSize) needs \(needed) responses per side for "
                + "\(needed / bagSize) bags; teacher has \(teacher), control \(control)"
        case .pairedByPrompt:
            return "Both sides have exactly the same prompts, so prompts cannot explain a difference; "
                + "the prompt-only check was skipped. Each prompt's answers were kept in one fold, and labels "
                + "were permuted and resampled within prompts (a paired test)."
        case .noPrompts:
            return "The records have no prompts, so prompt differences could not be checked."
        }
    }

    /// A count as a share of its denominator: "14.8%".
    private static func share(_ count: Int, of total: Int) -> String {
        total > 0 ? percent(Double(count) / Double(total)) : "n/a"
    }

    private static func auroc(_ report: SeparabilityReport) -> String {
        report.auroc[1].map { String(format: "%.3f", $0) } ?? "n/a"
    }
}

/// "p ≤ 1e-4 (the permutation floor)" when a permutation p-value sits at its floor, where the
/// true value may be smaller; else "p = 0.0123".
func formatP(_ p: Double, floor: Double?) -> String {
    if p < 1e-300 { return "p < 1e-300" }
    guard let floor, abs(p - floor) <= floor * 1e-9 else { return "p = \(scientific(p))" }
    return "p ≤ \(scientific(floor)) (the permutation floor)"
}

/// The classifier test in a few words, around its p-value.
func testDescription(_ result: AuditResult, _ pText: String) -> String {
    switch result.classifierTest.kind {
    case .permutation:
        return "exact permutation \(pText), "
            + (result.promptsIdentical ? "labels swapped within prompts" : "whole responses relabelled")
            + ", B = \(result.permutations)"
    case .heldOut:
        let tested = result.classifierTest.tested ?? [:]
        return "rank test on \(tested["teacher"] ?? 0) teacher and \(tested["control"] ?? 0) control responses "
            + "that no fit saw, \(pText)"
    }
}

extension AuditResult {
    /// The smallest classifier p-value the test can report: 1 / (B + 1) for permutations.
    var classifierFloor: Double? {
        classifierTest.kind == .permutation ? 1 / Double(permutations + 1) : nil
    }
}

/// A p-value or q-value as people read it: 4 significant digits, or scientific notation below
/// 0.001, and "< 1e-300" below what a double holds (Fisher's test on a million responses gets
/// there).
package func scientific(_ value: Double) -> String {
    if value < 1e-300 { return "< 1e-300" }
    return value >= 0.001 ? String(format: "%.4g", value) : String(format: "%.2e", value)
}
