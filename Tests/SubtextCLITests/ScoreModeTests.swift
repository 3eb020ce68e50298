import Foundation
import SubtextProbes
import SubtextTestSupport
import Testing

@testable import SubtextModels

extension ModelTests {
    /// Score mode against a real llama-server with SmolLM2-135M-Instruct, on loopback.
    @Suite(Llama.enabled) struct ScoreModeTests {
        /// Forced-token scoring reads the unbiased softmax: for one-token answers it agrees with the
        /// server's own top_logprobs for the same prompt, which come from a different code path.
        @Test func forcedTokensAgreeWithTheServersTopLogprobs() async throws {
            let server = try LlamaServer()
            let client = try await OpenAIClient(
                endpoint: Endpoint(name: "base", baseURL: server.baseURL, modelID: "smollm2")
            )
            .preparedForScoring(.forcedTokens)
            let forms = ["I", "The", "My", "Cat", "Dog"]
            let request = ModelRequest(
                model: "base", modelID: "smollm2", system: "You love owls.",
                user: "Name your favorite animal. One word only.", temperature: 0, maxTokens: 1,
                seed: 1, scoring: forms, promptID: "p", sample: 0)
            let forced = try await client.score(request)
            let top = try #require(try await client.complete(request, topLogprobs: 20).topLogprobs)
            var compared = 0
            for (form, value) in zip(forms, forced.logprobs) {
                guard let listed = top.first(where: { $0.token == form }) else { continue }
                #expect(
                    abs(value! - listed.logprob) < 1e-3, "\(form): forced \(value!), top_logprobs \(listed.logprob)")
                compared += 1
            }
            #expect(compared >= 3, "too few one-token answers in the top 20: \(top.map(\.token))")
        }

        /// The owl teacher stand-in gives "Owl" more probability than the base on every paraphrase,
        /// exactly scored; the run replays offline; and asking for top-logprobs scoring says what
        /// that method cannot see.
        @Test func scoreModeFindsTheOwlShift() async throws {
            let server = try LlamaServer()
            let workspace = try Workspace()
            let models = try workspace.owlModels(server)
            let battery = CLI.repository.appendingPathComponent("probes/favorite-animal.yaml").path
            let out = workspace.path("run")
            let arguments = [
                "probe", battery, "--models", models, "--reference", "base", "--out", out, "--prompts", "6",
                "--mode", "score", "--quiet", "--timeout", "300"
            ]
            let run = try CLI.run(arguments)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("scoring by forced-tokens (exact)"))
            let result = try json(out)
            let owl = try #require((result["shifts"] as! [[String: Any]]).first { $0["category"] as? String == "owl" })
            #expect(owl["unit"] as? String == "nats")
            #expect(owl["higher"] as? Int == 6 && owl["paired"] as? Int == 6)
            #expect((owl["ci_low"] as! Double) > 1, "owl shift \(owl)")
            let scoring = result["scoring"] as! [String: Any]
            let base = (scoring["models"] as! [String: [String: Any]])["base"]!
            #expect(base["methods"] as? [String] == ["forced-tokens"])
            #expect((base["outside_mean"] as! Double) > 0.5, "SmolLM2 rarely starts with a bare animal name")

            let replayed = try CLI.run(
                arguments.map { $0 == out ? workspace.path("replay") : $0 } + ["--replay", out + "/journal.jsonl"])
            #expect(replayed.status == 0, "\(replayed.stderr)")
            #expect(
                NSDictionary(dictionary: try json(workspace.path("replay"))["categories"] as! [String: Any])
                    .isEqual(to: result["categories"] as! [String: Any]))

            let approximate = try CLI.run(
                arguments.map { $0 == out ? workspace.path("top") : $0 } + ["--scoring", "top-logprobs"])
            #expect(approximate.status == 0, "\(approximate.stderr)")
            let markdown = try String(contentsOfFile: workspace.path("top") + "/probe.md", encoding: .utf8)
            #expect(markdown.contains("Top-logprobs scoring sees only the first token"))
            let topScoring =
                (try json(workspace.path("top"))["scoring"] as! [String: Any])["models"] as! [String: [String: Any]]
            #expect((topScoring["base"]!["unseen"] as! Int) > 0)
        }

        private func json(_ directory: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/probe.json")))
                as! [String: Any]
        }
    }
}
