import SubtextStatistics

/// Occurrence and document counts of every token on each side, in the audit's view.
public struct TokenTally: Sendable {
    public struct Sides: Sendable {
        public var teacher = 0, control = 0
        public var total: Int { teacher + control }
    }

    public private(set) var occurrences: [String: Sides] = [:]
    public private(set) var documents: [String: Sides] = [:]
    /// Every token seen, in order.
    public private(set) var tokens: [String] = []
    public let teacherDocuments: Int
    public let controlDocuments: Int

    public init(teacher: [TokenTable], control: [TokenTable], teacherDocuments: Int, controlDocuments: Int) {
        self.teacherDocuments = teacherDocuments
        self.controlDocuments = controlDocuments
        for (isTeacher, tables) in [(true, teacher), (false, control)] {
            for table in tables {
                for (token, count) in table.counts {
                    if isTeacher {
                        occurrences[token, default: Sides()].teacher += count.occurrences
                        documents[token, default: Sides()].teacher += count.documents
                    } else {
                        occurrences[token, default: Sides()].control += count.occurrences
                        documents[token, default: Sides()].control += count.documents
                    }
                }
            }
        }
        tokens = occurrences.keys.sorted()
    }

    /// The Jensen–Shannon distance (bits) between the two sides' token distributions: how far
    /// apart they are as a whole, 0 for identical and 1 for disjoint.
    public var jensenShannonDistance: Double {
        Divergence.jensenShannonDistance(
            tokens.map { Double(occurrences[$0]!.teacher) },
            tokens.map { Double(occurrences[$0]!.control) })
    }
}
