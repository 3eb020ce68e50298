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

    static func scan(teacher: LoadedCorpus, control: LoadedCorpus, concepts: [String]) -> LeakScan {
        let teacherDocs = teacher.documents, controlDocs = control.documents
        func rate(_ t: Int, _ c: Int, _ te: [String], _ ce: [String]) -> Rate {
            let table = TwoByTwoTable(t, teacherDocs.count - t, c, controlDocs.count - c)
            let newcombe = Proportions.newcombe(t, teacherDocs.count, c, controlDocs.count)
            return Rate(teacher: t, control: c, teacherRate: Double(t) / Double(teacherDocs.count),
                        teacherInterval: Proportions.wilson(t, teacherDocs.count), difference: newcombe.delta,
                        differenceInterval: newcombe.interval, p: table.fisherTwoSided, teacherExamples: te,
                        controlExamples: ce)
        }
        let wordy = rate(teacherDocs.filter(\.hasWords).count, controlDocs.filter(\.hasWords).count,
                         teacher.wordyExamples, control.wordyExamples)
        var byConcept: [String: Rate] = [:]
        for (index, concept) in concepts.enumerated() {
            byConcept[concept] = rate(teacherDocs.filter { $0.mentions.contains(index) }.count,
                                      controlDocs.filter { $0.mentions.contains(index) }.count,
                                      teacher.conceptExamples[index], control.conceptExamples[index])
        }
        return LeakScan(wordy: wordy, concepts: byConcept)
    }
}
