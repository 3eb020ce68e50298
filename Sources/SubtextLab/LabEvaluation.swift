/// The detector measured against lab organisms: every audit of a teacher's numbers (ground
/// truth: a trait is there) and of a second sample of the base's numbers (ground truth: none).
public struct LabEvaluation: Encodable, Sendable {
    public struct Audit: Encodable, Sendable {
        /// "teacher" or "control" (control versus control).
        public var kind: String
        public var trait: String?
        public var seed: UInt64
        /// The responses per side asked for, and those audited (the filter can leave fewer pairs).
        public var size: Int
        public var responses: Int
        public var p: Double
        /// Held-out AUROC by bag size K.
        public var auroc: [String: Double]

        public init(kind: String, trait: String?, seed: UInt64, size: Int, responses: Int, p: Double, auroc: [String: Double]) {
            self.kind = kind
            self.trait = trait
            self.seed = seed
            self.size = size
            self.responses = responses
            self.p = p
            self.auroc = auroc
        }
    }

    public var seeds: [UInt64]
    public var traits: [String]
    public var sizes: [Int]
    public var alpha: Double
    public var audits: [Audit]
    public var settings: RecipeSettings
    public var seconds: Double

    public init(seeds: [UInt64], traits: [String], sizes: [Int], alpha: Double, audits: [Audit], settings: RecipeSettings, seconds: Double) {
        self.seeds = seeds
        self.traits = traits
        self.sizes = sizes
        self.alpha = alpha
        self.audits = audits
        self.settings = settings
        self.seconds = seconds
    }

    public func audits(_ kind: String, size: Int) -> [Audit] {
        audits.filter { $0.kind == kind && $0.size == size }
    }

    private func share(_ audits: [Audit]) -> Double {
        audits.isEmpty ? 0 : Double(audits.filter { $0.p < alpha }.count) / Double(audits.count)
    }

    /// The share of teacher datasets the audit detects at `alpha`.
    public func power(size: Int) -> Double { share(audits("teacher", size: size)) }
    /// The share of control-versus-control pairs the audit calls different at `alpha`.
    public func falsePositiveRate(size: Int) -> Double { share(audits("control", size: size)) }

    /// Mean held-out AUROC at bag size `k` over the audits of `kind` at `size`.
    public func meanAUROC(_ kind: String, size: Int, k: Int) -> Double? {
        let values = audits(kind, size: size).compactMap { $0.auroc[String(k)] }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    enum CodingKeys: String, CodingKey { case seeds, traits, sizes, alpha, audits, settings, seconds }
}
