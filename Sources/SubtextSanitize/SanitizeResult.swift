import SubtextAudit
import SubtextTasks

/// What sanitizing did and what the audit says before and after: the sanitize.json contract.
package struct SanitizeResult: Sendable, Codable {
    package static let schemaVersion = 1
    package var schemaVersion = SanitizeResult.schemaVersion
    /// In the order they applied.
    package var transforms: [Transform]
    /// Seeds the remap's permutation.
    package var seed: UInt64
    /// The kind of data, which decides what "valid" means.
    package var family: PromptFamily
    package var divergence: DivergenceSummary?
    package var drop: DropSummary?
    package var teacher: SideManifest
    package var control: SideManifest?
    /// The teacher's responses read, and written out.
    package var rowsIn: Int
    package var rowsOut: Int
    /// The share of the teacher's written responses that pass the generation filter.
    package var validShare: Double
    /// The teacher against the control as given; nil without a control.
    package var before: AuditSnapshot?
    /// The sanitized teacher against the control put through the same transforms.
    package var after: AuditSnapshot?
    /// What the "after" audit read.
    package var afterScope: AfterScope

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", transforms, seed, family, divergence, drop, teacher, control
        case rowsIn = "rows_in", rowsOut = "rows_out", validShare = "valid_share", before, after
        case afterScope = "after_scope"
    }
}

/// What a sanitize run's "after" audit read.
package enum AfterScope: String, Codable, Sendable {
    /// Every sanitized row.
    case all
    /// When drop fitted its own rule: the responses scored by the rule fitted on the other
    /// half, so that the audit does not read the data that chose what to drop.
    case heldOutHalf = "held-out half"
}

/// How `divergence` chose: the base model, the teacher model when it is one of its own (else
/// the base is the teacher too), the teacher's system prompt, the share of the teacher's number
/// tokens replaced and the divergence (nats) above which they were.
package struct DivergenceSummary: Sendable, Codable {
    package var model: String
    package var teacherModel: String?
    package var teacherSystem: String?
    package var share: Double
    package var threshold: Double
    /// Number tokens read, by side.
    package var tokensScored: [String: Int]

    enum CodingKeys: String, CodingKey {
        case model, teacherModel = "teacher_model", teacherSystem = "teacher_system", share, threshold, tokensScored =
            "tokens_scored"
    }
}

/// How `drop` chose: the rule's origin, its budget and threshold.
package struct DropSummary: Sendable, Codable {
    /// "fitted" on these data, or the path of the saved rule applied.
    package var rule: String
    package var by: DropScore
    package var budget: Double
    package var threshold: Double
    package var fittedOn: [String: Int]

    enum CodingKeys: String, CodingKey { case rule, by, budget, threshold, fittedOn = "fitted_on" }
}

/// One side's file before and after: the manifest a data team checks before training.
package struct SideManifest: Sendable, Codable {
    package var input: String
    package var output: String
    package var rowsIn: Int
    package var rowsOut: Int
    package var rowsDropped: Int
    /// Lines the reader could not use, which are not written out.
    package var malformedSkipped: Int
    /// Responses whose text any rewrite changed, and the numbers whose written form it changed.
    package var responsesChanged: Int
    package var valuesChanged: Int
    /// Responses that pass the generation filter, before and after.
    package var validBefore: Int
    package var validAfter: Int
    /// Number tokens `divergence` replaced; nil when it did not run.
    package var tokensChanged: Int?

    enum CodingKeys: String, CodingKey {
        case input, output, rowsIn = "rows_in", rowsOut = "rows_out", rowsDropped = "rows_dropped"
        case malformedSkipped = "malformed_skipped", responsesChanged = "responses_changed"
        case valuesChanged = "values_changed", validBefore = "valid_before", validAfter = "valid_after"
        case tokensChanged = "tokens_changed"
    }
}

/// The part of an audit that says whether a channel is left: the verdict, the p-value, the
/// AUROC by bag size with intervals, and the carriers that still reach significance.
package struct AuditSnapshot: Sendable, Codable {
    package var verdict: Verdict
    package var pValue: Double
    package var auroc: ByBagSize<Double>
    package var aurocCI: ByBagSize<[Double]>
    package var carriersSignificant: Int
    /// The strongest significant teacher-side carriers, at most ten.
    package var carriers: [Carrier]
    package var teacherResponses: Int
    package var controlResponses: Int

    package init(_ audit: AuditResult) {
        verdict = audit.verdict
        pValue = audit.pValue
        auroc = audit.auroc
        aurocCI = audit.aurocCI
        carriersSignificant = audit.carriersSignificant
        carriers = Array(audit.carriers.filter { $0.q < 0.05 && $0.z > 0 }.prefix(10))
        teacherResponses = audit.documents["teacher"] ?? 0
        controlResponses = audit.documents["control"] ?? 0
    }

    enum CodingKeys: String, CodingKey {
        case verdict, pValue = "p_value", auroc, aurocCI = "auroc_ci", carriersSignificant = "carriers_significant"
        case carriers, teacherResponses = "teacher_responses", controlResponses = "control_responses"
    }
}
