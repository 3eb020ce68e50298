import SubtextStatistics

/// Plain-word leaks: responses with words where numbers were asked for, and responses that
/// name a candidate concept.
public struct LeakScan: Sendable, Codable {
    public struct Rate: Sendable, Codable {
        public var teacher: Int
        public var control: Int
        /// The teacher's share of responses, with a Wilson 95% interval.
        public var teacherRate: Double
        public var teacherInterval: Interval
        /// Teacher share minus control share, with Newcombe's hybrid score 95% interval.
        public var difference: Double
        public var differenceInterval: Interval
        /// Fisher's exact test, two-sided, on responses.
        public var p: Double
        public var teacherExamples: [String]
        public var controlExamples: [String]

        enum CodingKeys: String, CodingKey {
            case teacher, control, p, difference
            case teacherRate = "teacher_rate", teacherInterval = "teacher_interval"
            case differenceInterval = "difference_interval"
            case teacherExamples = "teacher_examples", controlExamples = "control_examples"
        }
    }

    /// Responses that contain words (ASCII letters or non-ASCII text).
    public var wordy: Rate
    /// Per concept, responses naming it.
    public var concepts: [String: Rate]

    static func scan(teacher: [InputCounts], control: [InputCounts], concepts: [String]) -> LeakScan {
        let sum = { (side: [InputCounts], value: (InputCounts) -> Int) in side.reduce(0) { $0 + value($1) } }
        let examples = { (side: [InputCounts], pick: (InputCounts) -> [InputCounts.Example]) in
            Array(side.flatMap { pick($0).map(\.text) }.prefix(InputCounts.examplesKept))
        }
        let teacherCount = sum(teacher, \.responses)
        let controlCount = sum(control, \.responses)
        func rate(_ t: Int, _ c: Int, _ te: [String], _ ce: [String]) -> Rate {
            let table = TwoByTwoTable(t, teacherCount - t, c, controlCount - c)
            let newcombe = Proportions.newcombe(t, teacherCount, c, controlCount)
            return Rate(
                teacher: t, control: c, teacherRate: Double(t) / Double(teacherCount),
                teacherInterval: Proportions.wilson(t, teacherCount), difference: newcombe.delta,
                differenceInterval: newcombe.interval, p: table.fisherTwoSided, teacherExamples: te,
                controlExamples: ce)
        }
        let wordy = rate(
            sum(teacher, \.wordy), sum(control, \.wordy), examples(teacher, \.wordyExamples),
            examples(control, \.wordyExamples))
        var byConcept: [String: Rate] = [:]
        for (index, concept) in concepts.enumerated() {
            byConcept[concept] = rate(
                sum(teacher) { $0.mentions[index] }, sum(control) { $0.mentions[index] },
                examples(teacher) { $0.conceptExamples[index] },
                examples(control) { $0.conceptExamples[index] })
        }
        return LeakScan(wordy: wordy, concepts: byConcept)
    }
}
