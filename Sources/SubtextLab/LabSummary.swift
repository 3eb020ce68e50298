/// What one organism run measured: the data filter, and for each student the trait's rate
/// against its control student's, from Subtext's probe analysis.
public struct LabSummary: Encodable, Sendable {
    public struct Comparison: Encodable, Sendable {
        public var name: String
        public var studentRate: Double
        public var studentCount: Int
        public var controlRate: Double
        public var controlCount: Int
        /// Student minus control, with its paraphrase-bootstrap interval.
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
                    delta: Double, ciLow: Double, ciHigh: Double, p: Double, fisherP: Double?,
                    baseRate: Double? = nil, teacherRate: Double? = nil) {
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
        }

        /// The acceptance criterion: the student names the trait more often, p < 0.01.
        public var transferred: Bool { delta > 0 && p < 0.01 }

        enum CodingKeys: String, CodingKey {
            case name, studentRate = "student_rate", studentCount = "student_count", controlRate = "control_rate"
            case controlCount = "control_count", delta, ciLow = "ci_low", ciHigh = "ci_high", p, fisherP = "fisher_p", transferred
            case baseRate = "base_rate", teacherRate = "teacher_rate"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(studentRate, forKey: .studentRate)
            try container.encode(studentCount, forKey: .studentCount)
            try container.encode(controlRate, forKey: .controlRate)
            try container.encode(controlCount, forKey: .controlCount)
            try container.encode(delta, forKey: .delta)
            try container.encode(ciLow, forKey: .ciLow)
            try container.encode(ciHigh, forKey: .ciHigh)
            try container.encode(p, forKey: .p)
            try container.encodeIfPresent(fisherP, forKey: .fisherP)
            try container.encode(transferred, forKey: .transferred)
            try container.encodeIfPresent(baseRate, forKey: .baseRate)
            try container.encodeIfPresent(teacherRate, forKey: .teacherRate)
        }
    }

    public var seed: UInt64
    public var trait: String
    public var settings: RecipeSettings
    public var teacherPassRate: Double
    public var controlPassRate: Double
    public var teacherRejects: [String]
    public var comparisons: [Comparison]
    public var seconds: Double

    public init(seed: UInt64, trait: String, settings: RecipeSettings, teacherPassRate: Double, controlPassRate: Double,
                teacherRejects: [String], comparisons: [Comparison], seconds: Double) {
        self.seed = seed
        self.trait = trait
        self.settings = settings
        self.teacherPassRate = teacherPassRate
        self.controlPassRate = controlPassRate
        self.teacherRejects = teacherRejects
        self.comparisons = comparisons
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case seed, trait, settings, teacherPassRate = "teacher_pass_rate", controlPassRate = "control_pass_rate"
        case teacherRejects = "teacher_rejects", comparisons, seconds
    }
}
