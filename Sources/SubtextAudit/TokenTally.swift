import SubtextStatistics

/// Occurrence and document counts of every token on each side, in the audit's view.
public struct TokenTally: Sendable {
    public struct Sides: Sendable {
        public var teacher = 0, control = 0
        public var total: Int { teacher + control }
    }

    public private(set) var occurrences: [Int32: Sides] = [:]
    public private(set) var documents: [Int32: Sides] = [:]
    /// Every token seen, by id.
    public private(set) var ids: [Int32] = []
    public let teacherDocuments: Int
    public let controlDocuments: Int

    public init(teacher: [Document], control: [Document], view: View) {
        teacherDocuments = teacher.count
        controlDocuments = control.count
        for (isTeacher, side) in [(true, teacher), (false, control)] {
            for document in side {
                let tokens = view == .numbers ? document.numberTokens : document.wordTokens
                for (id, count) in zip(tokens.ids, tokens.counts) {
                    if isTeacher {
                        occurrences[id, default: Sides()].teacher += Int(count)
                        documents[id, default: Sides()].teacher += 1
                    } else {
                        occurrences[id, default: Sides()].control += Int(count)
                        documents[id, default: Sides()].control += 1
                    }
                }
            }
        }
        ids = occurrences.keys.sorted()
    }

    /// The Jensen–Shannon distance (bits) between the two sides' token distributions: how far
    /// apart they are as a whole, 0 for identical and 1 for disjoint.
    public var jensenShannonDistance: Double {
        Divergence.jensenShannonDistance(ids.map { Double(occurrences[$0]!.teacher) },
                                         ids.map { Double(occurrences[$0]!.control) })
    }
}
