import SubtextProbes

/// What one organism run measured: the data filter, and for each student the trait's rate
/// against its control student's, from Subtext's probe analysis.
package struct LabSummary: Encodable, Sendable {
    package struct Comparison: Encodable, Sendable {
        package var name: String
        package var studentRate: Double
        package var studentCount: Int
        package var controlRate: Double
        package var controlCount: Int
        /// Sampled answers give the difference of rates (`share`); score mode the mean paired
        /// difference of the trait's log-probability (`nats`), as in the probe analysis.
        package var unit: ProbeResult.Unit
        /// Student minus control, in `unit`, with its paraphrase-bootstrap interval.
        package var delta: Double
        package var ciLow: Double
        package var ciHigh: Double
        /// The probe analysis's paired test over paraphrases (two-sided).
        package var p: Double
        package var fisherP: Double?
        /// The same rate for the base and the teacher, where they were asked too.
        package var baseRate: Double?
        package var teacherRate: Double?

        package init(
            name: String, studentRate: Double, studentCount: Int, controlRate: Double, controlCount: Int,
            unit: ProbeResult.Unit = .share, delta: Double, ciLow: Double, ciHigh: Double, p: Double, fisherP: Double?,
            baseRate: Double? = nil, teacherRate: Double? = nil
        ) {
            self.unit = unit
            self.baseRate = baseRate
            self.teacherRate = teacherRate
            self.name = name
            self.studentRate = studentRate
            self.studentCount = studentCount
            self.controlRate = controlRate
            self.controlCount = controlCount
            self.delta = delta
            self.ciLow = ciLow
            self.ciHigh = ciHigh
            self.p = p
            self.fisherP = fisherP
            transferred = delta > 0 && p < MaterialRule.alpha
        }

        /// The probe's criterion: the student names the trait more often, p < 0.01. It holds both
        /// students fixed, so any consistent difference passes, however small; see `material`.
        package var transferred: Bool
        /// The difference of this pair's "two controls" pair (two students of trait-free data),
        /// when it was measured: how far students drift apart without a trait to learn.
        package var drift: Double?
        /// Transfer that counts (``MaterialRule``); nil on the "two controls" rows, whose
        /// "transfer" is a false positive by construction. Written here, once, for every reader.
        package var material: Bool?
        /// What kept a pair from being material, empty when it is; nil with `material`.
        package var shortfalls: [MaterialRule.Shortfall]?

        /// Judges this pair against its drift pair (nil when none was run).
        mutating func judge(drift pair: Comparison?) {
            drift = pair?.delta
            let missing = MaterialRule.shortfalls(delta: delta, unit: unit, transferred: transferred, drift: drift)
            (material, shortfalls) = (missing.isEmpty, missing)
        }

        enum CodingKeys: String, CodingKey {
            case name, studentRate = "student_rate", studentCount = "student_count", controlRate = "control_rate"
            case controlCount = "control_count", unit, delta, ciLow = "ci_low", ciHigh = "ci_high", p, fisherP =
                "fisher_p", transferred
            case baseRate = "base_rate", teacherRate = "teacher_rate", drift, material, shortfalls
        }
    }

    /// When a lab transfer counts. The probe's p < 0.01 holds both students fixed, so it cannot
    /// see how far two students drift apart only because their data were sampled differently,
    /// and read exactly (no sampling noise) any consistent difference reaches it, however small.
    /// Material asks for p < 0.01 with the student higher, at least ``driftFactor`` times the
    /// pair's own drift, and, read exactly, at least ``nats``.
    package enum MaterialRule {
        /// The probe's test: p below this, with the student higher, is `transferred`.
        package static let alpha = 0.01
        /// The smallest exact shift that counts: the trait about 5% more likely than under the control.
        package static let nats = 0.05
        /// How many times the drift between two control students a transfer must reach.
        package static let driftFactor = 2.0

        /// A criterion a pair missed.
        package enum Shortfall: String, Encodable, Sendable {
            /// Not p < 0.01 with the student higher.
            case test
            /// Less than ``driftFactor`` times the drift.
            case drift
            /// Read exactly, below ``nats``.
            case size
        }

        static func shortfalls(delta: Double, unit: ProbeResult.Unit, transferred: Bool, drift: Double?) -> [Shortfall]
        {
            var missing: [Shortfall] = []
            if !transferred { missing.append(.test) }
            if let drift, delta < driftFactor * abs(drift) { missing.append(.drift) }
            if unit == .nats, delta < nats { missing.append(.size) }
            return missing
        }
    }

    /// The rule's thresholds, as lab.json states them for the scripts that read its verdicts.
    struct StatedRule: Encodable {
        var p = MaterialRule.alpha, driftFactor = MaterialRule.driftFactor, nats = MaterialRule.nats
        enum CodingKeys: String, CodingKey { case p, driftFactor = "drift_factor", nats }
    }

    package var seed: UInt64
    package var trait: String
    package var settings: RecipeSettings
    package var teacherPassRate: Double
    package var controlPassRate: Double
    package var teacherRejects: [String]
    /// ``Organisms/numberDivergence(teacher:system:base:records:)`` along the teacher's kept
    /// numbers: how much there is in them for a student to learn, in nats a position.
    package var teacherDivergence: Double
    package var comparisons: [Comparison]
    package var seconds: Double
    /// The thresholds of the rule behind each pair's `material`, for the scripts that read it.
    let materialRule = StatedRule()

    package init(
        seed: UInt64, trait: String, settings: RecipeSettings, teacherPassRate: Double, controlPassRate: Double,
        teacherRejects: [String], teacherDivergence: Double, comparisons: [Comparison], seconds: Double
    ) {
        self.seed = seed
        self.trait = trait
        self.settings = settings
        self.teacherPassRate = teacherPassRate
        self.controlPassRate = controlPassRate
        self.teacherRejects = teacherRejects
        self.teacherDivergence = teacherDivergence
        self.comparisons = Self.judged(comparisons)
        self.seconds = seconds
    }

    /// The name of the "two controls" pair beside a pair: sorted, or from the other base, as its students are.
    package static func driftPairName(of pair: String) -> String {
        pair == "transfer" ? LabRun.twoControls : "\(LabRun.twoControls), \(pair)"
    }

    /// Each pair judged against its own drift pair; the drift pairs themselves are not judged.
    static func judged(_ comparisons: [Comparison]) -> [Comparison] {
        comparisons.map { comparison in
            guard !comparison.name.hasPrefix(LabRun.twoControls) else { return comparison }
            var judged = comparison
            judged.judge(drift: comparisons.first { $0.name == driftPairName(of: comparison.name) })
            return judged
        }
    }

    enum CodingKeys: String, CodingKey {
        case seed, trait, settings, teacherPassRate = "teacher_pass_rate", controlPassRate = "control_pass_rate"
        case teacherRejects = "teacher_rejects", teacherDivergence = "teacher_divergence", comparisons, seconds
        case materialRule = "material_rule"
    }
}
