import SubtextStatistics

/// What `subtext transfer` measured: a student of the teacher's data against a student of the
/// control data, trait by trait, beside the drift between two students of the control data.
public struct TransferResult: Codable, Sendable {
    /// One candidate trait of the battery.
    public struct Trait: Codable, Sendable, Equatable {
        public var name: String
        /// Mean over paraphrases of the student's log-share of the candidate minus the control
        /// student's, in nats, with its paraphrase-bootstrap 95% interval.
        public var shift: Double
        public var ciLow: Double
        public var ciHigh: Double
        /// Wilcoxon's signed-rank test over paraphrases, two-sided, and its Benjamini–Hochberg
        /// adjustment over the battery's candidates.
        public var p: Double
        public var q: Double
        /// The same difference between the two control students (another seed and order).
        public var drift: Double
        /// The smallest shift this comparison would call material: the larger of 0.05 nats,
        /// twice the drift, and the shift that the spread over paraphrases lets the test find
        /// four times in five at q < 0.01.
        public var detectable: Double
        /// q < 0.01, at least 0.05 nats, and at least twice the drift.
        public var material: Bool

        enum CodingKeys: String, CodingKey {
            case name, shift, ciLow = "ci_low", ciHigh = "ci_high", p, q, drift, detectable, material
        }
    }

    /// One trained student: which data, where its run wrote, and its run's record.
    public struct Student: Codable, Sendable {
        public var role: String
        public var directory: String
        public var result: StudentResult
    }

    public static let schemaVersion = 1
    public var schemaVersion = TransferResult.schemaVersion
    public var battery: String
    public var paraphrases: Int
    public var students: [Student]
    public var traits: [Trait]
    public var seconds: Double

    /// The traits that moved materially, largest shift first.
    public var materialTraits: [Trait] { traits.filter(\.material).sorted { $0.shift > $1.shift } }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", battery, paraphrases, students, traits, seconds
    }

    /// The smallest material shift is 0.05 nats: the trait about 5% likelier than under the control student.
    public static let materialNats = 0.05
    /// A transfer must be at least this many times the drift between the two control students.
    public static let driftFactor = 2.0
    public static let alpha = 0.01

    /// The comparison of `student` with `control`, beside `second` (another control student),
    /// from each model's log-shares `[paraphrase][candidate]`.
    static func traits(names: [String], student: [[Double]], control: [[Double]], second: [[Double]], seed: UInt64) -> [Trait] {
        let n = student.count
        var generator = SeededGenerator.stream(seed, "transfer paraphrase bootstrap")
        let draws = (0..<2000).map { _ in (0..<n).map { _ in Int.random(in: 0..<n, using: &generator) } }
        let rows = names.indices.map { c -> (differences: [Double], drift: Double) in
            let differences = (0..<n).map { student[$0][c] - control[$0][c] }
            let drift = (0..<n).reduce(0) { $0 + second[$1][c] - control[$1][c] } / Double(n)
            return (differences, drift)
        }
        let p = rows.map { PairedTests.wilcoxonSignedRank($0.differences) }
        let q = MultipleTesting.benjaminiHochberg(p)
        // z for a two-sided test at the BH threshold a single material trait would face, and 80% power.
        let z = Distributions.normalQuantile(1 - alpha / 2) + Distributions.normalQuantile(0.8)
        return names.indices.map { c in
            let differences = rows[c].differences
            let shift = differences.reduce(0, +) / Double(n)
            let interval = Resampling.percentileInterval(draws.map { draw in draw.reduce(0) { $0 + differences[$1] } / Double(n) })
            let sd = (differences.reduce(0) { $0 + ($1 - shift) * ($1 - shift) } / Double(max(n - 1, 1))).squareRoot()
            let drift = rows[c].drift
            let detectable = max(materialNats, driftFactor * abs(drift), z * sd / Double(n).squareRoot())
            let material = q[c] < alpha && shift >= materialNats && shift >= driftFactor * abs(drift)
            return Trait(name: names[c], shift: shift, ciLow: interval.low, ciHigh: interval.high, p: p[c], q: q[c],
                         drift: drift, detectable: detectable, material: material)
        }
    }
}
