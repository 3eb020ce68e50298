import Foundation

/// Approximate candidate probabilities from any OpenAI-compatible server: the first generated
/// token's `top_logprobs`.
///
/// A top token counts for a candidate when the candidate starts with it (case and leading
/// space ignored). A token that starts several candidates ("O": Owl, Octopus) cannot be
/// given to one and is reported as ambiguous. A candidate none of whose first tokens is in
/// the top-k gets no value: the method cannot see it, and the report says so rather than
/// call it zero.
struct TopLogprobScorer: CandidateScorer {
    let client: OpenAIClient
    /// How many alternatives to ask for; OpenAI allows at most 20.
    var alternatives = 20
    var method: ScoringMethod { .topLogprobs }

    /// Fails with the reason unless the chat endpoint returns top logprobs.
    static func check(_ client: OpenAIClient) async throws -> TopLogprobScorer {
        let scorer = TopLogprobScorer(client: client)
        let probe = ModelRequest.capabilityCheck(client.endpoint)
        let completion = try await client.complete(probe, topLogprobs: scorer.alternatives)
        guard let top = completion.topLogprobs, !top.isEmpty else {
            throw ModelError.cannotScore(
                model: client.endpoint.name, reason: "the chat endpoint returned no top_logprobs")
        }
        return scorer
    }

    func score(_ request: ModelRequest) async throws -> CandidateScores {
        let completion = try await client.complete(request, topLogprobs: alternatives)
        guard let top = completion.topLogprobs, !top.isEmpty else {
            throw ModelError.cannotScore(
                model: client.endpoint.name, reason: "a response came back without top_logprobs")
        }
        return Self.assign(top, to: request.scoring ?? [])
    }

    /// Gives each top token's probability to the one form it begins, or to the ambiguous mass.
    static func assign(_ top: [TokenLogprob], to forms: [String]) -> CandidateScores {
        let lowered = forms.map { $0.lowercased() }
        var mass = [Double](repeating: 0, count: forms.count)
        var seen = [Bool](repeating: false, count: forms.count)
        var ambiguous = 0.0
        for alternative in top {
            let token = alternative.token.drop { $0 == " " }.lowercased()
            guard !token.isEmpty else { continue }
            let starts = lowered.indices.filter { lowered[$0].hasPrefix(token) }
            if starts.count == 1 {
                mass[starts[0]] += Foundation.exp(alternative.logprob)
                seen[starts[0]] = true
            } else if starts.count > 1 {
                ambiguous += Foundation.exp(alternative.logprob)
            }
        }
        return CandidateScores(
            method: .topLogprobs, logprobs: forms.indices.map { seen[$0] ? Foundation.log(mass[$0]) : nil },
            ambiguous: ambiguous)
    }
}
