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
        let start = try await tokenize(["messages": messages, "add_generation_prompt": true]).count
        var logprobs: [Double?] = []
        for form in request.scoring ?? [] {
            let replied = messages + [["role": "assistant", "content": form]]
            let ids = try await tokenize(["messages": replied, "add_generation_prompt": false, "continue_final_message": true])
            guard ids.count > start else { throw malformed("the reply \(form.debugDescription) added no tokens") }
            let answer = try await poster.send(poster.endpoint.chatURL, [
                "model": request.modelID, "messages": replied, "add_generation_prompt": false,
                "continue_final_message": true, "max_tokens": 1, "temperature": 0, "prompt_logprobs": 0,
            ])
            guard let entries = answer["prompt_logprobs"] as? [Any], entries.count == ids.count else {
                throw ModelError.cannotScore(model: poster.endpoint.name, reason: "the response has no prompt_logprobs for every prompt token")
            }
            var total = 0.0
            for position in start..<ids.count {
                guard let entry = (entries[position] as? [String: Any])?[String(ids[position])] as? [String: Any],
                      let logprob = entry["logprob"] as? Double
                else { throw malformed("prompt_logprobs lacks token \(ids[position]) at position \(position)") }
                total += logprob
            }
            logprobs.append(total)
        }
        return CandidateScores(method: method, logprobs: logprobs)
    }

    private func tokenize(_ body: [String: Any]) async throws -> [Int] {
        var body = body
        body["model"] = poster.endpoint.modelID
        let answer = try await poster.send(poster.endpoint.serverRoot + "/tokenize", body)
        guard let tokens = answer["tokens"] as? [Int] else { throw malformed("/tokenize gave no tokens") }
        return tokens
    }

    private func malformed(_ reason: String) -> ModelError { .malformedResponse(model: poster.endpoint.name, reason: reason) }
}
