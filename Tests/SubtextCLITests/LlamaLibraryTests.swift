import Foundation
import Testing
import SubtextAttribution
@testable import SubtextProbes

extension ModelTests {
    /// The in-process scorer (libllama) against llama-server's forced-token values: the same model
    /// and chat template should give the same log-probabilities for the same texts.
    @Suite struct LlamaLibraryTests {
        @Test func libraryScoresMatchTheServersForcedTokens() async throws {
            let server = try LlamaServer()
            let scorer = try LlamaScorer(model: LlamaServer.cache + "/SmolLM2-135M-Instruct.Q4_1.gguf",
                                         libraryDirectory: LlamaServer.cache + "/llama-lib/lib", contextTokens: 256,
                                         threads: 2)
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
            // A text scores the same alone as after others that share its prompt, whose cached keys
            // and values it reuses (they come from a different micro-batch, so equal to rounding).
            for (index, text) in texts.enumerated() {
                let alone = try LlamaScorer(model: LlamaServer.cache + "/SmolLM2-135M-Instruct.Q4_1.gguf",
                                            libraryDirectory: LlamaServer.cache + "/llama-lib/lib", contextTokens: 256, threads: 2)
                    .logProbabilities([.init(context: context, continuation: scorer.tokenize(text, special: false))])
                #expect(abs(alone[0] - library[index]) < 1e-3, "\(text): alone \(alone[0]), after others \(library[index])")
            }
            #expect(scorer.tokensDecoded < texts.count * context.count, "the shared prompt was decoded again for every text")
        }

        /// Mentioning a word raises the probability of naming it: "You love the word “owl”." makes
        /// "Owl" the most raised answer.
        @Test func entanglementScanFindsTheMentionedConcept() async throws {
            let lifts = try await offPool { try Self.entanglement() }
            #expect(lifts.map(\.carrier) == ["owl", "owl", "owl", "owl", "123", "123", "123", "123"])
            #expect(lifts.allSatisfy { $0.lift.isFinite })
            let owl = lifts.prefix(4)
            #expect(owl.max(by: { $0.lift < $1.lift })?.concept == "owl", "\(owl.map { ($0.concept, $0.lift) })")
            #expect(owl.first!.lift > 1)
        }

        private static func entanglement() throws -> [EntanglementScan.Lift] {
            let scorer = try LlamaScorer(model: LlamaServer.cache + "/SmolLM2-135M-Instruct.Q4_1.gguf",
                                         libraryDirectory: LlamaServer.cache + "/llama-lib/lib", contextTokens: 256, threads: 2)
            let concepts = ["owl", "cat", "dog", "eagle"]
            return try EntanglementScan(scorer: scorer, questions: ["What is your favourite animal? Answer in one word.",
                                                                    "Name the animal you like most. One word only."])
                .scan(carriers: ["owl", "123"], concepts: concepts)
        }
    }
}
