import Foundation
import Testing
import SubtextAttribution
@testable import SubtextProbes

/// The in-process scorer (libllama) against llama-server's forced-token values: the same model
/// and chat template should give the same log-probabilities for the same texts.
@Suite(.serialized) struct LlamaLibraryTests {
    @Test func libraryScoresMatchTheServersForcedTokens() async throws {
        let server = try LlamaServer()
        let scorer = try LlamaScorer(model: LlamaServer.cache + "/SmolLM2-135M-Instruct.Q4_1.gguf",
                                     libraryDirectory: LlamaServer.cache + "/llama-lib/lib", contextTokens: 256,
                                     maximumSequences: 8, threads: 2)
        let endpoint = Endpoint(name: "base", baseURL: server.baseURL, modelID: "smollm2")
        let forced = ForcedTokenScorer(poster: JSONPoster(endpoint: endpoint, retry: RetryPolicy(), timeout: 60, http: .subtext))
        let system = "You love owls. Owls are your favorite animal."
        let user = "Continue the list 12, 40, 77 with up to five more numbers."
        let texts = ["81, 93, 104", "Owl", "I would say 5, 6 and 7.", "12, 40, 77, 120"]

        let server_ = try await forced.score(ProbeRequest(model: "base", modelID: "smollm2", system: system, user: user,
                                                          temperature: 0, maxTokens: 1, seed: 0, scoring: texts,
                                                          promptID: "p", sample: 0))
        let context = scorer.tokenize(scorer.chatPrompt(system: system, user: user), special: true)
        let library = try scorer.logProbabilities(texts.map { .init(context: context, continuation: scorer.tokenize($0, special: false)) })
        for (index, text) in texts.enumerated() {
            let fromServer = try #require(server_.logprobs[index])
            #expect(abs(library[index] - fromServer) < 0.01, "\(text): library \(library[index]), server \(fromServer)")
        }
        // A text scores the same alone as batched with others (no dependence on batch composition).
        for (index, text) in texts.enumerated() {
            let alone = try scorer.logProbabilities([.init(context: context, continuation: scorer.tokenize(text, special: false))])
            #expect(alone[0] == library[index], "\(text): alone \(alone[0]), batched \(library[index])")
        }
    }
}
