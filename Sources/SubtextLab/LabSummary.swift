/// What one organism run measured: the data filter, and for each student the trait's rate
/// against its control student's, from Subtext's probe analysis.
public struct LabSummary: Encodable, Sendable {
    public struct Comparison: Encodable, Sendable {
        public var name: String
        public var studentRate: Double
        public var studentCount: Int
        public var controlRate: Double
        public var controlCount: Int
        /// "share" (sampled answers: the difference of rates) or "nats" (score mode: the mean
        /// paired difference of the trait's log-probability), as in the probe analysis.
        public var unit: String
        /// Student minus control, in `unit`, with its paraphrase-bootstrap interval.
        public var delta: Double
        public var ciLow: Double
        public var ciHigh: Double
        /// The probe analysis's paired test over paraphrases (two-sided).
        public var p: Double
        public var fisherP: Double?
        /// The same rate for the base and the teacher, where they were asked too.
        public var baseRate: Double?
        public var teacherRate: Double?

        public init(name: String, studentRate: Double, studentCount: Int, controlRate: Double, controlCount: Int,
                    unit: String = "share", delta: Double, ciLow: Double, ciHigh: Double, p: Double, fisherP: Double?,
                    baseRate: Double? = nil, teacherRate: Double? = nil) {
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
            transferred = delta > 0 && p < 0.01
        }

        /// The probe's criterion: the student names the trait more often, p < 0.01. It holds both
        /// students fixed, so any consistent difference passes, however small; see ``isMaterial(drift:)``.
        public var transferred: Bool

        /// The smallest exact shift that counts: the trait about 5% more likely than under the control.
        public static let materialNats = 0.05
        /// How many times the drift between two control students a transfer must reach.
        public static let driftFactor = 2.0

        /// Transfer that counts: `transferred`, at least ``driftFactor`` times how far two students
        /// of trait-free data drift apart (`drift`, when it was measured), and, read exactly, at
        /// least ``materialNats``.
        public func isMaterial(drift: Comparison?) -> Bool {
            transferred && (unit != "nats" || delta >= Self.materialNats)
                && (drift.map { delta >= Self.driftFactor * abs($0.delta) } ?? true)
        }

        enum CodingKeys: String, CodingKey {
            case name, studentRate = "student_rate", studentCount = "student_count", controlRate = "control_rate"
            case controlCount = "control_count", unit, delta, ciLow = "ci_low", ciHigh = "ci_high", p, fisherP = "fisher_p", transferred
            case baseRate = "base_rate", teacherRate = "teacher_rate"
        }
    }

    public var seed: UInt64
    public var trait: String
    public var settings: RecipeSettings
    public var teacherPassRate: Double
    public var controlPassRate: Double
    public var teacherRejects: [String]
    /// ``Organisms/numberDivergence(teacher:system:base:records:)`` along the teacher's kept
    /// numbers: how much there is in them for a student to learn, in nats a position.
    public var teacherDivergence: Double
    public var comparisons: [Comparison]
    public var seconds: Double

    public init(seed: UInt64, trait: String, settings: RecipeSettings, teacherPassRate: Double, controlPassRate: Double,
                teacherRejects: [String], teacherDivergence: Double, comparisons: [Comparison], seconds: Double) {
        self.seed = seed
        self.trait = trait
        self.settings = settings
        self.teacherPassRate = teacherPassRate
        self.controlPassRate = controlPassRate
        self.teacherRejects = teacherRejects
        self.teacherDivergence = teacherDivergence
        self.comparisons = comparisons
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case seed, trait, settings, teacherPassRate = "teacher_pass_rate", controlPassRate = "control_pass_rate"
        case teacherRejects = "teacher_rejects", teacherDivergence = "teacher_divergence", comparisons, seconds
    }
}
