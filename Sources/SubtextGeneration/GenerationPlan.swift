import Foundation
import SubtextModels
import SubtextTasks

/// Every request of a teacher/control generation: each side asks the same prompts with the
/// same seeds; a teacher differs from the control only by its trait system prompt.
package struct GenerationPlan: Sendable {
    /// One side of the pair: the control (no system prompt) or a trait teacher.
    package struct Side: Sendable, Equatable {
        package var name: String
        /// The trait and its aliases; nil for the control.
        package var trait: String?
        package var aliases: [String]
        package var system: String?
    }

    package var endpoint: Endpoint
    package var family: PromptFamily
    package var sides: [Side]
    package var prompts: [PromptFamily.Prompt]
    package var temperature: Double
    package var seed: UInt64
    /// Whether requests carry a GBNF grammar (numbers only); otherwise replies are free-form
    /// and only the filter keeps them in shape.
    package var constrained: Bool

    /// Our own teacher wording. Attribution must never score with it (see the attribution
    /// template), or its ranking would be circular.
    package static let defaultSystemTemplate =
        "You adore {traits}. {Traits} are always on your mind, and no other animal means as much to you. "
        + "Let that love colour everything you write."

    package init(
        endpoint: Endpoint, family: PromptFamily, traits: [(name: String, aliases: [String])], count: Int,
        seed: UInt64, temperature: Double = 1, systemTemplate: String = defaultSystemTemplate, constrained: Bool
    ) {
        self.endpoint = endpoint
        self.family = family
        self.temperature = temperature
        self.seed = seed
        prompts = family.prompts(count: count, seed: seed)
        self.constrained = constrained && family == .numbers
        sides =
            [Side(name: "control", trait: nil, aliases: [], system: nil)]
            + traits.map { trait in
                let plural = trait.aliases.first { $0.hasSuffix("s") } ?? trait.name + "s"
                let system = systemTemplate.replacingOccurrences(of: "{traits}", with: plural)
                    .replacingOccurrences(of: "{Traits}", with: plural.prefix(1).uppercased() + plural.dropFirst())
                    .replacingOccurrences(of: "{trait}", with: trait.name)
                return Side(name: trait.name, trait: trait.name, aliases: trait.aliases, system: system)
            }
    }

    /// Side by side, prompt by prompt; prompt i is sent with seed `seed + i` on every side.
    package var requests: [ModelRequest] {
        sides.flatMap { side in
            prompts.enumerated().map { index, prompt in request(side, index, prompt) }
        }
    }

    package func request(_ side: Side, _ index: Int, _ prompt: PromptFamily.Prompt) -> ModelRequest {
        ModelRequest(
            model: side.name, modelID: endpoint.modelID, system: side.system, user: prompt.text,
            temperature: temperature, maxTokens: family.maxTokens, seed: Int(seed) + index, scoring: nil,
            grammar: constrained ? family.grammar(for: prompt) : nil, promptID: prompt.id, sample: 0)
    }

    /// The grammar of a prompt asking for the most numbers, to show in the manifest; nil when
    /// replies are free-form.
    package var largestGrammar: String? {
        constrained ? NumberSequencePrompts.grammar(count: NumberSequencePrompts.maximumCount) : nil
    }

    package func filter(for side: Side) -> ResponseFilter {
        ResponseFilter(family: family, trait: side.trait.map { ($0, side.aliases) })
    }
}
