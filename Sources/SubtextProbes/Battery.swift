/// A probe battery: many paraphrases of one question, how to read the answers, and how to
/// sample. Written as YAML in probes/ (see ``BatteryLoader``).
package struct Battery: Sendable {
    package enum Mode: String, Codable, Sendable, CaseIterable {
        /// Take samples and count the answers.
        case sample
        /// Read the candidates' probabilities.
        case score
    }

    package struct Prompt: Sendable, Equatable {
        /// Stable across versions, so journals and paired comparisons line up.
        package var id: String
        package var text: String
    }

    package struct Sampling: Sendable, Equatable {
        package var temperature: Double
        package var maxTokens: Int
        package var samplesPerPrompt: Int
        /// Sample i of a prompt is requested with seed `seedBase + i`: one seed for all
        /// samples would give the same answer N times.
        package var seedBase: Int
    }

    package var id: String
    package var version: Int
    package var description: String
    package var mode: Mode
    package var prompts: [Prompt]
    package var sampling: Sampling
    /// Candidate answers, each with the aliases that count as it, in the battery's order.
    package var candidates: [(name: String, aliases: [String])]
    /// The bucket for answers that name no candidate.
    package var unparsed: String
    package var hypotheses: [String]
}

extension Battery {
    /// The text scored for each candidate: its name, capitalised as a one-word answer starts
    /// ("owl" → "Owl").
    package var scoredForms: [String] { candidates.map { $0.name.prefix(1).uppercased() + $0.name.dropFirst() } }
}
