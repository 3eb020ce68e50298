import SubtextStatistics

/// Teachers with known traits, each against a control, whose plain scores say how much any
/// persona's text scores under each candidate's prompt, whatever the persona loves.
///
/// The plain score of a concept mixes two things: what only a teacher that loves that concept
/// writes, and what every persona's text gains under that concept's prompt. The second differs
/// between candidates far more than the first (on SmolLM2's instruction pairs wolf ranked near
/// the top for most teachers, whatever they loved), and neither the plain score nor a line
/// across candidates removes it. A panel measures it directly: a concept's panel mean is its
/// plain score averaged over the members whose trait is another concept. Subtracting it
/// (the centred score) leaves what the teacher under test does beyond a persona of another
/// trait. A member of the concept's own trait stays out of that concept's mean, since its
/// score there is the specific effect, not the shared one.
package struct ReferencePanel: Sendable {
    package struct Member: Sendable {
        package var trait: String
        /// Per-response shifts, rows: responses, columns: concepts (in the ranking's order).
        package var teacher: [[Double]]
        package var control: [[Double]]
        /// Row i of each side answers the same prompt, so they are resampled together.
        package var paired: Bool

        package init(trait: String, teacher: [[Double]], control: [[Double]], paired: Bool) {
            precondition(!paired || teacher.count == control.count, "paired sides have one row per prompt each")
            self.trait = trait
            self.teacher = teacher
            self.control = control
            self.paired = paired
        }
    }

    package var members: [Member]

    package init(members: [Member]) {
        self.members = members
    }

    /// Each concept's panel mean over every member's rows.
    package func means(concepts: [String]) -> [Double] {
        means(concepts) { Array(0..<$0) }
    }

    /// One bootstrap replicate of the panel means: each member's rows redrawn, pairs together.
    package func means(concepts: [String], resampledWith generator: inout SeededGenerator) -> [Double] {
        means(concepts) { count in (0..<count).map { _ in Int.random(in: 0..<count, using: &generator) } }
    }

    /// Whether every concept has a member of another trait to take its panel mean from.
    package func covers(_ concepts: [String]) -> Bool {
        Self.uncovered(concepts, traits: members.map(\.trait)) == nil
    }

    /// The first concept that panel members of these traits leave without a member of
    /// another trait, or nil when each has one.
    package static func uncovered(_ concepts: [String], traits: [String]) -> String? {
        concepts.first { concept in traits.allSatisfy { $0.lowercased() == concept.lowercased() } }
    }

    private func means(_ concepts: [String], draw: (Int) -> [Int]) -> [Double] {
        let scores = members.map { member -> [Double] in
            let teacherRows = draw(member.teacher.count)
            let controlRows = member.paired ? teacherRows : draw(member.control.count)
            return concepts.indices.map { column in
                Self.mean(member.teacher, teacherRows, column) - Self.mean(member.control, controlRows, column)
            }
        }
        return concepts.indices.map { column in
            let included = members.indices.filter { !members[$0].isTrait(concepts[column]) }
            precondition(!included.isEmpty, "the panel has no member of another trait than \(concepts[column])")
            return included.reduce(0) { $0 + scores[$1][column] } / Double(included.count)
        }
    }

    private static func mean(_ rows: [[Double]], _ picks: [Int], _ column: Int) -> Double {
        picks.reduce(0) { $0 + rows[$1][column] } / Double(picks.count)
    }
}

extension ReferencePanel.Member {
    func isTrait(_ concept: String) -> Bool { trait.lowercased() == concept.lowercased() }
}
