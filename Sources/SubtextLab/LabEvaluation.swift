/// What an evaluated pair sets against the base's numbers: a teacher's, or another sample of
/// the base's own (a control-versus-control pair, where any detection is a false positive).
package enum PairKind: String, Codable, Sendable, CaseIterable {
    case teacher
    case control
}

/// The detector measured against lab organisms: every audit of a teacher's numbers (ground
/// truth: a trait is there) and of a second sample of the base's numbers (ground truth: none).
package struct LabEvaluation: Encodable, Sendable {
    package struct Audit: Encodable, Sendable {
        package var kind: PairKind
        package var trait: String?
        package var seed: UInt64
        /// For a control pair, which resample of the base's numbers faced the first sample.
        package var resample: Int?
        /// The responses per side asked for, and those audited (the filter can leave fewer pairs).
        package var size: Int
        package var responses: Int
        package var p: Double
        /// Held-out AUROC by bag size K.
        package var auroc: [String: Double]

        package init(
            kind: PairKind, trait: String?, seed: UInt64, resample: Int? = nil, size: Int, responses: Int, p: Double,
            auroc: [String: Double]
        ) {
            self.kind = kind
            self.trait = trait
            self.seed = seed
            self.resample = resample
            self.size = size
            self.responses = responses
            self.p = p
            self.auroc = auroc
        }
    }

    /// Which animal a pair's likelihood shift points to, scored by the seed's base (see
    /// `subtext attribute`): for a teacher pair the planted trait should rank first; for a
    /// control-versus-control pair nothing should be claimed.
    package struct Attribution: Encodable, Sendable {
        package var kind: PairKind
        package var trait: String?
        package var seed: UInt64
        /// For a control pair, which resample of the base's numbers faced the first sample.
        package var resample: Int?
        package var responses: Int
        package var top: String
        /// The score the ranking used: calibrated with 5 or more candidates (``ShiftRanking``).
        package var topScore: Double
        package var topLow: Double
        package var topHigh: Double
        /// The concept claimed, as `subtext attribute` claims (``ShiftRanking``).
        package var claimed: String?
        /// The planted trait's rank among the candidates (1 is first); nil for control pairs.
        package var plantedRank: Int?

        package init(
            kind: PairKind, trait: String?, seed: UInt64, resample: Int? = nil, responses: Int, top: String,
            topScore: Double,
            topLow: Double, topHigh: Double, claimed: String?, plantedRank: Int?
        ) {
            self.kind = kind
            self.trait = trait
            self.seed = seed
            self.resample = resample
            self.responses = responses
            self.top = top
            self.topScore = topScore
            self.topLow = topLow
            self.topHigh = topHigh
            self.claimed = claimed
            self.plantedRank = plantedRank
        }

        enum CodingKeys: String, CodingKey {
            case kind, trait, seed, resample, responses, top, claimed
            case topScore = "top_score", topLow = "top_low", topHigh = "top_high", plantedRank = "planted_rank"
        }
    }

    package var seeds: [UInt64]
    package var traits: [String]
    package var sizes: [Int]
    package var alpha: Double
    package var audits: [Audit]
    /// At the largest size; empty when the teachers wrote under the very system prompt that
    /// attribution would score with, which would make the ranking circular.
    package var attributions: [Attribution]
    /// The candidates attribution ranks (the animal battery's).
    package var candidates: [String]
    package var settings: RecipeSettings
    package var seconds: Double

    package init(
        seeds: [UInt64], traits: [String], sizes: [Int], alpha: Double, audits: [Audit], attributions: [Attribution],
        candidates: [String], settings: RecipeSettings, seconds: Double
    ) {
        self.seeds = seeds
        self.traits = traits
        self.sizes = sizes
        self.alpha = alpha
        self.audits = audits
        self.attributions = attributions
        self.candidates = candidates
        self.settings = settings
        self.seconds = seconds
    }

    package func audits(_ kind: PairKind, size: Int) -> [Audit] {
        audits.filter { $0.kind == kind && $0.size == size }
    }

    private func share(_ audits: [Audit]) -> Double {
        audits.isEmpty ? 0 : Double(audits.filter { $0.p < alpha }.count) / Double(audits.count)
    }

    /// The share of teacher datasets the audit detects at `alpha`.
    package func power(size: Int) -> Double { share(audits(.teacher, size: size)) }
    /// The share of control-versus-control pairs the audit calls different at `alpha`.
    package func falsePositiveRate(size: Int) -> Double { share(audits(.control, size: size)) }

    /// Mean held-out AUROC at bag size `k` over the audits of `kind` at `size`.
    package func meanAUROC(_ kind: PairKind, size: Int, k: Int) -> Double? {
        let values = audits(kind, size: size).compactMap { $0.auroc[String(k)] }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Teacher pairs whose planted trait ranked first, and those for which it was claimed.
    package var plantedFirst: (ranked: Int, claimed: Int, of: Int) {
        let teachers = attributions.filter { $0.kind == .teacher }
        return (
            teachers.filter { $0.plantedRank == 1 }.count,
            teachers.filter { $0.claimed != nil && $0.claimed == $0.trait }.count,
            teachers.count
        )
    }

    /// Control-versus-control pairs attributed to some concept, of all of them.
    package var falseAttributions: (claimed: Int, of: Int) {
        let controls = attributions.filter { $0.kind == .control }
        return (controls.filter { $0.claimed != nil }.count, controls.count)
    }

    enum CodingKeys: String, CodingKey {
        case seeds, traits, sizes, alpha, audits, attributions, candidates, settings, seconds
    }
}
