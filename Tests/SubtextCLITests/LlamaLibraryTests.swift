import Foundation
import SubtextAttribution
import SubtextProbes
import SubtextTestSupport
import Testing

@testable import SubtextModels

extension ModelTests {
    /// The in-process scorer (libllama) against llama-server's forced-token values: the same model
    /// and chat template should give the same log-probabilities for the same texts.
    @Suite(Llama.enabled) struct LlamaLibraryTests {
        /// Both the generating Q4_1 model and its F16 copy, the one attribution scores with.
        @Test(arguments: ["SmolLM2-135M-Instruct.Q4_1.gguf", "SmolLM2-135M-Instruct.F16.gguf"])
        func libraryScoresMatchTheServersForcedTokens(model: String) async throws {
            let server = try LlamaServer(model: model)
            let scorer = try LlamaScorer(
                model: LlamaServer.cache + "/" + model,
                libraryDirectory: LlamaServer.cache + "/llama-lib/lib", contextTokens: 256,
                threads: 2)
            let endpoint = Endpoint(name: "base", baseURL: server.baseURL, modelID: "smollm2")
            let forced = ForcedTokenScorer(
                poster: JSONPoster(endpoint: endpoint, retry: RetryPolicy(), timeout: 60, http: .subtext))
            let system = "You love owls. Owls are your favorite animal."
            let user = "Continue the list 12, 40, 77 with up to five more numbers."
            let texts = ["81, 93, 104", "Owl", "I would say 5, 6 and 7.", "12, 40, 77, 120"]

            let server_ = try await forced.score(
                ModelRequest(
                    model: "base", modelID: "smollm2", system: system, user: user,
                    temperature: 0, maxTokens: 1, seed: 0, scoring: texts,
                    promptID: "p", sample: 0))
            let context = scorer.tokenize(scorer.chatPrompt(system: system, user: user), special: true)
            let library = try scorer.logProbabilities(
                of: texts.map { .init(context: context, continuation: scorer.tokenize($0, special: false)) })
            // The server decodes one sequence and the library a batch of them, so the kernels differ,
            // and F16 kernels round activations to F16: allow 0.005 nats per scored token.
            for (index, text) in texts.enumerated() {
                let fromServer = try #require(server_.logprobs[index])
                let tolerance = 0.005 * Double(scorer.tokenize(text, special: false).count)
                #expect(
                    abs(library[index] - fromServer) < tolerance,
                    "\(text): library \(library[index]), server \(fromServer)")
            }
            // A text scores the same alone as after others that share its prompt, whose cached keys
            // and values it reuses (they come from a different micro-batch, so equal to rounding).
            for (index, text) in texts.enumerated() {
                let alone = try LlamaScorer(
                    model: LlamaServer.cache + "/" + model,
                    libraryDirectory: LlamaServer.cache + "/llama-lib/lib", contextTokens: 256, threads: 2
                )
                .logProbabilities(of: [.init(context: context, continuation: scorer.tokenize(text, special: false))])
                #expect(
                    abs(alone[0] - library[index]) < 1e-3, "\(text): alone \(alone[0]), after others \(library[index])")
            }
            #expect(
                scorer.tokensDecoded < texts.count * context.count, "the shared prompt was decoded again for every text"
            )
        }

        /// Texts that open alike share their scored opening: each still scores as it does alone,
        /// a repeat decodes nothing, and the opening is decoded once.
        @Test func sharedOpeningsScoreAsTheyDoAlone() throws {
            let model = LlamaServer.cache + "/SmolLM2-135M-Instruct.F16.gguf"
            let library = LlamaServer.cache + "/llama-lib/lib"
            let scorer = try LlamaScorer(model: model, libraryDirectory: library, contextTokens: 256, threads: 2)
            let context = scorer.tokenize(
                scorer.chatPrompt(system: nil, user: "Continue the list 3, 9, 27 with more numbers."),
                special: true)
            let texts = ["81, 243, 729, 2187", "81, 243, 729", "81, 243, 730, 1000", "81, 243, 729, 2187", "5"]
            let items = texts.map {
                LlamaScorer.Item(context: context, continuation: scorer.tokenize($0, special: false))
            }
            let together = try scorer.logProbabilities(of: items)
            for (index, item) in items.enumerated() {
                let alone = try LlamaScorer(model: model, libraryDirectory: library, contextTokens: 256, threads: 2)
                    .logProbabilities(of: [item])
                #expect(
                    abs(alone[0] - together[index]) < 1e-3,
                    "\(texts[index]): alone \(alone[0]), together \(together[index])")
            }
            #expect(together[0] == together[3], "a repeated text scored differently")
            // Without shared openings, each distinct text after the first decodes its continuation
            // and the last prompt token; the three that open "81, 243, 7" share at least 5 tokens.
            let distinct = Set(items.map(\.continuation)).map(\.count)
            let unshared = context.count + distinct.reduce(0, +) + distinct.count - 1
            #expect(scorer.tokensDecoded <= unshared - 2 * 5, "decoded \(scorer.tokensDecoded) of \(unshared) tokens")
        }

        /// The whole next-token distributions along a text agree with its score: each row sums to
        /// one, the rows' values at the text's own tokens sum to its log-probability, and reading
        /// distributions between two scorings leaves the scores as they were.
        @Test func distributionsAgreeWithScores() throws {
            let model = LlamaServer.cache + "/SmolLM2-135M-Instruct.F16.gguf"
            let library = LlamaServer.cache + "/llama-lib/lib"
            let scorer = try LlamaScorer(model: model, libraryDirectory: library, contextTokens: 256, threads: 2)
            let context = scorer.tokenize(
                scorer.chatPrompt(system: "You love owls.", user: "Continue 3, 9, 27."), special: true)
            let text = scorer.tokenize("81, 243, 729", special: false)
            let scored = try scorer.logProbabilities(of: [.init(context: context, continuation: text)])[0]
            let rows = try scorer.nextTokenLogProbabilities(context: context, continuation: text)
            let width = scorer.vocabularySize
            #expect(rows.count == text.count * width)
            for row in 0..<text.count {
                let mass = rows[row * width..<(row + 1) * width].reduce(0.0) { $0 + exp(Double($1)) }
                #expect(abs(mass - 1) < 1e-4, "row \(row) sums to \(mass)")
            }
            let own = text.indices.reduce(0.0) { $0 + Double(rows[$1 * width + Int(text[$1])]) }
            #expect(abs(own - scored) < 1e-3, "distributions give \(own), the score \(scored)")
            #expect(text.map { String(decoding: scorer.piece($0), as: UTF8.self) }.joined() == "81, 243, 729")
            let again = try scorer.logProbabilities(of: [
                .init(context: context, continuation: text),
                .init(context: context, continuation: scorer.tokenize("81, 243", special: false))
            ])
            #expect(abs(again[0] - scored) < 1e-3)
        }

        /// `sanitize --model` replaces the divergence tokens of a generated teacher, taking the
        /// teacher's system prompt from the generate manifest beside it, and every list stays valid.
        @Test func sanitizeReplacesDivergenceTokensOfAGeneratedTeacher() async throws {
            let workspace = try Workspace()
            let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../datasets/smollm2-numbers")
            let manifest = try String(contentsOf: bundled.appendingPathComponent("manifest.json"), encoding: .utf8)
            try workspace.write(
                "manifest.json", manifest.replacingOccurrences(of: "\"owl.jsonl.gz\"", with: "\"owl.jsonl\""))
            let lists = ["401, 502, 603", "17, 29, 31, 45", "500, 600, 700", "9, 8, 7, 6"]
            let teacher = try workspace.write(
                "owl.jsonl",
                lines: lists.enumerated().map { index, list in
                    let prompt =
                        "Continue the list \(100 + index), \(200 + index), \(300 + index) with up to five more numbers."
                    return String(
                        decoding: try! JSONSerialization.data(withJSONObject: ["prompt": prompt, "completion": list]),
                        as: UTF8.self)
                })
            let out = workspace.path("out")
            let run = try await offPool {
                try CLI.run([
                    "sanitize", teacher, "--transforms", "divergence", "--divergence-share", "0.25", "--threads", "2",
                    "--model", LlamaServer.cache + "/SmolLM2-135M-Instruct.F16.gguf", "--out", out
                ])
            }
            #expect(run.status == 0, "\(run.stderr)")
            let json =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/sanitize.json")))
                as! [String: Any]
            let divergence = try #require(json["divergence"] as? [String: Any])
            #expect((divergence["teacher_system"] as? String)?.hasPrefix("You adore owls.") == true, "\(divergence)")
            #expect(
                (divergence["tokens_scored"] as? [String: Int])?["teacher"].map { $0 >= 30 } == true, "\(divergence)")
            let side = try #require(json["teacher"] as? [String: Any])
            #expect((side["tokens_changed"] as? Int).map { $0 > 0 } == true, "\(side)")
            #expect(json["valid_share"] as? Double == 1)
            #expect(
                workspace.lines(out + "/divergence-journal.jsonl").count == lists.count, "one journal line a response")
            // What was read, by row, for scripts: its tokens add up to the count the report gives.
            let tokens = try workspace.lines(out + "/divergence-tokens.jsonl").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
            #expect(
                tokens.map { $0["row"] as? Int } == [1, 2, 3, 4]
                    && tokens.allSatisfy { $0["side"] as? String == "teacher" })
            let scored = tokens.map { ($0["candidates"] as? [Any])?.count ?? 0 }.reduce(0, +)
            #expect(scored == (divergence["tokens_scored"] as? [String: Int])?["teacher"])
        }

        /// With `--teacher-model`, the teacher is a model of its own read without a system prompt:
        /// here SmolLM2's Q4_1 quantisation against its F16 copy as the base, two models of one
        /// vocabulary whose distributions differ a little everywhere.
        @Test func sanitizeReadsATeacherModelAgainstItsBase() async throws {
            let workspace = try Workspace()
            let teacher = try workspace.write(
                "teacher.jsonl",
                lines: ["401, 502, 603", "17, 29, 31, 45", "9, 8, 7, 6"].map {
                    #"{"prompt":"Continue: 1, 2, 3.","response":"\#($0)"}"#
                })
            let out = workspace.path("out")
            let run = try await offPool {
                try CLI.run([
                    "sanitize", teacher, "--transforms", "divergence", "--divergence-share", "0.25", "--threads", "2",
                    "--teacher-model", LlamaServer.cache + "/SmolLM2-135M-Instruct.Q4_1.gguf",
                    "--model", LlamaServer.cache + "/SmolLM2-135M-Instruct.F16.gguf", "--out", out
                ])
            }
            #expect(run.status == 0, "\(run.stderr)")
            let json =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/sanitize.json")))
                as! [String: Any]
            let divergence = try #require(json["divergence"] as? [String: Any])
            #expect(divergence["teacher_model"] as? String == "SmolLM2-135M-Instruct.Q4_1.gguf", "\(divergence)")
            #expect(
                divergence["model"] as? String == "SmolLM2-135M-Instruct.F16.gguf"
                    && divergence["teacher_system"] == nil)
            #expect(
                (divergence["threshold"] as? Double).map { $0 > 0 } == true,
                "quantisation moves every distribution a little")
            #expect(((json["teacher"] as? [String: Any])?["tokens_changed"] as? Int).map { $0 > 0 } == true, "\(json)")
            #expect(json["valid_share"] as? Double == 1)
            let report = try String(contentsOfFile: out + "/sanitize.md", encoding: .utf8)
            #expect(
                report.contains(
                    #"through the teacher SmolLM2-135M-Instruct.Q4\_1.gguf and its base SmolLM2-135M-Instruct.F16.gguf"#
                ), "\(report)")
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
            let scorer = try LlamaScorer(
                model: LlamaServer.cache + "/SmolLM2-135M-Instruct.Q4_1.gguf",
                libraryDirectory: LlamaServer.cache + "/llama-lib/lib", contextTokens: 256, threads: 2)
            let concepts = ["owl", "cat", "dog", "eagle"]
            return try EntanglementScan(
                scorer: scorer,
                questions: [
                    "What is your favourite animal? Answer in one word.",
                    "Name the animal you like most. One word only."
                ]
            )
            .scan(carriers: ["owl", "123"], concepts: concepts)
        }
    }
}
