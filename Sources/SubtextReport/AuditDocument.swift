import Foundation
import SubtextAttribution
import SubtextAudit
import SubtextSupport

/// audit.json: the audit result's keys at the top level, plus `provenance` and, when the audit
/// ran with a model, `attribution` (the ranked concepts), `attribution_summary` and
/// `entanglement`. The markdown is rendered from this alone, so `subtext report audit.json`
/// re-renders a report.
package struct AuditDocument: Codable, Sendable {
    package var result: AuditResult
    package var provenance: Provenance
    package var attribution: LikelihoodShift.Result?
    package var entanglement: [EntanglementScan.Lift]?

    package init(
        result: AuditResult, provenance: Provenance, attribution: LikelihoodShift.Result? = nil,
        entanglement: [EntanglementScan.Lift]? = nil
    ) {
        self.result = result
        self.provenance = provenance
        self.attribution = attribution
        self.entanglement = entanglement
    }

    enum CodingKeys: String, CodingKey {
        case provenance, attribution, entanglement, evidence
        case attributionSummary = "attribution_summary"
    }

    /// The attribution's fields other than its ranking, which goes under `attribution` as the
    /// plain array pipelines read.
    private struct AttributionSummary: Codable {
        var claimed: String?
        var leadLow: Double, leadHigh: Double
        var template: String
        var teacherResponses: Int, controlResponses: Int
        var paired: Bool
        var tokensDecoded: Int
        /// Absent from audit.json files written before attribution journaled its scores.
        var textsReused: Int?
        var seconds: Double
        var panel: [LikelihoodShift.Result.PanelMember]?

        enum CodingKeys: String, CodingKey {
            case claimed, template, paired, seconds, panel
            case leadLow = "lead_low", leadHigh = "lead_high", teacherResponses = "teacher_responses"
            case controlResponses = "control_responses", tokensDecoded = "tokens_decoded", textsReused = "texts_reused"
        }
    }

    package func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        // Pipelines read the sentences too; they are rewritten from the numbers on every render.
        try container.encode(AuditEvidence.sentences(result), forKey: .evidence)
        try container.encode(provenance, forKey: .provenance)
        if let a = attribution {
            try container.encode(a.scores, forKey: .attribution)
            try container.encode(
                AttributionSummary(
                    claimed: a.claimed, leadLow: a.leadLow, leadHigh: a.leadHigh, template: a.template,
                    teacherResponses: a.teacherResponses, controlResponses: a.controlResponses, paired: a.paired,
                    tokensDecoded: a.tokensDecoded, textsReused: a.textsReused, seconds: a.seconds, panel: a.panel),
                forKey: .attributionSummary)
        }
        try container.encodeIfPresent(entanglement, forKey: .entanglement)
    }

    package init(from decoder: Decoder) throws {
        result = try AuditResult(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        provenance = try container.decode(Provenance.self, forKey: .provenance)
        if let scores = try container.decodeIfPresent([LikelihoodShift.Score].self, forKey: .attribution) {
            let s = try container.decode(AttributionSummary.self, forKey: .attributionSummary)
            attribution = LikelihoodShift.Result(
                scores: scores, claimed: s.claimed, leadLow: s.leadLow, leadHigh: s.leadHigh, template: s.template,
                teacherResponses: s.teacherResponses, controlResponses: s.controlResponses, paired: s.paired,
                tokensDecoded: s.tokensDecoded, textsReused: s.textsReused ?? 0, seconds: s.seconds)
            attribution?.panel = s.panel
        }
        entanglement = try container.decodeIfPresent([EntanglementScan.Lift].self, forKey: .entanglement)
    }

    package func jsonData() throws -> Data {
        try JSONCoding.document.encode(self)
    }

    package static func read(_ path: String) throws -> AuditDocument {
        try JSONFile.decode(AuditDocument.self, path: path)
    }
}

extension AuditMarkdown: ReportWriter {
    /// audit.json, audit.md and the charts.
    package func files() throws -> [(name: String, data: Data)] {
        let rendered = render()
        return [("audit.json", try document.jsonData()), ("audit.md", Data(rendered.markdown.utf8))]
            + rendered.charts.map { ($0.name, Data($0.svg.utf8)) }
    }
}
