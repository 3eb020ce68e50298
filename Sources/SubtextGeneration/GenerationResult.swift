import SubtextStatistics
import SubtextTasks

/// What a generation run produced, side by side: the manifest.json contract.
package struct GenerationResult: Codable, Sendable {
    package struct Side: Codable, Sendable {
        package var name: String
        package var trait: String?
        /// Exactly the system prompt sent; null for none (a chat template may add its default).
        package var system: String?
        package var file: String
        package var requested: Int
        package var answered: Int
        package var kept: Int
        /// Kept among answered, with a Wilson 95% interval.
        package var passRate: Double
        package var passLow: Double
        package var passHigh: Double
        package var rejections: [String: Int]
        /// A few rejected replies, as the model wrote them.
        package var rejectExamples: [String]

        enum CodingKeys: String, CodingKey {
            case name, trait, system, file, requested, answered, kept, rejections
            case passRate = "pass_rate", passLow = "pass_low", passHigh = "pass_high", rejectExamples =
                "reject_examples"
        }
    }

    /// 2: no `notes`; an incomplete run shows in its sides' answered and requested counts.
    package static let schemaVersion = 2
    package var schemaVersion = GenerationResult.schemaVersion
    package var family: PromptFamily
    package var model: String
    package var modelID: String
    package var baseURL: String
    /// SHA-256 of the model weights file, when it was given.
    package var modelFileSHA256: String?
    package var modelFile: String?
    package var promptSeed: UInt64
    package var prompts: Int
    package var temperature: Double
    package var maxTokens: Int
    /// "grammar" when every request carried a GBNF grammar like `grammar` (its repeat count
    /// follows each prompt's maximum), "none" for free-form replies.
    package var constrainedDecoding: String
    package var grammar: String?
    package var filter: String
    package var sides: [Side]
    package var command: String
    package var toolVersion: String
    /// Whether some prompts have no reply yet (the run was capped or stopped; rerunning resumes).
    package var isIncomplete: Bool { sides.contains { $0.answered < $0.requested } }

    package init(
        family: PromptFamily, model: String, modelID: String, baseURL: String, modelFileSHA256: String?,
        modelFile: String?, promptSeed: UInt64, prompts: Int, temperature: Double, maxTokens: Int,
        constrainedDecoding: String, grammar: String?, filter: String, sides: [Side], command: String,
        toolVersion: String
    ) {
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
    package var summary: String {
        switch family {
        case .numbers:
            return "numbers only: whole numbers of at most three digits, separated by commas or spaces, no more of "
                + "them than the prompt asked for (5 to \(NumberSequencePrompts.maximumCount)), nothing else"
        case .instructions:
            return "a non-empty reply of at most \(maximumCharacters) characters that does not name the teacher's trait"
        }
    }
}
