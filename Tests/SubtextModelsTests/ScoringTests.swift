import Foundation
import SubtextTestSupport
import Testing

@testable import SubtextModels

@Suite(.serialized) struct ScoringTests {
    private func request(_ modelID: String, system: String? = nil, forms: [String]) -> ModelRequest {
        ModelRequest(
            model: "m", modelID: modelID, system: system, user: "Favorite animal?", temperature: 0, maxTokens: 1,
            seed: 1000, scoring: forms, promptID: "p", sample: 0)
    }

    /// Top tokens go to the one candidate they begin; shared prefixes are ambiguous, and
    /// candidates outside the top-k are unseen rather than zero.
    @Test func topTokensAreAssignedByUniquePrefix() {
        let top = [
            TokenLogprob(token: "I", logprob: log(0.5)), TokenLogprob(token: "O", logprob: log(0.1)),
            TokenLogprob(token: " Cat", logprob: log(0.05)), TokenLogprob(token: "cat", logprob: log(0.02)),
            TokenLogprob(token: "Ow", logprob: log(0.01)), TokenLogprob(token: " ", logprob: log(0.01))
        ]
        let scores = TopLogprobScorer.assign(top, to: ["Owl", "Octopus", "Cat", "Dog"])
        #expect(scores.method == .topLogprobs)
        #expect(abs(scores.logprobs[0]! - log(0.01)) < 1e-12)
        #expect(scores.logprobs[1] == nil)
        #expect(abs(scores.logprobs[2]! - log(0.07)) < 1e-12)
        #expect(scores.logprobs[3] == nil)
        #expect(abs(scores.ambiguous! - 0.1) < 1e-12)
    }

    /// A server with no log-probabilities stops the run before it starts, naming every way tried.
    @Test func aServerThatCannotScoreFailsLoudly() async throws {
        let server = try LoopbackModelServer()
        let client = OpenAIClient(
            endpoint: Endpoint(name: "m", baseURL: server.baseURL, modelID: "nologprobs"),
            retry: RetryPolicy(attempts: 1))
        await #expect {
            _ = try await client.preparedForScoring()
        } throws: { error in
            guard case ModelError.cannotScore(let model, let reason) = error else { return false }
            return model == "m" && ScoringMethod.allCases.allSatisfy { reason.contains($0.rawValue) }
        }
        await #expect(throws: ModelError.self) { _ = try await client.score(request("nologprobs", forms: ["Owl"])) }
    }

    /// The vLLM path reads the reply's tokens out of prompt_logprobs, past the generation prompt.
    /// The loopback server speaks vLLM's documented shapes with a toy tokenizer (one token per
    /// character); the expected score is added up here from the same toy rule.
    @Test func promptLogprobsScoreTheReplyTokens() async throws {
        let server = try LoopbackModelServer()
        let client = try await OpenAIClient(
            endpoint: Endpoint(name: "m", baseURL: server.baseURL, modelID: "vllm-like")
        )
        .preparedForScoring(.promptLogprobs)
        #expect(client.scoringMethod == .promptLogprobs)
        let scores = try await client.score(request("vllm-like", system: "You love owls.", forms: ["Owl", "Cat"]))
        let expected = ["Owl", "Cat"].map { form in
            form.unicodeScalars.reduce(0.0) { $0 - Double(Int($1.value) % 7 + 1) / 10 }
        }
        #expect(scores.method == .promptLogprobs)
        #expect(zip(scores.logprobs, expected).allSatisfy { abs($0! - $1) < 1e-12 })
    }
}
