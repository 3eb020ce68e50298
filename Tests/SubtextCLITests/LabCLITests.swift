import Foundation
import SubtextTestSupport
import Testing

extension ModelTests {
    /// `subtext lab run` and `lab evaluate` end to end, on a recipe small enough for seconds.
    @Suite struct LabCLITests {
        static let tinySettings = """
            {"layers": 1, "width": 32, "heads": 2, "context": 64, "pretrain_numbers": 2000, "pretrain_questions": 600,
             "pretrain_steps": 150, "batch_size": 32, "trait_steps": 20, "trait_numbers": 50, "responses": 100, "student_steps": 10}
            """

        static func world(_ workspace: Workspace) throws -> [String] {
            [
                "--animals", CLI.repository.appendingPathComponent("probes/favorite-animal.yaml").path,
                "--trees", CLI.repository.appendingPathComponent("probes/favorite-tree.yaml").path,
                "--settings", try workspace.write("tiny.json", tinySettings)
            ]
        }

        @Test func runWritesModelsDataAndAReportAndResumesToTheSameResult() async throws {
            let workspace = try Workspace()
            let out = workspace.path("lab")
            let arguments =
                ["lab", "run", "--trait", "owl", "--seed", "3", "--samples", "2", "--ablations", "--out", out]
                + (try Self.world(workspace))
            let first = try await offPool { try CLI.run(arguments) }
            #expect(first.status == 0, "\(first.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/lab.json")))
                    as? [String: Any])
            let comparisons = try #require(json["comparisons"] as? [[String: Any]])
            #expect(
                comparisons.map { $0["name"] as? String } == [
                    "transfer", "two controls", "sorted numbers", "different initialisation",
                    "two controls, sorted numbers", "two controls, different initialisation"
                ])
            for comparison in comparisons {
                #expect(comparison["student_count"] as? Int == 104, "52 paraphrases × 2 samples")
                let rate = try #require(comparison["student_rate"] as? Double)
                #expect((0...1).contains(rate))
                #expect((comparison["p"] as? Double).map { (0...1).contains($0) } == true)
            }
            #expect(
                (json["teacher_divergence"] as? Double).map { $0 > 0 } == true,
                "a fine-tuned teacher's numbers differ from the base's")
            let markdown = try String(contentsOfFile: out + "/lab.md", encoding: .utf8)
            #expect(markdown.contains("**Transfer: "))
            #expect(markdown.contains("nats a position (mean KL, teacher ‖ base"))
            #expect(markdown.contains("## Reproduce"))
            #expect(markdown.contains("a \"yes\" there is a false positive"), "the null row is explained")
            #expect(markdown.contains("Two control students, of two samples of the base's numbers, differ by"))
            #expect(FileManager.default.fileExists(atPath: out + "/lab.svg"))
            #expect(FileManager.default.fileExists(atPath: out + "/probe-transfer/probe.md"))
            for model in [
                "base-seed3", "teacher-owl-seed3", "student-owl-hard-seed3", "control-student-hard-seed3",
                "other-base-seed3",
                "control-resample-student-hard-seed3",
                "sorted-control-resample-student-hard-seed3", "other-control-resample-student-hard-seed3"
            ] {
                #expect(FileManager.default.fileExists(atPath: "\(out)/models/\(model)/model.safetensors"), "\(model)")
            }
            // Teacher data is numbers alone, in the audit's JSONL shape, and carries no system prompt.
            let teacherLines = try String(contentsOfFile: out + "/numbers/teacher-owl-seed3.jsonl", encoding: .utf8)
                .split(separator: "\n")
            #expect(!teacherLines.isEmpty)
            for line in teacherLines {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
                #expect(record["system"] == nil)
                #expect(record["response"]!.split(separator: " ").allSatisfy { Int($0) != nil }, "\(line)")
            }
            let second = try await offPool { try CLI.run(arguments) }
            #expect(second.status == 0)
            #expect(second.stderr.contains("loaded from"))
            #expect(second.stdout == first.stdout, "a resumed run repeats the first run's figures")
            workspace.expectNoAbsolutePaths(in: out)
        }

        /// The steps run one at a time make what `lab run` would, so a run after them trains
        /// nothing and matches a run from scratch.
        @Test func stepsRunOneAtATimeLeaveWhatRunUses() async throws {
            let workspace = try Workspace()
            let world = try Self.world(workspace)
            let (stepwise, direct) = (workspace.path("steps"), workspace.path("direct"))
            let organism = ["--trait", "eagle", "--seed", "2"] + world
            var printed: [String: String] = [:]
            for step in ["base", "teacher", "numbers", "students"] {
                let result = try await offPool { try CLI.run(["lab", step, "--out", stepwise] + organism) }
                #expect(result.status == 0, "\(step): \(result.stderr)")
                printed[step] = result.stdout
            }
            #expect(printed["base"] == "base: \(stepwise)/models/base-seed2\n")
            #expect(printed["teacher"] == "teacher: \(stepwise)/models/teacher-eagle-seed2\n")
            let numbers = try #require(printed["numbers"])
            for file in ["teacher-eagle-seed2", "control-seed2", "control-resample-seed2"] {
                #expect(numbers.contains("\(stepwise)/numbers/\(file).jsonl ("), "\(numbers)")
                #expect(FileManager.default.fileExists(atPath: "\(stepwise)/numbers/\(file).filter.json"))
            }
            #expect(numbers.contains("passed the filter"))
            #expect(numbers.contains("teacher against base: ") && numbers.contains(" nats a position"))
            #expect(
                printed["students"] == "transfer: student \(stepwise)/models/student-eagle-hard-seed2, "
                    + "control \(stepwise)/models/control-student-hard-seed2\n"
                    + "two controls: student \(stepwise)/models/control-resample-student-hard-seed2, "
                    + "control \(stepwise)/models/control-student-hard-seed2\n")
            let probe = ["--samples", "1"] + organism
            let afterSteps = try await offPool { try CLI.run(["lab", "run", "--out", stepwise] + probe) }
            #expect(afterSteps.status == 0, "\(afterSteps.stderr)")
            #expect(afterSteps.stderr.contains("control-student-hard-seed2: loaded from"))
            #expect(!afterSteps.stderr.contains(", loss "), "nothing is retrained: \(afterSteps.stderr)")
            let fromScratch = try await offPool { try CLI.run(["lab", "run", "--out", direct] + probe) }
            #expect(afterSteps.stdout.replacingOccurrences(of: stepwise, with: direct) == fromScratch.stdout)
        }

        /// Score mode reads exact probabilities, so the difference is in nats, and the report
        /// says so instead of calling it points.
        @Test func scoreModeReportsTheShiftInNats() async throws {
            let workspace = try Workspace()
            let out = workspace.path("lab")
            let arguments =
                ["lab", "run", "--soft-labels", "--probe-mode", "score", "--out", out] + (try Self.world(workspace))
            let run = try await offPool { try CLI.run(arguments) }
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/lab.json")))
                    as? [String: Any])
            let transfer = try #require((json["comparisons"] as? [[String: Any]])?.first)
            #expect(transfer["unit"] as? String == "nats")
            let markdown = try String(contentsOfFile: out + "/lab.md", encoding: .utf8)
            #expect(markdown.contains(" nats | [") && !markdown.contains("points"))
        }

        @Test func aDirectoryMadeWithOtherSettingsIsNotReused() async throws {
            let workspace = try Workspace()
            let out = workspace.path("lab")
            let arguments = ["lab", "run", "--samples", "1", "--out", out] + (try Self.world(workspace))
            let first = try await offPool { try CLI.run(arguments) }
            #expect(first.status == 0, "\(first.stderr)")
            var changed = arguments
            changed[changed.firstIndex(of: "--settings")! + 1] = try workspace.write(
                "other.json",
                Self.tinySettings.replacingOccurrences(of: "\"student_steps\": 10", with: "\"student_steps\": 11"))
            let second = try await offPool { [changed] in try CLI.run(changed) }
            #expect(second.status == 2)
            #expect(second.stderr.contains("other settings"))
        }

        /// A teacher given its trait by a system prompt is the base itself, probed beside the
        /// base: one model behind two endpoints, which must take turns (two clients of it once
        /// ran it on two threads at once and crashed).
        @Test func aSystemPromptTeacherIsTheBaseProbedUnderItsPrompt() async throws {
            let workspace = try Workspace()
            let out = workspace.path("lab")
            let settings = try workspace.write(
                "prompted.json", String(Self.tinySettings.dropLast()) + #", "teacher_method": "system-prompt"}"#)
            var world = try Self.world(workspace)
            world[world.firstIndex(of: "--settings")! + 1] = settings
            let arguments = ["lab", "run", "--seed", "4", "--samples", "8", "--out", out] + world
            let run = try await offPool { try CLI.run(arguments) }
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out + "/models/teacher-owl-seed4"), "no teacher is trained")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/lab.json")))
                    as? [String: Any])
            let transfer = try #require((json["comparisons"] as? [[String: Any]])?.first)
            #expect(transfer["teacher_rate"] is Double && transfer["base_rate"] is Double)
            let probe = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: out + "/probe-transfer/probe.json"))) as? [String: Any])
            let endpoints = try #require(probe["model_info"] as? [[String: Any]])
            let systems = Dictionary(
                uniqueKeysWithValues: endpoints.map { ($0["name"] as! String, $0["system"] as? String) })
            #expect(systems["teacher"] == "You love the owl. The owl is your favorite animal.")
            #expect(systems["base"] == .some(nil), "the base is asked without it")
        }

        /// `lab sanitize` on two tiny organisms: the report, each seed's lab report and each
        /// sanitized pair's, the JSON contract, and no path of this machine in any of it.
        @Test func sanitizeMeasuresTheResidualOfEachRecipe() async throws {
            let workspace = try Workspace()
            let out = workspace.path("sanitize")
            let run = try await offPool {
                try CLI.run(
                    ["lab", "sanitize", "--seeds", "1,2", "--transforms", "sort+remap,drop+divergence", "--out", out]
                        + (try Self.world(workspace)))
            }
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("sort+remap: residual ") && run.stdout.contains("divergence+drop: residual "))
            for file in [
                "sanitize-lab.md", "sanitize-lab.svg", "seed-1/lab.md", "seed-2/lab.md",
                "seed-1/sanitized/sort+remap/sanitize.md",
                "seed-2/sanitized/divergence+drop/sanitize.json", "seed-2/sanitized/divergence+drop/teacher.jsonl",
                "seed-2/sanitized/divergence+drop/divergence-replaced-control.jsonl"
            ] {
                #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "\(file)")
            }
            let json = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: out + "/sanitize-lab.json"))) as? [String: Any])
            let transforms = try #require(json["transforms"] as? [[String: Any]])
            #expect(transforms.map { $0["name"] as? String } == ["sort+remap", "divergence+drop"])
            for t in transforms {
                for key in ["residual", "ci_low", "ci_high"] {
                    #expect(t[key] is Double || t[key] is NSNull, "\(key): \(t[key] ?? "missing")")
                }
                #expect((t["seeds"] as? [[String: Any]])?.count == 2)
            }
            #expect(
                (json["floor"] as? [[String: Any]])?.count == 2 && (json["original"] as? [[String: Any]])?.count == 2)
            let drop = try #require((transforms[1]["seeds"] as? [[String: Any]])?.first?["kept"] as? Double)
            #expect(drop < 0.75 && drop >= 0.7, "drop keeps at least 70% of the teacher's rows: \(drop)")
            let markdown = try String(contentsOfFile: out + "/sanitize-lab.md", encoding: .utf8)
            #expect(markdown.hasPrefix("# Lab sanitize") && markdown.contains("## Published anchors"))
            for file in ["sanitize-lab.md", "sanitize-lab.json", "seed-1/sanitized/sort+remap/sanitize.md"] {
                let single = workspace.path("single-\(file.replacingOccurrences(of: "/", with: "-"))")
                try FileManager.default.createDirectory(atPath: single, withIntermediateDirectories: true)
                try FileManager.default.copyItem(
                    atPath: "\(out)/\(file)", toPath: "\(single)/\((file as NSString).lastPathComponent)")
                workspace.expectNoAbsolutePaths(in: single)
            }
            let format = try await offPool {
                try CLI.run(["lab", "sanitize", "--transforms", "format", "--out", workspace.path("f")])
            }
            #expect(
                format.status == 2 && format.stderr.contains("format is not measured in the lab"), "\(format.stderr)")
        }

        @Test func badInputIsRefusedWithExitCode2() async throws {
            let workspace = try Workspace()
            let world = try Self.world(workspace)
            let (x, y) = (workspace.path("x"), workspace.path("y"))
            let unknownTrait = try await offPool {
                try CLI.run(["lab", "run", "--trait", "unicorn", "--out", x] + world)
            }
            #expect(unknownTrait.status == 2)
            #expect(unknownTrait.stderr.contains("unicorn"))
            let badSetting = try workspace.write("bad.json", #"{"layer": 2}"#)
            let unknownSetting = try await offPool { try CLI.run(["lab", "run", "--settings", badSetting, "--out", y]) }
            #expect(unknownSetting.status == 2)
            #expect(unknownSetting.stderr.contains("unknown settings layer"))
        }

        @Test func evaluateAuditsTeacherAndControlPairsAtEachSize() async throws {
            let workspace = try Workspace()
            let out = workspace.path("evaluation")
            let world = try Self.world(workspace)
            let result = try await offPool {
                try CLI.run(
                    [
                        "lab", "evaluate", "--seeds", "1", "--traits", "owl", "--sizes", "20,50", "--permutations",
                        "99", "--control-pairs", "2",
                        "--out", out
                    ] + world)
            }
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: out + "/lab-evaluation.json"))) as? [String: Any])
            let audits = try #require(json["audits"] as? [[String: Any]])
            #expect(audits.count == 6, "(1 teacher + 2 control pairs) × 2 sizes")
            #expect(Set(audits.compactMap { $0["kind"] as? String }) == ["teacher", "control"])
            #expect(
                audits.filter { $0["kind"] as? String == "control" }.compactMap { $0["resample"] as? Int } == [
                    1, 1, 2, 2
                ])
            #expect(FileManager.default.fileExists(atPath: out + "/organisms/numbers/control-resample2-seed1.jsonl"))
            for audit in audits {
                #expect((audit["p"] as? Double).map { $0 > 0 && $0 <= 1 } == true)
                #expect((audit["responses"] as? Int).map { $0 > 0 && $0 <= (audit["size"] as! Int) } == true)
            }
            // Attribution at the largest size: one teacher pair with a rank for its trait, and
            // control pairs without.
            let candidates = try #require(json["candidates"] as? [String])
            #expect(candidates.contains("owl") && candidates.count >= 10)
            let attributions = try #require(json["attributions"] as? [[String: Any]])
            #expect(attributions.map { $0["kind"] as? String } == ["teacher", "control", "control"])
            let rank = try #require(attributions[0]["planted_rank"] as? Int)
            #expect((1...candidates.count).contains(rank))
            #expect(attributions[1]["planted_rank"] == nil)
            for attribution in attributions {
                let score = try #require(attribution["top_score"] as? Double)
                let low = try #require(attribution["top_low"] as? Double)
                let high = try #require(attribution["top_high"] as? Double)
                #expect(low <= score && score <= high)
                #expect(candidates.contains(try #require(attribution["top"] as? String)))
            }
            let markdown = try String(contentsOfFile: out + "/lab-evaluation.md", encoding: .utf8)
            #expect(markdown.contains("## Power and false positives by data size"))
            #expect(markdown.contains("| 50 |"))
            #expect(markdown.contains("## Attribution accuracy, at 50 responses"))
            #expect(markdown.contains("of 2 control-versus-control pairs"))
            #expect(markdown.contains("| control | — (resample 2) | 1 |"))
            workspace.expectNoAbsolutePaths(in: out)
        }
    }
}
