import SubtextStatistics

/// A probe run's statistics: the probe.json contract.
public struct ProbeResult: Codable, Sendable {
    public static let schemaVersion = 1

    public struct Rate: Codable, Sendable {
        public var count: Int
        public var n: Int
        public var rate: Double
        /// Wilson 95% interval.
        public var ciLow: Double
        public var ciHigh: Double

        enum CodingKeys: String, CodingKey { case count, n, rate, ciLow = "ci_low", ciHigh = "ci_high" }
    }

    /// One category's change from the reference model.
    public struct Shift: Codable, Sendable {
        public var model: String
        public var category: String
        public var delta: Double
        /// 95% bootstrap interval, resampling whole paraphrases.
        public var ciLow: Double
        public var ciHigh: Double
        /// Wilcoxon signed-rank test on the per-paraphrase rate differences.
        public var p: Double
        /// Benjamini–Hochberg over this model's categories.
        public var q: Double
        /// Newcombe's interval and Fisher's p on pooled counts, which ignore the clustering by
        /// paraphrase and so are too narrow when paraphrases differ.
        public var newcombeLow: Double
        public var newcombeHigh: Double
        public var fisherP: Double

        enum CodingKeys: String, CodingKey {
            case model, category, delta, p, q
            case ciLow = "ci_low", ciHigh = "ci_high", newcombeLow = "newcombe_low", newcombeHigh = "newcombe_high"
            case fisherP = "fisher_p"
        }

        /// A shift a reader should act on: significant after correction, interval clear of 0.
        public var isFound: Bool { q < 0.05 && excludesZero }

        /// The paraphrase-clustered interval is clear of 0.
        public var excludesZero: Bool { ciLow > 0 || ciHigh < 0 }
    }

    /// G² on the model's answer distribution against the reference's, sparse categories pooled.
    public struct Omnibus: Codable, Sendable {
        public var model: String
        public var g2: Double
        public var p: Double
        public var degreesOfFreedom: Int
        public var pooled: [String]

        enum CodingKeys: String, CodingKey { case model, g2, p, pooled, degreesOfFreedom = "dof" }
    }

    public struct ModelInfo: Codable, Sendable {
        public var name: String
        public var modelID: String
        public var baseURL: String
        /// Exactly the system prompt sent; null when none was (a chat template may then add its own).
        public var system: String?

        enum CodingKeys: String, CodingKey { case name, system, modelID = "model_id", baseURL = "base_url" }
    }

    public var schemaVersion = ProbeResult.schemaVersion
    public var battery: String
    public var batteryVersion: Int
    public var mode: String
    public var reference: String?
    public var models: [String]
    public var modelInfo: [ModelInfo]
    public var prompts: Int
    public var samplesPerPrompt: Int
    public var categoryOrder: [String]
    public var categories: [String: [String: Rate]]
    public var shifts: [Shift]
    public var omnibus: [Omnibus]
    /// Per model, a few raw answers that named no candidate.
    public var unparsedExamples: [String: [String]]
    public var requests: [String: Int]
    public var seed: UInt64
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", battery, batteryVersion = "battery_version", mode, reference, models
        case modelInfo = "model_info", prompts, samplesPerPrompt = "samples_per_prompt", categoryOrder = "category_order"
        case categories, shifts, omnibus, unparsedExamples = "unparsed_examples", requests, seed, notes
    }
}
