import SubtextAudit
import SubtextTasks

/// What sanitizing did and what the audit says before and after: the sanitize.json contract.
public struct SanitizeResult: Sendable, Codable {
    public static let schemaVersion = 1
    public var schemaVersion = SanitizeResult.schemaVersion
    /// In the order they applied.
    public var transforms: [Transform]
    /// Seeds the remap's permutation.
    public var seed: UInt64
    /// The kind of data, which decides what "valid" means.
    public var family: PromptFamily
    public var divergence: DivergenceSummary?
    public var drop: DropSummary?
    public var teacher: SideManifest
    public var control: SideManifest?
    /// The teacher's responses read, and written out.
    public var rowsIn: Int
    public var rowsOut: Int
    /// The share of the teacher's written responses that pass the generation filter.
    public var validShare: Double
    /// The teacher against the control as given; nil without a control.
    public var before: AuditSnapshot?
    /// The sanitized teacher against the control put through the same transforms.
    public var after: AuditSnapshot?
    /// What the "after" audit read.
    public var afterScope: AfterScope

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", transforms, seed, family, divergence, drop, teacher, control
        case rowsIn = "rows_in", rowsOut = "rows_out", validShare = "valid_share", before, after
        case afterScope = "after_scope"
    }
}

/// What a sanitize run's "after" audit read.
public enum AfterScope: String, Codable, Sendable {
    /// Every sanitized row.
    case all
    /// When drop fitted its own rule: the responses scored by the rule fitted on the other
    /// half, so that the audit does not read the data that chose what to drop.
    case heldOutHalf = "held-out half"
}

/// How `divergence` chose: the base model, the teacher model when it is one of its own (else
/// the base is the teacher too), the teacher's system prompt, the share of the teacher's number
/// tokens replaced and the divergence (nats) above which they were.
public struct DivergenceSummary: Sendable, Codable {
    public var model: String
    public var teacherModel: String?
    public var teacherSystem: String?
    public var share: Double
    public var threshold: Double
    /// Number tokens read, by side.
    public var tokensScored: [String: Int]

    enum CodingKeys: String, CodingKey {
        case model, teacherModel = "teacher_model", teacherSystem = "teacher_system", share, threshold, tokensScored = "tokens_scored"
    }
}

/// How `drop` chose: the rule's origin, its budget and threshold.
public struct DropSummary: Sendable, Codable {
    /// "fitted" on these data, or the path of the saved rule applied.
    public var rule: String
    public var by: DropScore
    public var budget: Double
    public var threshold: Double
    public var fittedOn: [String: Int]

    enum CodingKeys: String, CodingKey { case rule, by, budget, threshold, fittedOn = "fitted_on" }
}

/// One side's file before and after: the manifest a data team checks before training.
public struct SideManifest: Sendable, Codable {
    public var input: String
    public var output: String
    public var rowsIn: Int
    public var rowsOut: Int
    public var rowsDropped: Int
    /// Lines the reader could not use, which are not written out.
    public var malformedSkipped: Int
    /// Responses whose text any rewrite changed, and the numbers whose written form it changed.
    public var responsesChanged: Int
    public var valuesChanged: Int
    /// Responses that pass the generation filter, before and after.
    public var validBefore: Int
    public var validAfter: Int
    /// Number tokens `divergence` replaced; nil when it did not run.
    public var tokensChanged: Int?

    enum CodingKeys: String, CodingKey {
        case input, output, rowsIn = "rows_in", rowsOut = "rows_out", rowsDropped = "rows_dropped"
        case malformedSkipped = "malformed_skipped", responsesChanged = "responses_changed"
        case valuesChanged = "values_changed", validBefore = "valid_before", validAfter = "valid_after"
        case tokensChanged = "tokens_changed"
    }
}

/// The part of an audit that says whether a channel is left: the verdict, the p-value, the
/// AUROC by bag size with intervals, and the carriers that still reach significance.
public struct AuditSnapshot: Sendable, Codable {
    public var verdict: Verdict
    public var pValue: Double
    public var auroc: ByBagSize<Double>
    public var aurocCI: ByBagSize<[Double]>
    public var carriersSignificant: Int
    /// The strongest significant teacher-side carriers, at most ten.
    public var carriers: [Carrier]
    public var teacherResponses: Int
    public var controlResponses: Int

    public init(_ audit: AuditResult) {
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
