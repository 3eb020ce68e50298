import Foundation

/// Exact candidate log-probabilities from vLLM, through its `prompt_logprobs` extension.
///
/// The candidate is sent as the start of the assistant's reply (`continue_final_message`), and
/// vLLM returns the log-probability of every prompt token. The reply's tokens are those after
/// the generation prompt; /tokenize on both message lists says where they start and which ids
/// they are, so the right entries are read whatever the chat template.
struct PromptLogprobScorer: CandidateScorer {
    let poster: JSONPoster
    var method: ScoringMethod { .promptLogprobs }

    /// Fails with the reason unless the server tokenizes chats and returns prompt logprobs.
    static func check(_ poster: JSONPoster) async throws -> PromptLogprobScorer {
        let scorer = PromptLogprobScorer(poster: poster)
        let probe = ModelRequest.capabilityCheck(poster.endpoint)
        guard let value = try await scorer.score(probe).logprobs.first ?? nil, value <= 0, value.isFinite else {
            throw ModelError.cannotScore(model: poster.endpoint.name, reason: "prompt_logprobs gave no log-probability")
        }
        return scorer
    }

    func score(_ request: ModelRequest) async throws -> CandidateScores {
        let messages = request.messages
        let start = try await tokenize(messages, addGenerationPrompt: true, continueFinalMessage: nil).count
        var logprobs: [Double?] = []
        for form in request.scoring ?? [] {
            let replied = messages + [ChatMessage(role: "assistant", content: form)]
            let ids = try await tokenize(replied, addGenerationPrompt: false, continueFinalMessage: true)
            guard ids.count > start else { throw malformed("the reply \(form.debugDescription) added no tokens") }
            let body = ChatRequest(
                model: request.modelID, messages: replied, temperature: 0, maxTokens: 1,
                addGenerationPrompt: false, continueFinalMessage: true, promptLogprobs: 0)
            let answer = try await poster.post(poster.endpoint.chatURL, body, as: ChatResponse.self)
            guard let entries = answer.promptLogprobs, entries.count == ids.count else {
                throw ModelError.cannotScore(
                    model: poster.endpoint.name, reason: "the response has no prompt_logprobs for every prompt token")
            }
            var total = 0.0
            for position in start..<ids.count {
                guard let entry = entries[position]?[String(ids[position])] else {
                    throw malformed("prompt_logprobs lacks token \(ids[position]) at position \(position)")
                }
                total += entry.logprob
            }
            logprobs.append(total)
        }
        return CandidateScores(method: method, logprobs: logprobs)
    }

    private func tokenize(_ messages: [ChatMessage], addGenerationPrompt: Bool, continueFinalMessage: Bool?)
        async throws -> [Int]
    {
        let body = TokenizeRequest(
            model: poster.endpoint.modelID, messages: messages, addGenerationPrompt: addGenerationPrompt,
            continueFinalMessage: continueFinalMessage)
        return try await poster.post(poster.endpoint.serverRoot + "/tokenize", body, as: TokenizeResponse.self).tokens
    }

    private func malformed(_ reason: String) -> ModelError {
        .malformedResponse(model: poster.endpoint.name, reason: reason)
    }
}
