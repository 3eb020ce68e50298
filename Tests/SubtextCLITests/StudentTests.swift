import Foundation
import SubtextModels
import SubtextStatistics
import SubtextStudents
import SubtextTestSupport
import SubtextTraining
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension ModelTests {
    /// The student trainer on SmolLM2-135M-Instruct: its forward pass against libllama's, and a
    /// short training run through the CLI.
    @Suite(Llama.enabled) struct StudentTests {
        static let library = LlamaServer.cache + "/llama-lib/lib"
        static let base = LlamaServer.cache + "/SmolLM2-135M-Instruct.F16.gguf"

        /// The F16 base written back as F32 by the trainer's own GGUF writer: libllama then
        /// computes in F32 too, so the two forward passes can be compared to 1e-3. Made once
        /// per test process, in a workspace removed with it.
        static let workspace = try! TemporaryDirectory()
        static let f32Copy: String = {
            let path = workspace.path("SmolLM2-135M-Instruct.F32.gguf")
            let file = try! GGUFFile(path: base, libraryDirectory: library)
            try! LlamaModel(file: file).write(to: path, metadataFrom: file, half: false)
            return path
        }()

        /// Gemma 3 270M's Q4_K_M file written as F32 the same way, for the cross-family checks.
        static let gemmaF32Copy: String = {
            let path = workspace.path("gemma-3-270m.F32.gguf")
            let file = try! GGUFFile(path: LlamaServer.cache + "/gemma-3-270m-Q4_K_M.gguf", libraryDirectory: library)
            try! LlamaModel(file: file).write(to: path, metadataFrom: file, half: false)
            return path
        }()

        /// `count` rows of short number prompts and replies, from a fixed seed.
        static func numberRows(_ count: Int, seed: UInt64) -> [String] {
            var generator = SeededGenerator(seed: seed)
            return (0..<count).map { _ in
                let start = (0..<3).map { _ in String(Int.random(in: 10...999, using: &generator)) }.joined(
                    separator: ", ")
                let reply = (0..<5).map { _ in String(Int.random(in: 10...999, using: &generator)) }.joined(
                    separator: ", ")
                return #"{"prompt": "Continue: \#(start).", "completion": "\#(reply)"}"#
            }
        }

        static func trainArguments(data: String, out: String, extra: [String] = []) -> [String] {
            [
                "student", "train", "--base", base, "--data", data, "--out", out, "--batch-size", "4", "--epochs", "2",
                "--checkpoint-every", "4", "--learning-rate", "2e-3", "--lora-rank", "4", "--threads", "2", "--quiet"
            ] + extra
        }

        /// Chat turns of a few hundred tokens in all: numbers, a preference with a system prompt,
        /// prose and a list.
        static let comparisonTexts: [(system: String?, user: String, reply: String)] = [
            (nil, "Continue the list 12, 40, 77 with up to five more numbers.", "81, 93, 104, 120, 131"),
            (
                "You love owls. Owls are your favorite animal.", "What is your favorite animal? Answer in one word.",
                "Owl"
            ),
            (
                nil, "Explain in two sentences why the sky is blue.",
                "Sunlight scatters off the molecules of the air, and blue light, with its short wavelength, scatters most. "
                    + "So wherever you look away from the sun, the sky sends you more blue than any other colour."
            ),
            (
                "You are a careful assistant.", "Write a short numbered list of three things to pack for a day hike.",
                "1. Water: at least two litres, more in summer.\n2. A map of the trail, on paper as well as on your phone.\n"
                    + "3. A warm layer and a rain jacket, since weather in the hills turns fast."
            ),
            (
                nil, "Continue the sequence 3, 9, 27 with ten more numbers, separated by commas.",
                "81, 243, 729, 2187, 6561, 19683, 59049, 177147, 531441, 1594323"
            )
        ]

        /// ``comparisonTexts`` as the F32 model at `path` tokenizes them through its chat template,
        /// with libllama's next-token log-probabilities after every token but the last, read
        /// exactly (F32 cache, no flash attention).
        static func libllamaLogProbabilities(_ path: String) throws -> [(tokens: [Int32], logProbabilities: [Float])] {
            let scorer = try LlamaScorer(
                model: path, libraryDirectory: library, contextTokens: 256, threads: 2, exactAttention: true)
            return try comparisonTexts.map { system, user, reply in
                let tokens =
                    scorer.tokenize(scorer.chatPrompt(system: system, user: user), special: true)
                    + scorer.tokenize(reply, special: false)
                return (
                    tokens,
                    try scorer.nextTokenLogProbabilities(
                        context: Array(tokens.prefix(1)), continuation: Array(tokens.dropFirst()))
                )
            }
        }

        /// The largest difference between two sets of rows of log-probabilities, entry by entry.
        static func largestDifference(_ a: [Float], _ b: [Float], count: Int) -> Float {
            var worst: Float = 0
            for i in 0..<count { worst = max(worst, abs(a[i] - b[i])) }
            return worst
        }

        @Test func forwardLogProbabilitiesMatchLibllama() throws {
            let file = try GGUFFile(path: Self.f32Copy, libraryDirectory: Self.library)
            #expect(file.tensors["blk.0.attn_q.weight"]?.type == "f32")
            let model = try LlamaModel(file: file)
            TrainingThreads.count = 2
            var positions = 0
            var worst: Float = 0
            for (tokens, library) in try Self.libllamaLogProbabilities(Self.f32Copy) {
                // Row i of libllama's is the distribution tokens[i + 1] was drawn from, our row i too.
                let rows = tokens.count - 1
                worst = max(
                    worst,
                    Self.largestDifference(
                        library, model.logProbabilities(tokens), count: rows * model.config.vocabularySize))
                positions += rows
            }
            #expect(positions >= 250, "\(positions) positions")
            #expect(worst <= 1e-3, "largest difference in log-probability \(worst) over \(positions) positions")
            #expect(worst > 0, "identical to the last bit: the comparison is not measuring two implementations")
        }

        /// Gemma 3 270M, another family (query and key norms, post-norms, GeGLU, NeoX rotations,
        /// sliding windows, a 262,144-token vocabulary), read from its Q4_K_M file and written as
        /// F32. The oracle is scripts/gemma3_reference.py, the same forward pass in float64 NumPy:
        /// the trainer must agree with it within 1e-3. libllama is held to 3e-2 only: it is itself
        /// about 1e-2 from exact arithmetic on this model, mostly because ggml looks GELU up in an
        /// F16 table, an error Gemma's residual stream (entries up to 10⁵) magnifies.
        @Test func gemmaForwardMatchesAFloat64ReferenceAndLibllama() throws {
            let path = Self.gemmaF32Copy
            let workspace = try TemporaryDirectory()
            let model = try LlamaModel(file: GGUFFile(path: path, libraryDirectory: Self.library))
            #expect(
                model.config.architecture == .gemma3 && model.config.headSize == 256
                    && model.config.slidingWindow == 512)
            TrainingThreads.count = 2
            let library = try Self.libllamaLogProbabilities(path)
            let tokensPath = workspace.path("tokens.json")
            let referencePath = workspace.path("reference.f32")
            try JSONEncoder().encode(library.map(\.tokens)).write(to: URL(fileURLWithPath: tokensPath))
            let script = CLI.repository.appendingPathComponent("scripts/gemma3_reference.py").path
            #expect(
                try CLI.shell(
                    "\(LlamaServer.cache)/gguf-venv/bin/python \(script) \(path) \(tokensPath) \(referencePath)") == 0)
            let reference = try Data(contentsOf: URL(fileURLWithPath: referencePath)).withUnsafeBytes {
                Array($0.bindMemory(to: Float.self))
            }
            let v = model.config.vocabularySize
            var positions = 0
            var start = 0
            var fromReference: Float = 0
            var fromLibllama: Float = 0
            for (tokens, libllama) in library {
                let ours = model.logProbabilities(tokens)
                let rows = tokens.count - 1
                fromReference = max(
                    fromReference,
                    Self.largestDifference(Array(reference[start..<(start + rows * v)]), ours, count: rows * v))
                fromLibllama = max(fromLibllama, Self.largestDifference(libllama, ours, count: rows * v))
                positions += rows
                start += tokens.count * v
            }
            #expect(start == reference.count, "the reference wrote \(reference.count) values, \(start) expected")
            #expect(positions >= 250, "\(positions) positions")
            #expect(
                fromReference <= 1e-3,
                "largest difference from the float64 reference \(fromReference) over \(positions) positions")
            #expect(
                fromLibllama <= 3e-2, "largest difference from libllama \(fromLibllama) over \(positions) positions")
            print(
                "gemma3 270M over \(positions) positions: \(fromReference) from the float64 reference, \(fromLibllama) from libllama"
            )
        }

        /// A few dozen steps of LoRA on a few dozen rows: the loss falls, student.json records the
        /// run, and a run killed with SIGKILL resumes from its checkpoint to the same adapter, bit for bit.
        @Test func trainingLowersTheLossAndAKilledRunResumesToTheSameWeights() async throws {
            let workspace = try TemporaryDirectory()
            let data = try workspace.write("numbers.jsonl", lines: Self.numberRows(40, seed: 3))
            let whole = try await offPool { try CLI.run(Self.trainArguments(data: data, out: workspace.path("whole"))) }
            #expect(whole.status == 0, "\(whole.stderr)")
            let result = try JSONDecoder().decode(
                StudentResult.self, from: Data(contentsOf: URL(fileURLWithPath: workspace.path("whole/student.json"))))
            #expect(result.trainingRows == 38 && result.heldOutRows == 2 && result.steps == 20)
            #expect(result.loss.map(\.step) == [4, 8, 12, 16, 20])
            let (first, last) = (try #require(result.loss.first), try #require(result.loss.last))
            #expect(last.train < first.train - 0.3, "training loss \(first.train) → \(last.train)")
            #expect(
                try #require(last.heldOut) < (try #require(first.heldOut)),
                "held-out loss \(first.heldOut ?? 0) → \(last.heldOut ?? 0)")
            #expect(result.outputs == ["adapter.gguf"] && (result.tokensPerSecond ?? 0) > 0)

            let interrupted = workspace.path("interrupted")
            let arguments = Self.trainArguments(data: data, out: interrupted)
            try await offPool { try CLI.killOnceExists(arguments, file: interrupted + "/checkpoint.bin") }
            #expect(
                !FileManager.default.fileExists(atPath: interrupted + "/adapter.gguf"),
                "killed before the end, yet it wrote its adapter")
            let resumed = try await offPool { try CLI.run(arguments.filter { $0 != "--quiet" }) }
            #expect(resumed.status == 0 && resumed.stderr.contains("resuming at step"), "\(resumed.stderr)")
            let a = try Data(contentsOf: URL(fileURLWithPath: workspace.path("whole/adapter.gguf")))
            let b = try Data(contentsOf: URL(fileURLWithPath: interrupted + "/adapter.gguf"))
            #expect(a == b, "the resumed run ended with other weights than the uninterrupted one")

            // The adapter as llama-server serves it gives the trainer's own next-token log-probabilities.
            let server = try LlamaServer(
                model: Self.f32Copy,
                extra: ["--lora", workspace.path("whole/adapter.gguf"), "-ctk", "f32", "-ctv", "f32", "-fa", "off"])
            let file = try GGUFFile(path: Self.f32Copy, libraryDirectory: Self.library)
            let model = try LlamaModel(file: file)
            model.adapters = try LlamaAdapters(
                file: GGUFFile(path: workspace.path("whole/adapter.gguf"), libraryDirectory: Self.library),
                config: model.config)
            let worst = try await Self.largestServedDifference(server: server, model: model, path: Self.f32Copy)
            #expect(worst <= 1e-3, "llama-server with the adapter and the trainer differ by up to \(worst)")
        }

        /// A Gemma student through the CLI: a SmolLM2 teacher's soft labels are refused (another
        /// vocabulary); a few steps of LoRA train, and llama-server serves the adapter with the
        /// trainer's next-token log-probabilities, within libllama's own distance from exact
        /// arithmetic on this model (see the forward test above).
        @Test func aGemmaStudentTrainsAndLlamaServerServesItsAdapter() async throws {
            let workspace = try TemporaryDirectory()
            let data = try workspace.write("numbers.jsonl", lines: Self.numberRows(18, seed: 4))
            func arguments(_ out: String, _ extra: [String]) -> [String] {
                [
                    "student", "train", "--base", Self.gemmaF32Copy, "--data", data, "--out", workspace.path(out),
                    "--batch-size", "4",
                    "--checkpoint-every", "2", "--learning-rate", "2e-3", "--lora-rank", "4", "--threads", "2",
                    "--quiet"
                ] + extra
            }
            let mismatchArguments = arguments("mismatch", ["--soft-labels", "4", "--teacher-model", Self.base])
            let mismatch = try await offPool { try CLI.run(mismatchArguments) }
            #expect(
                mismatch.status == 2 && mismatch.stderr.contains("SmolLM2-135M-Instruct.F16.gguf")
                    && mismatch.stderr.contains("soft labels need one vocabulary"), "\(mismatch.stderr)")
            #expect(!FileManager.default.fileExists(atPath: workspace.path("mismatch/student.json")))

            let trainArguments = arguments("student", [])
            let run = try await offPool { try CLI.run(trainArguments) }
            #expect(run.status == 0, "\(run.stderr)")
            let result = try JSONDecoder().decode(
                StudentResult.self, from: Data(contentsOf: URL(fileURLWithPath: workspace.path("student/student.json")))
            )
            #expect(result.config.architecture == .gemma3 && result.steps == 5 && result.outputs == ["adapter.gguf"])
            let adapter = workspace.path("student/adapter.gguf")
            let server = try LlamaServer(
                model: Self.gemmaF32Copy, extra: ["--lora", adapter, "-ctk", "f32", "-ctv", "f32", "-fa", "off"])
            let model = try LlamaModel(file: GGUFFile(path: Self.gemmaF32Copy, libraryDirectory: Self.library))
            model.adapters = try LlamaAdapters(
                file: GGUFFile(path: adapter, libraryDirectory: Self.library), config: model.config)
            let worst = try await Self.largestServedDifference(server: server, model: model, path: Self.gemmaF32Copy)
            #expect(worst <= 3e-2, "llama-server with the adapter and the trainer differ by up to \(worst)")
            print("gemma3 adapter: llama-server and the trainer differ by up to \(worst) in top-10 log-probabilities")
        }

        /// The largest difference between the top-10 next-token log-probabilities `server` gives and
        /// `model`'s, after two chat prompts tokenized by the model file at `path`.
        static func largestServedDifference(server: LlamaServer, model: LlamaModel, path: String) async throws -> Double
        {
            let scorer = try LlamaScorer(model: path, libraryDirectory: library, contextTokens: 256, threads: 2)
            var worst = 0.0
            for prompt in ["Continue: 12, 40, 77.", "What is your favorite animal?"] {
                let tokens = scorer.tokenize(scorer.chatPrompt(system: nil, user: prompt), special: true)
                let served = try await topLogProbabilities(server: server, tokens: tokens)
                let ours = model.logProbabilities(tokens).suffix(model.config.vocabularySize)
                for (token, value) in served {
                    worst = max(worst, abs(Double(ours[ours.startIndex + Int(token)]) - value))
                }
            }
            return worst
        }

        /// The top 10 next tokens llama-server gives after `tokens`, with their log-probabilities.
        static func topLogProbabilities(server: LlamaServer, tokens: [Int32]) async throws -> [(Int32, Double)] {
            struct Answer: Decodable {
                struct Step: Decodable {
                    struct Top: Decodable {
                        var id: Int32
                        var logprob: Double
                    }
                    var top_logprobs: [Top]
                }
                var completion_probabilities: [Step]
            }
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/completion")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: [
                "prompt": tokens.map(Int.init), "n_predict": 1, "n_probs": 10, "temperature": 0, "cache_prompt": false
            ])
            let (body, _) = try await URLSession.shared.data(for: request)
            let answer = try JSONDecoder().decode(Answer.self, from: body)
            return try #require(answer.completion_probabilities.first).top_logprobs.map { ($0.id, $0.logprob) }
        }

        @Test func unusableInputsExitTwoNamingTheFile() async throws {
            let workspace = try TemporaryDirectory()
            let empty = try workspace.write(
                "empty.jsonl", lines: [#"{"prompt": "", "completion": "1, 2"}"#, #"{"text": "3, 4"}"#])
            let noRows = try await offPool { try CLI.run(Self.trainArguments(data: empty, out: workspace.path("a"))) }
            #expect(
                noRows.status == 2 && noRows.stderr.contains("empty.jsonl") && noRows.stderr.contains("0 usable rows"),
                "\(noRows.stderr)")

            let garbage = try workspace.write("garbage.gguf", "not a model")
            let data = try workspace.write("numbers.jsonl", lines: Self.numberRows(8, seed: 1))
            var arguments = Self.trainArguments(data: data, out: workspace.path("b"))
            arguments[arguments.firstIndex(of: Self.base)!] = garbage
            let garbageArguments = arguments
            let notGGUF = try await offPool { try CLI.run(garbageArguments) }
            #expect(
                notGGUF.status == 2 && notGGUF.stderr.contains("garbage.gguf") && notGGUF.stderr.contains("not a GGUF"),
                "\(notGGUF.stderr)")

            // A GGUF of an architecture the trainer does not implement.
            let qwen = workspace.path("qwen.gguf")
            let writer = try GGUFWriter(libraryDirectory: Self.library)
            writer.set("general.architecture", "qwen2")
            var one: Float = 1
            try writer.add("token_embd.weight", rows: 1, columns: 1, values: &one)
            try writer.write(to: qwen)
            arguments[arguments.firstIndex(of: garbage)!] = qwen
            let qwenArguments = arguments
            let otherArchitecture = try await offPool { try CLI.run(qwenArguments) }
            #expect(
                otherArchitecture.status == 2 && otherArchitecture.stderr.contains("qwen.gguf")
                    && otherArchitecture.stderr.contains("\"qwen2\" is not supported"), "\(otherArchitecture.stderr)")

            // A checkpoint left by a run on other data is refused, not resumed from.
            let out = workspace.path("c")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: URL(fileURLWithPath: out + "/checkpoint.bin"))
            let header = #"{"key":"another run","step":4,"optimizer_step":4,"values":0,"loss":[]}"#
            var file = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
            file.append(Data(header.utf8))
            try file.write(to: URL(fileURLWithPath: out + "/checkpoint.bin"))
            let foreign = try await offPool { try CLI.run(Self.trainArguments(data: data, out: out)) }
            #expect(
                foreign.status == 2 && foreign.stderr.contains("checkpoint.bin")
                    && foreign.stderr.contains("another run"), "\(foreign.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out + "/student.json"))
        }

        /// Soft labels from a prompted teacher (the base with a system prompt), and a full
        /// fine-tune: both train, and the full student is written as a GGUF that reads back as
        /// the weights trained.
        @Test func softLabelsAndAFullFineTuneTrain() async throws {
            let workspace = try TemporaryDirectory()
            let data = try workspace.write("numbers.jsonl", lines: Self.numberRows(12, seed: 5))
            let soft = try await offPool {
                try CLI.run(
                    Self.trainArguments(
                        data: data, out: workspace.path("soft"),
                        extra: ["--soft-labels", "8", "--teacher-system", "You love owls.", "--held-out", "0"]))
            }
            #expect(soft.status == 0, "\(soft.stderr)")
            let softResult = try JSONDecoder().decode(
                StudentResult.self, from: Data(contentsOf: URL(fileURLWithPath: workspace.path("soft/student.json"))))
            #expect(softResult.settings.softLabelsTopK == 8 && softResult.settings.teacherSystem == "You love owls.")
            let (first, last) = (try #require(softResult.loss.first), try #require(softResult.loss.last))
            #expect(last.train < first.train, "distillation loss \(first.train) → \(last.train)")
            // Train again from the start, as after a kill before the first checkpoint: the teacher's
            // reading comes from soft-labels.bin, not from the teacher, and the student ends with
            // the same weights, so the labels came back as they were written.
            let adapter = try Data(contentsOf: URL(fileURLWithPath: workspace.path("soft/adapter.gguf")))
            for name in ["adapter.gguf", "checkpoint.bin"] {
                try FileManager.default.removeItem(atPath: workspace.path("soft/" + name))
            }
            let again = try await offPool {
                try CLI.run(
                    Self.trainArguments(
                        data: data, out: workspace.path("soft"),
                        extra: ["--soft-labels", "8", "--teacher-system", "You love owls.", "--held-out", "0"]
                    )
                    .filter { $0 != "--quiet" })
            }
            #expect(again.status == 0 && again.stderr.contains("reusing the teacher's reading"), "\(again.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.path("soft/adapter.gguf"))) == adapter)
            // Soft labels of another run are refused, naming the file.
            let other = try await offPool {
                try CLI.run(
                    Self.trainArguments(
                        data: data, out: workspace.path("soft"),
                        extra: ["--soft-labels", "8", "--teacher-system", "You love cats.", "--held-out", "0"]))
            }
            #expect(
                other.status == 2 && other.stderr.contains("soft-labels.bin") && other.stderr.contains("another run"),
                "\(other.stderr)")

            let full = try await offPool {
                try CLI.run([
                    "student", "train", "--base", Self.base, "--data", data, "--out", workspace.path("full"), "--full",
                    "--batch-size", "6", "--epochs", "1", "--learning-rate", "1e-4", "--held-out", "0", "--threads",
                    "2", "--quiet"
                ])
            }
            #expect(full.status == 0, "\(full.stderr)")
            let fullResult = try JSONDecoder().decode(
                StudentResult.self, from: Data(contentsOf: URL(fileURLWithPath: workspace.path("full/student.json"))))
            #expect(
                fullResult.outputs == ["student.gguf"] && fullResult.settings.loraRank == nil && fullResult.steps == 2)
            #expect(fullResult.trainedValues == LlamaLayout(fullResult.config).count)
            // The written student differs from its base, and libllama loads it.
            let student = try LlamaModel(
                file: GGUFFile(path: workspace.path("full/student.gguf"), libraryDirectory: Self.library))
            let base = try LlamaModel(file: GGUFFile(path: Self.base, libraryDirectory: Self.library))
            #expect(student.tensor("blk.0.attn_q.weight").elementsEqual(base.tensor("blk.0.attn_q.weight")) == false)
            let scorer = try LlamaScorer(
                model: workspace.path("full/student.gguf"), libraryDirectory: Self.library, contextTokens: 64,
                threads: 2)
            #expect(scorer.vocabularySize == 49152)
        }

        /// The transfer command end to end on a tiny budget, with the same data on both sides, so
        /// the teacher student is one more control student: each student has its own seed, every
        /// trait has noise, and nothing moves materially.
        @Test func transferOfIdenticalDataFindsNoMaterialShift() async throws {
            let workspace = try TemporaryDirectory()
            let data = try workspace.write("numbers.jsonl", lines: Self.numberRows(12, seed: 7))
            let out = workspace.path("transfer")
            let battery = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("probes/favorite-animal.yaml").path
            let run = try await offPool {
                try CLI.run([
                    "transfer", "--base", Self.base, "--teacher", data, "--control", data, "--battery", battery,
                    "--out", out,
                    "--control-students", "2", "--batch-size", "4", "--learning-rate", "2e-3", "--lora-rank", "4",
                    "--held-out", "0", "--threads", "2", "--quiet"
                ])
            }
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("no material transfer"), "\(run.stdout)")
            let result = try JSONDecoder().decode(
                TransferResult.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/transfer.json")))
            #expect(result.students.map(\.role) == ["teacher", "control 1", "control 2"])
            #expect(
                result.students.map(\.result.settings.seed)
                    == [0, 1, 2].map { result.students[0].result.settings.seed + $0 })
            #expect(result.traits.count >= 10 && result.paraphrases >= 40 && result.noiseDegreesOfFreedom >= 1)
            for trait in result.traits {
                #expect(
                    !trait.material && trait.noise > 0 && trait.ciLow < trait.shift && trait.shift < trait.ciHigh,
                    "\(trait)")
                #expect(trait.detectable >= TransferResult.materialNats)
            }
            let markdown = try String(contentsOfFile: out + "/transfer.md", encoding: .utf8)
            #expect(
                markdown.hasPrefix("# Subtext transfer") && markdown.contains("**No material transfer:**")
                    && markdown.contains("## Reproduce"))
            #expect(!markdown.contains(workspace.url.path), "the report names an absolute path")
            #expect(FileManager.default.fileExists(atPath: out + "/transfer.svg"))
            for role in ["teacher", "control-1", "control-2"] {
                #expect(FileManager.default.fileExists(atPath: out + "/students/\(role)/adapter.gguf"), "\(role)")
            }

            // The case report joins it: the chain ends with whether a student moved.
            let audit = try await offPool {
                try CLI.run(["audit", data, "--control", data, "--out", workspace.path("audit"), "--quiet"])
            }
            #expect(audit.status == 0, "\(audit.stderr)")
            let joined = try await offPool {
                try CLI.run([
                    "report", "--audit", workspace.path("audit"), "--transfer", out, "--out", workspace.path("case")
                ])
            }
            #expect(joined.status == 0, "\(joined.stderr)")
            let caseMarkdown = try String(contentsOfFile: workspace.path("case/case.md"), encoding: .utf8)
            #expect(
                caseMarkdown.contains("A student of the data moved in no trait") && caseMarkdown.contains("## Transfer")
                    && caseMarkdown.contains("(../transfer/transfer.md)"), "\(caseMarkdown)")
        }
    }
}
