import Foundation
import SubtextAttribution
import SubtextAudit
import SubtextProbes
import SubtextSanitize
import SubtextStudents
import SubtextSupport

/// One case: an audit of a dataset, and whatever attribution and probes were run on it, joined
/// into one chain of findings. case.json holds this; case.md is rendered from it. Each part
/// keeps its own full report, which the case links to.
package struct CaseReport: Codable, Sendable {
    package static let schemaVersion = 1

    /// The audit's verdict and the numbers the chain quotes.
    package struct AuditPart: Codable, Sendable {
        /// The part's full report, relative to the case's directory.
        package var report: String
        package var verdict: Verdict
        package var alpha: Double
        package var pValue: Double
        /// The largest bag size with an AUROC, and that AUROC with its interval.
        package var bagSize: Int?
        package var auroc: Double?
        package var aurocCI: [Double]?
        package var carriedBy: SignalCarrier?
        /// Tokens over-represented in the teacher data at q < 0.05, strongest first (at most 5).
        package var carriers: [String]
        package var promptsConfounded: Bool
        package var teacherResponses: Int
        package var controlResponses: Int
        package var minimumDetectableAUROC: Double

        enum CodingKeys: String, CodingKey {
            case report, verdict, alpha, pValue = "p_value", bagSize = "bag_size", auroc, aurocCI = "auroc_ci"
            case carriedBy = "carried_by", carriers, promptsConfounded = "prompts_confounded"
            case teacherResponses = "teacher_responses", controlResponses = "control_responses"
            case minimumDetectableAUROC = "minimum_detectable_auroc"
        }
    }

    /// Which candidate trait explains the data best.
    package struct AttributionPart: Codable, Sendable {
        package var report: String
        /// The concept claimed, when the claim rule allowed one.
        package var claimed: String?
        /// The top-ranked concept and its ranking score (nats) with interval.
        package var top: String
        package var score: Double
        package var low: Double
        package var high: Double
        /// Which score ranked: "centred" (on a reference panel), "calibrated" or "plain" from a
        /// model; "panel" (mean log-likelihood under the trait's writing, centred on the panel)
        /// without one.
        package var scoreKind: AttributionRanking.Measure

        enum CodingKeys: String, CodingKey {
            case report, claimed, top, score, low, high, scoreKind = "score_kind"
        }

        init(_ ranking: AttributionRanking, link: String) {
            report = link
            let top = ranking.entries[0]
            (claimed, self.top, score, low, high) = (ranking.claimed, top.name, top.score, top.low, top.high)
            scoreKind = ranking.measure
        }
    }

    /// What the case reads of an attribution.json, whichever mode wrote it.
    struct AttributionFile: Decodable {
        var ranking: AttributionRanking
    }

    /// What one probe run measured in the case's trait.
    package struct ProbePart: Codable, Sendable {
        package var report: String
        package var battery: String
        /// The model the others were compared with (the control student, say).
        package var reference: String?
        package var trait: String?
        /// Each model's shift in `trait` against the reference.
        package var shifts: [ProbeResult.Shift]
        /// Shifts found in other categories (q < 0.05, interval clear of 0), largest first.
        package var foundElsewhere: [ProbeResult.Shift]

        enum CodingKeys: String, CodingKey {
            case report, battery, reference, trait, shifts, foundElsewhere = "found_elsewhere"
        }
    }

    /// What sanitizing the teacher left, from `subtext sanitize`.
    package struct SanitizePart: Codable, Sendable {
        package var report: String
        package var transforms: [String]
        package var rowsIn: Int
        package var rowsOut: Int
        package var validShare: Double
        package var afterVerdict: Verdict?
        package var afterPValue: Double?
        /// The after audit's largest bag size with an AUROC, and that AUROC with its interval.
        package var bagSize: Int?
        package var afterAUROC: Double?
        package var afterAUROCCI: [Double]?
        /// Everything, or the held-out half when drop fitted its own rule.
        package var afterScope: AfterScope

        enum CodingKeys: String, CodingKey {
            case report, transforms, rowsIn = "rows_in", rowsOut = "rows_out", validShare = "valid_share"
            case afterVerdict = "after_verdict", afterPValue = "after_p_value", bagSize = "bag_size"
            case afterAUROC = "after_auroc", afterAUROCCI = "after_auroc_ci", afterScope = "after_scope"
        }

        init(_ result: SanitizeResult, link: String) {
            let after = result.after
            let largest = after.flatMap { audit in audit.auroc.sizes.last { audit.auroc[$0] != nil } }
            (report, transforms, rowsIn, rowsOut, validShare) = (
                link, result.transforms.map(\.rawValue), result.rowsIn,
                result.rowsOut, result.validShare
            )
            (afterVerdict, afterPValue, bagSize, afterScope) = (
                after?.verdict, after?.pValue, largest, result.afterScope
            )
            afterAUROC = largest.flatMap { after?.auroc[$0] }
            afterAUROCCI = largest.flatMap { after?.aurocCI[$0] }
        }
    }

    /// Whether a student of the data moved, from `subtext transfer`.
    package struct TransferPart: Codable, Sendable {
        package var report: String
        /// The chain's trait as the transfer measured it, when the battery has it.
        package var trait: TransferResult.Trait?
        /// The traits that moved materially, largest shift first.
        package var material: [TransferResult.Trait]
        /// The smallest detectable shift over the battery's traits.
        package var detectable: Double

        init(_ result: TransferResult, link: String, trait: String?) {
            report = link
            self.trait = trait.flatMap { name in result.traits.first { $0.name == name } }
            material = result.materialTraits
            detectable = result.traits.map(\.detectable).min() ?? 0
        }
    }

    package var schemaVersion = CaseReport.schemaVersion
    package var audit: AuditPart
    package var attribution: AttributionPart?
    /// The trait the chain follows: the attribution's claim, else its top concept, else the
    /// trait that moved most in the first probe.
    package var trait: String?
    package var probes: [ProbePart]
    /// Absent when no sanitize run was joined (an optional addition to schema 1).
    package var sanitize: SanitizePart?
    /// Absent when no transfer test was joined (an optional addition to schema 1).
    package var transfer: TransferPart?
    /// Parts joined although they did not read the audit's data (`--allow-mismatch`); absent
    /// when every part read it (an optional addition to schema 1).
    package var mismatches: [CaseDataMismatch]?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", audit, attribution, trait, probes, sanitize, transfer, mismatches
    }

    /// Joins the parts. `links` name each part's report relative to the case's directory.
    package init(
        audit: AuditDocument, auditLink: String, attribution: (AttributionRanking, link: String)?,
        probes: [(ProbeResult, link: String)], sanitize: (SanitizeResult, link: String)? = nil,
        transfer: (TransferResult, link: String)? = nil
    ) {
        let result = audit.result
        let largest = result.auroc.sizes.last { result.auroc[$0] != nil }
        self.audit = AuditPart(
            report: auditLink, verdict: result.verdict, alpha: result.alpha, pValue: result.pValue, bagSize: largest,
            auroc: largest.flatMap { result.auroc[$0] }, aurocCI: largest.flatMap { result.aurocCI[$0] },
            carriedBy: result.carriedBy, carriers: Array(result.carriers.filter { $0.q < 0.05 }.prefix(5).map(\.token)),
            promptsConfounded: result.promptsConfounded, teacherResponses: result.documents["teacher"] ?? 0,
            controlResponses: result.documents["control"] ?? 0, minimumDetectableAUROC: result.minimumDetectableAUROC)
        // An attribution run on its own comes first; one inside the audit serves otherwise.
        let ranked = attribution ?? audit.attribution.map { ($0.ranking, link: auditLink) }
        self.attribution = ranked.map { AttributionPart($0, link: $1) }
        let trait =
            self.attribution.map { $0.claimed ?? $0.top }
            ?? probes.first?.0.shifts.filter(\.isFound).max { abs($0.delta) < abs($1.delta) }?.category
        self.trait = trait
        self.probes = probes.map { probe, link in
            ProbePart(
                report: link, battery: probe.battery, reference: probe.reference, trait: trait,
                shifts: probe.shifts.filter { $0.category == trait },
                foundElsewhere: probe.shifts.filter { $0.isFound && $0.category != trait }.sorted {
                    abs($0.delta) > abs($1.delta)
                })
        }
        self.sanitize = sanitize.map { SanitizePart($0, link: $1) }
        self.transfer = transfer.map { TransferPart($0, link: $1, trait: trait) }
    }
}

extension CaseMarkdown: ReportWriter {
    /// case.md and case.json.
    package func files() throws -> [(name: String, data: Data)] {
        [("case.md", Data(render().utf8)), ("case.json", try jsonWithProvenance(report, provenance))]
    }
}
