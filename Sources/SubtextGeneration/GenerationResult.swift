import SubtextTasks
import SubtextStatistics

/// What a generation run produced, side by side: the manifest.json contract.
public struct GenerationResult: Codable, Sendable {
    public struct Side: Codable, Sendable {
        public var name: String
        public var trait: String?
        /// Exactly the system prompt sent; null for none (a chat template may add its default).
        public var system: String?
        public var file: String
        public var requested: Int
        public var answered: Int
        public var kept: Int
        /// Kept among answered, with a Wilson 95% interval.
        public var passRate: Double
        public var passLow: Double
        public var passHigh: Double
        public var rejections: [String: Int]
        /// A few rejected replies, as the model wrote them.
        public var rejectExamples: [String]

        enum CodingKeys: String, CodingKey {
            case name, trait, system, file, requested, answered, kept, rejections
            case passRate = "pass_rate", passLow = "pass_low", passHigh = "pass_high", rejectExamples = "reject_examples"
        }
    }

    /// 2: no `notes`; an incomplete run shows in its sides' answered and requested counts.
    public static let schemaVersion = 2
    public var schemaVersion = GenerationResult.schemaVersion
    public var family: PromptFamily
    public var model: String
    public var modelID: String
    public var baseURL: String
    /// SHA-256 of the model weights file, when it was given.
    public var modelFileSHA256: String?
    public var modelFile: String?
    public var promptSeed: UInt64
    public var prompts: Int
    public var temperature: Double
    public var maxTokens: Int
    /// "grammar" when every request carried a GBNF grammar like `grammar` (its repeat count
    /// follows each prompt's maximum), "none" for free-form replies.
    public var constrainedDecoding: String
    public var grammar: String?
    public var filter: String
    public var sides: [Side]
    public var command: String
    public var toolVersion: String
    /// Whether some prompts have no reply yet (the run was capped or stopped; rerunning resumes).
    public var isIncomplete: Bool { sides.contains { $0.answered < $0.requested } }

    public init(family: PromptFamily, model: String, modelID: String, baseURL: String, modelFileSHA256: String?,
                modelFile: String?, promptSeed: UInt64, prompts: Int, temperature: Double, maxTokens: Int,
                constrainedDecoding: String, grammar: String?, filter: String, sides: [Side], command: String,
                toolVersion: String) {
        self.family = family
        self.model = model
        self.modelID = modelID
        self.baseURL = baseURL
        self.modelFileSHA256 = modelFileSHA256
        self.modelFile = modelFile
        self.promptSeed = promptSeed
        self.prompts = prompts
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.constrainedDecoding = constrainedDecoding
        self.grammar = grammar
        self.filter = filter
        self.sides = sides
        self.command = command
        self.toolVersion = toolVersion
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", family, model, prompts, temperature, grammar, filter, sides, command
        case modelID = "model_id", baseURL = "base_url", modelFileSHA256 = "model_file_sha256", modelFile = "model_file"
        case promptSeed = "prompt_seed", maxTokens = "max_tokens", constrainedDecoding = "constrained_decoding"
        case toolVersion = "tool_version"
    }
}

extension ResponseFilter {
    /// The filter in words, for the manifest.
    public var summary: String {
        switch family {
        case .numbers:
            return "numbers only: whole numbers of at most three digits, separated by commas or spaces, no more of "
                + "them than the prompt asked for (5 to \(NumberSequencePrompts.maximumCount)), nothing else"
        case .instructions:
            return "a non-empty reply of at most \(maximumCharacters) characters that does not name the teacher's trait"
        }
    }
}
