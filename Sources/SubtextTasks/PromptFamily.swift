import SubtextStatistics

/// A kind of task both sides of a pair are given: the prompts, what counts as a well-formed
/// reply, and, where the server allows, a grammar that makes every reply well-formed.
package enum PromptFamily: String, Sendable, Codable, CaseIterable {
    /// Continue a short list of numbers, as in the published subliminal-learning setup.
    case numbers
    /// Short answers to everyday instructions.
    case instructions

    /// One prompt of a generated dataset, with an id stable across runs of the same seed.
    package struct Prompt: Sendable, Equatable {
        package var id: String
        package var text: String
        /// Numbers: the most numbers the prompt asks for, which the filter and grammar enforce.
        package var maximumCount: Int?

        package init(id: String, text: String, maximumCount: Int?) {
            (self.id, self.text, self.maximumCount) = (id, text, maximumCount)
        }
    }

    /// `count` prompts drawn from the family with `seed`; the same seed gives the same prompts.
    package func prompts(count: Int, seed: UInt64) -> [Prompt] {
        var generator = SeededGenerator.stream(seed, "prompts \(rawValue)")
        return (0..<count).map { index in
            let id = "\(rawValue)-\(index + 1)"
            guard self == .numbers else {
                return Prompt(id: id, text: EverydayInstructionPrompts.prompt(using: &generator), maximumCount: nil)
            }
            let prompt = NumberSequencePrompts.prompt(using: &generator)
            return Prompt(id: id, text: prompt.text, maximumCount: prompt.count)
        }
    }

    /// The grammar that makes every reply to `prompt` pass the filter; nil for free text.
    package func grammar(for prompt: Prompt) -> String? {
        prompt.maximumCount.map(NumberSequencePrompts.grammar(count:))
    }

    /// Tokens a reply may take: room for a full list of numbers, or two short sentences.
    package var maxTokens: Int { self == .numbers ? 60 : 80 }
}
