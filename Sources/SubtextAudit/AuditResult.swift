import SubtextCorpus
import SubtextStatistics

/// Values keyed by bag size, encoded as {"1": x, "8": y, "16": z} with null where a value
/// could not be computed (the reason is in the result's notes).
public struct ByBagSize<Value: Codable & Sendable>: Codable, Sendable {
    public var values: [Int: Value]
    public var sizes: [Int]

    public init(_ values: [Int: Value], sizes: [Int]) {
        self.values = values
        self.sizes = sizes
    }

    public subscript(k: Int) -> Value? { values[k] }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        for k in sizes {
            if let value = values[k] {
                try container.encode(value, forKey: AnyKey(k))
            } else {
                try container.encodeNil(forKey: AnyKey(k))
            }
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        sizes = container.allKeys.compactMap { Int($0.stringValue) }.sorted()
        values = [:]
        for key in container.allKeys {
            if let k = Int(key.stringValue), let value = try container.decodeIfPresent(Value.self, forKey: key) {
                values[k] = value
            }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { Int(stringValue) }
        init(_ k: Int) { stringValue = String(k) }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { stringValue = String(intValue) }
    }
}

/// One feature group's separability, as written to audit.json.
public struct SeparabilityReport: Codable, Sendable {
    public var auroc: ByBagSize<Double>
    /// [low, high] 95% intervals: refitted bootstrap for the exact test, DeLong's for the
    /// held-out test.
    public var aurocCI: ByBagSize<[Double]>
    /// The classifier test's p-value for this group.
    public var pValue: Double

    init(_ s: Separability, sizes: [Int]) {
        auroc = ByBagSize(s.auroc, sizes: sizes)
        aurocCI = ByBagSize(s.interval.mapValues { [$0.low, $0.high] }, sizes: sizes)
        pValue = s.p
    }

    enum CodingKeys: String, CodingKey {
        case auroc, aurocCI = "auroc_ci", pValue = "p_value"
    }
}

/// The verdict of an audit and the evidence behind it: the audit.json contract.
public struct AuditResult: Codable, Sendable {
    /// 3: `classifier_test` says which test gave `classifier_p`; `p_value_floor` is null for
    /// the held-out test, which has none. 4: `operating_points`; `minimum_detectable_auroc`
    /// from the test that ran, at α/2.
    public static let schemaVersion = 4

    public var schemaVersion = AuditResult.schemaVersion
    public var name: String
    public var verdict: Verdict
    /// Which feature groups separate the sides on their own; nil when there is no signal.
    public var carriedBy: SignalCarrier?
    public var alpha: Double
    /// The global p-value: Bonferroni's combination, 2 · min, of `classifierP` and `carrierP`.
    /// The classifier pools weak evidence across many features; the carrier test finds a
    /// few strong tokens that the classifier would dilute. Each is valid, so the pair is too.
    public var pValue: Double
    /// The smallest global p-value the permutations could report, 2 / (B + 1); nil for the
    /// held-out test.
    public var pValueFloor: Double?
    /// The p-value of the all-features classifier test.
    public var classifierP: Double
    /// The smallest carrier Fisher p-value times the number of tokens tested (Bonferroni),
    /// capped at 1: valid whatever the dependence between tokens.
    public var carrierP: Double
    /// Which test gave the classifier's p-values, and why that one.
    public var classifierTest: ClassifierTest
    public var auroc: ByBagSize<Double>
    public var aurocCI: ByBagSize<[Double]>
    public var formatAUROC: ByBagSize<Double>
    public var content: SeparabilityReport
    public var format: SeparabilityReport
    public var all: SeparabilityReport
    /// Prompts alone; null when the records have no prompts.
    public var prompt: SeparabilityReport?
    public var promptsConfounded: Bool
    /// Both sides answered exactly the same prompts.
    public var promptsIdentical: Bool
    /// The smallest K = 1 AUROC the classifier test that ran detects with 80% power when the
    /// global p (2 · min of two tests) must reach `alpha`.
    public var minimumDetectableAUROC: Double
    /// TPR at fixed FPRs for each bag size, with precision at a base rate (binormal, from the
    /// held-out scores); absent in results written before schema 4.
    public var operatingPoints: [OperatingPoint]?
    public var carriers: [Carrier]
    public var carriersTested: Int
    public var carriersSignificant: Int
    /// Jensen–Shannon distance (bits) between the sides' token distributions in this view.
    public var jensenShannonDistance: Double
    /// The features whose means differ most between the sides, in standard deviations.
    public var strongestFeatures: [FeatureDifference]
    public var leaks: LeakScan
    public var malformed: Int
    public var malformedLines: [MalformedLine]
    public var documents: [String: Int]
    public var view: View
    public var seed: UInt64
    /// Permutations of the exact test; 0 when the held-out test ran.
    public var permutations: Int
    public var folds: Int
    public var inputs: [String: [String]]
    public var notes: [AuditNote]
    public var perFile: [AuditResult]?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", name, verdict, carriedBy = "carried_by", alpha
        case pValue = "p_value", pValueFloor = "p_value_floor", classifierP = "classifier_p", carrierP = "carrier_p",
            classifierTest = "classifier_test", auroc, aurocCI = "auroc_ci"
        case formatAUROC = "format_auroc", content, format, all, prompt, promptsConfounded = "prompts_confounded"
        case promptsIdentical = "prompts_identical"
        case minimumDetectableAUROC = "minimum_detectable_auroc", operatingPoints = "operating_points", carriers,
            carriersTested = "carriers_tested"
        case carriersSignificant = "carriers_significant", jensenShannonDistance = "js_distance"
        case strongestFeatures = "strongest_features", leaks, malformed, malformedLines = "malformed_lines"
        case documents, view, seed, permutations, folds, inputs, notes, perFile = "per_file"
    }
}

public enum Verdict: String, Codable, Sendable {
    case signal
    case noSignal = "no-signal"
}

/// Which feature groups separate teacher from control on their own, at the audit's α.
public enum SignalCarrier: String, Codable, Sendable {
    case content
    case format
    case contentAndFormat = "content and format"
    /// Neither group alone, only all features together.
    case combinedOnly = "combined only"

    init(content: Bool, format: Bool) {
        switch (content, format) {
        case (true, true): self = .contentAndFormat
        case (true, false): self = .content
        case (false, true): self = .format
        case (false, false): self = .combinedOnly
        }
    }
}

/// Something the reader of an audit should know about how it was computed.
public enum AuditNote: Codable, Sendable, Equatable {
    /// A bag AUROC was skipped: bags of `bagSize` need `needed` responses a side.
    case tooFewForBags(group: String, bagSize: Int, needed: Int, teacher: Int, control: Int)
    /// Both sides answered the same prompts, so the design was paired and the prompt-only
    /// check was skipped.
    case pairedByPrompt
    /// The records carry no prompts, so prompt differences could not be checked.
    case noPrompts

    enum CodingKeys: String, CodingKey {
        case tooFewForBags = "too_few_for_bags", pairedByPrompt = "paired_by_prompt", noPrompts = "no_prompts"
    }

    enum TooFewForBagsCodingKeys: String, CodingKey {
        case group, bagSize = "bag_size", needed, teacher, control
    }
}
