/// How a server's answer probabilities were read.
package enum ScoringMethod: String, Sendable, Codable, CaseIterable {
    /// llama.cpp's llama-server: each token of a candidate forced in turn with a logit bias,
    /// its log-probability read from the unbiased softmax. Exact, one request per token.
    case forcedTokens = "forced-tokens"
    /// vLLM: the candidate appended as the start of the assistant's reply and read back from
    /// `prompt_logprobs`. Exact, one request per candidate.
    case promptLogprobs = "prompt-logprobs"
    /// Any OpenAI-compatible server: the first generated token's `top_logprobs`, matched to
    /// candidates by prefix. Only the first token is seen, and candidates outside the top-k
    /// are not seen at all.
    case topLogprobs = "top-logprobs"

    /// Whether every candidate gets its full log-probability.
    package var isExact: Bool { self != .topLogprobs }
}

/// What one model gives each candidate as the start of its answer to one prompt.
package struct CandidateScores: Sendable, Equatable, Codable {
    package var method: ScoringMethod
    /// log P(form | prompt) for each scored form, in the request's order. Nil where the method
    /// cannot see it: a first token outside the server's top-k.
    package var logprobs: [Double?]
    /// Top-logprobs only: probability on first tokens that begin several candidates ("O"
    /// begins both "Owl" and "Octopus"), which cannot be given to either.
    package var ambiguous: Double?

    package init(method: ScoringMethod, logprobs: [Double?], ambiguous: Double? = nil) {
        self.method = method
        self.logprobs = logprobs
        self.ambiguous = ambiguous
    }
}

/// Reads candidate probabilities from one server in one way.
protocol CandidateScorer: Sendable {
    var method: ScoringMethod { get }
    func score(_ request: ModelRequest) async throws -> CandidateScores
}

/// How the runner reads a reply into the answer it journals beside it: a probe battery's
/// category, or the candidate a score ranks first.
package protocol AnswerClassifier: Sendable {
    /// The category a sampled reply names.
    func category(of answer: String) -> String
    /// The category of the best-scored form.
    func mostLikely(_ scores: CandidateScores) -> String
}
