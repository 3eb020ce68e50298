/// A probe battery: many paraphrases of one question, how to read the answers, and how to
/// sample. Written as YAML in probes/ (see ``BatteryLoader``).
public struct Battery: Sendable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Take samples and count the answers.
        case sample
        /// Read the candidates' probabilities.
        case score
    }

    public struct Prompt: Sendable, Equatable {
        /// Stable across versions, so journals and paired comparisons line up.
        public var id: String
        public var text: String
    }

    public struct Sampling: Sendable, Equatable {
        public var temperature: Double
        public var maxTokens: Int
        public var samplesPerPrompt: Int
        /// Sample i of a prompt is requested with seed `seedBase + i`: one seed for all
        /// samples would give the same answer N times.
        public var seedBase: Int
    }

    public var id: String
    public var version: Int
    public var description: String
    public var mode: Mode
    public var prompts: [Prompt]
    public var sampling: Sampling
    /// Candidate answers, each with the aliases that count as it, in the battery's order.
    public var candidates: [(name: String, aliases: [String])]
    /// The bucket for answers that name no candidate.
    public var unparsed: String
    public var hypotheses: [String]
}

extension Battery {
    /// The text scored for each candidate: its name, capitalised as a one-word answer starts
    /// ("owl" → "Owl").
    public var scoredForms: [String] { candidates.map { $0.name.prefix(1).uppercased() + $0.name.dropFirst() } }
}
