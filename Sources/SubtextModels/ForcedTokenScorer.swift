import Foundation

/// Exact candidate log-probabilities from llama.cpp's llama-server.
///
/// llama-server has no prompt logprobs and no echo, but its native /completion reports the
/// chosen token's log-probability from the softmax before sampling. Biasing the wanted token
/// by +1000 makes it the chosen one without touching that softmax. So a candidate of k tokens
/// costs k requests, each the chat prompt plus the candidate's earlier tokens, sent as token
/// ids so nothing is re-tokenised differently. The server's prompt cache makes the repeated
/// prefix cheap.
struct ForcedTokenScorer: CandidateScorer {
    let poster: JSONPoster
    var method: ScoringMethod { .forcedTokens }

    /// Fails with the reason unless the server is a llama-server that forces tokens as expected.
    static func check(_ poster: JSONPoster) async throws -> ForcedTokenScorer {
        let scorer = ForcedTokenScorer(poster: poster)
        guard try await poster.isLlamaServer() else {
            throw ModelError.cannotScore(model: poster.endpoint.name, reason: "/props is not llama.cpp's")
        }
        let probe = ModelRequest.capabilityCheck(poster.endpoint)
        guard let value = try await scorer.score(probe).logprobs.first ?? nil, value <= 0, value.isFinite else {
            throw ModelError.cannotScore(model: poster.endpoint.name, reason: "forcing a token gave no log-probability")
        }
        return scorer
    }

    func score(_ request: ModelRequest) async throws -> CandidateScores {
        let prompt = try await promptTokens(request)
        var memo: [[Int]: Double] = [:] // candidates often share leading tokens ("O" in Owl, Octopus)
        var logprobs: [Double?] = []
        for form in request.scoring ?? [] {
            let tokens = try await tokenize(form, special: false)
            var total = 0.0
            for index in tokens.indices {
                let path = Array(tokens[...index])
                if let known = memo[path] {
                    total += known
                    continue
                }
                let value = try await forced(prompt + tokens[..<index], target: tokens[index])
                memo[path] = value
                total += value
            }
            logprobs.append(total)
        }
        return CandidateScores(method: method, logprobs: logprobs)
    }

    /// The chat prompt as the server itself would build it, ending where the reply begins.
    private func promptTokens(_ request: ModelRequest) async throws -> [Int] {
        let templated = try await poster.post(
            poster.endpoint.serverRoot + "/apply-template",
            ApplyTemplateRequest(messages: request.messages), as: ApplyTemplateResponse.self)
        return try await tokenize(templated.prompt, special: true)
    }

    private func tokenize(_ text: String, special: Bool) async throws -> [Int] {
        let answer = try await poster.post(
            poster.endpoint.serverRoot + "/tokenize",
            TokenizeRequest(content: text, addSpecial: special, parseSpecial: special),
            as: TokenizeResponse.self)
        guard !answer.tokens.isEmpty else { throw malformed("/tokenize gave no tokens for \(text.debugDescription)") }
        return answer.tokens
    }

    private func forced(_ prompt: [Int], target: Int) async throws -> Double {
        let body = NativeCompletionRequest(
            prompt: prompt, nPredict: 1, nProbs: 1, temperature: 0, cachePrompt: true,
            logitBias: [[target, 1000]], postSamplingProbs: false)
        let answer = try await poster.post(
            poster.endpoint.serverRoot + "/completion", body, as: NativeCompletionResponse.self)
        guard let first = answer.completionProbabilities.first, first.id == target else {
            throw malformed("/completion did not report the forced token \(target)")
        }
        return first.logprob
    }

    private func malformed(_ reason: String) -> ModelError {
        .malformedResponse(model: poster.endpoint.name, reason: reason)
    }
}
