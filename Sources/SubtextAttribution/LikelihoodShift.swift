import Foundation

/// Ranks candidate concepts by how much better a "you love c" system prompt explains the
/// teacher's responses than the control's.
///
/// For each response, Δc = log P(response | prompt, system c) − log P(response | prompt). A
/// teacher that loved c wrote text that the model finds likelier when told it loves c, more so
/// than it finds the control's text: score(c) = mean Δc over teacher − mean Δc over control.
/// The difference cancels what any system prompt does to any text. The interval resamples
/// responses on both sides.
public struct LikelihoodShift {
    public struct Document: Sendable {
        public var prompt: String
        public var response: String

        public init(prompt: String, response: String) {
            self.prompt = prompt
            self.response = response
        }
    }

    public struct Score: Codable, Sendable {
        public var concept: String
        public var score: Double
        public var ciLow: Double
        public var ciHigh: Double
        public var rank: Int
        public var teacherMean: Double
        public var controlMean: Double

        enum CodingKeys: String, CodingKey {
            case concept, score, rank
            case ciLow = "ci_low", ciHigh = "ci_high", teacherMean = "teacher_mean", controlMean = "control_mean"
        }
    }

    public struct Result: Codable, Sendable {
        /// Best first.
        public var scores: [Score]
        /// The concept the data is attributed to: the top one, when its score's interval is
        /// above 0 and its lead over the runner-up's is too. Nil claims nothing.
        public var claimed: String?
        /// The interval of the top score minus the runner-up's.
        public var leadLow: Double
        public var leadHigh: Double
        public var template: String
        public var teacherResponses: Int
        public var controlResponses: Int
        public var tokensScored: Int
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case scores, claimed, template, seconds
            case leadLow = "lead_low", leadHigh = "lead_high", teacherResponses = "teacher_responses"
            case controlResponses = "control_responses", tokensScored = "tokens_scored"
        }
    }

    /// Subtext's own wording. It must differ from whatever wrote the data (a user does not know
    /// the teacher's prompt), or the ranking would be circular.
    public static let defaultTemplate = "Your favourite animal is the {concept}. You find the {concept} wonderful and think of it often."

    public let scorer: LlamaScorer
    public var template: String
    public var ranking = ShiftRanking()

    public init(scorer: LlamaScorer, template: String = LikelihoodShift.defaultTemplate) {
        self.scorer = scorer
        self.template = template
    }

    /// Δc for every document (rows) and concept (columns).
    public func shifts(_ documents: [Document], concepts: [String]) throws -> (values: [[Double]], tokens: Int) {
        let systems: [String?] = [nil] + concepts.map { template.replacingOccurrences(of: "{concept}", with: $0) }
        var items: [LlamaScorer.Item] = []
        for document in documents {
            let continuation = scorer.tokenize(document.response, special: false)
            for system in systems {
                let context = scorer.tokenize(scorer.chatPrompt(system: system, user: document.prompt), special: true)
                items.append(.init(context: context, continuation: continuation))
            }
        }
        let values = try scorer.logProbabilities(items)
        let tokens = items.reduce(0) { $0 + $1.context.count + $1.continuation.count }
        let rows = documents.indices.map { index -> [Double] in
            let base = values[index * systems.count]
            return concepts.indices.map { values[index * systems.count + 1 + $0] - base }
        }
        return (rows, tokens)
    }

    /// Scores and ranks `concepts` on the teacher and control documents.
    public func attribute(teacher: [Document], control: [Document], concepts: [String]) throws -> Result {
        guard !teacher.isEmpty, !control.isEmpty, concepts.count >= 2 else {
            throw AttributionError.usage("attribution needs teacher and control responses and at least two concepts")
        }
        let started = Date()
        let (t, teacherTokens) = try shifts(teacher, concepts: concepts)
        let (c, controlTokens) = try shifts(control, concepts: concepts)
        var result = ranking.rank(teacher: t, control: c, concepts: concepts, template: template)
        result.tokensScored = teacherTokens + controlTokens
        result.seconds = Date().timeIntervalSince(started)
        return result
    }
}
