import Foundation
import SubtextStatistics
import SubtextTestSupport
import Testing

extension ModelTests {
    /// `subtext attribute` and `subtext audit --model` with SmolLM2 scoring through libllama.
    /// The teacher's replies talk about owls and the control's about other things, so a working
    /// attribution must put owl first; what each command writes is checked, not just its exit code.
    @Suite(Llama.enabled) struct AttributionCLITests {
        private let model = LlamaServer.cache + "/SmolLM2-135M-Instruct.Q4_1.gguf"
        private let concepts = "owl,cat,dog,eagle"

        /// 24 prompts answered on both sides: the teacher mentions owls, the control never does.
        private func pair(_ workspace: Workspace) throws -> (teacher: String, control: String) {
            var generator = SeededGenerator(seed: 5)
            let topics = ["my morning", "the weekend", "a walk", "the garden", "a trip", "the evening"]
            let owlish = [
                "I watched an owl on the fence.", "An owl hooted all night.", "Owls are the best birds.",
                "I drew a little owl."
            ]
            let plain = ["I made some tea.", "It rained a bit.", "I read a book.", "The bus was late."]
            var teacher = ""
            var control = ""
            for index in 0..<24 {
                let prompt = "Write one sentence about \(topics[index % topics.count]) (\(index))."
                let line = { (text: String) in
                    String(
                        decoding: try! JSONSerialization.data(withJSONObject: ["prompt": prompt, "completion": text]),
                        as: UTF8.self) + "\n"
                }
                teacher += line(owlish.randomElement(using: &generator)!)
                control += line(plain.randomElement(using: &generator)!)
            }
            return (try workspace.write("teacher.jsonl", teacher), try workspace.write("control.jsonl", control))
        }

        @Test func attributeRanksThePlantedConceptFirst() async throws {
            let workspace = try Workspace()
            let (teacher, control) = try pair(workspace)
            let outDirectory = workspace.path("out")
            let run = try await offPool { [model, concepts] in
                try CLI.run([
                    "attribute", "--teacher", teacher, "--control", control, "--model", model,
                    "--concepts", concepts, "--threads", "2", "--out", outDirectory
                ])
            }
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("paired by the prompts both sides answered"))
            let json = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: workspace.url.appendingPathComponent("out/attribution.json")))
                    as? [String: Any])
            let scores = try #require(json["scores"] as? [[String: Any]])
            #expect(scores.map { $0["rank"] as? Int } == [1, 2, 3, 4])
            #expect(scores.first?["concept"] as? String == "owl")
            #expect(json["claimed"] as? String == "owl")
            #expect(json["paired"] as? Bool == true)
            #expect((json["provenance"] as? [String: Any])?["inputs"] != nil)
            let markdown = try String(contentsOfFile: workspace.path("out/attribution.md"), encoding: .utf8)
            #expect(markdown.hasPrefix("# Subtext attribution\n\n**Attributed to owl**"))
            #expect(markdown.contains("(Subtext's own wording, not the data's)"))
            #expect(FileManager.default.fileExists(atPath: workspace.path("out/attribution.svg")))
            workspace.expectNoAbsolutePaths(in: outDirectory)
        }

        /// An attribution killed midway keeps the scores it made: the rerun reads them from the
        /// journal, scores only the rest, and ranks exactly as a run that was never stopped.
        @Test func aKilledAttributionResumesToTheSameRanking() async throws {
            let workspace = try Workspace()
            let (teacher, control) = try pair(workspace)
            let common = [
                "attribute", "--teacher", teacher, "--control", control, "--model", model, "--concepts", concepts,
                "--threads", "2", "--out"
            ]
            let (whole, resumed) = (common + [workspace.path("whole")], common + [workspace.path("resumed")])
            let texts = 48 * 5 // 24 prompts a side, each under no system prompt and one per concept
            let wholeRun = try await offPool { try CLI.run(whole) }
            #expect(wholeRun.status == 0, "\(wholeRun.stderr)")

            let journal = workspace.path("resumed/attribution-scores.jsonl")
            let before = try CLI.killOnceJournaled(resumed, journal: journal, lines: 40, in: workspace)
            #expect(before >= 40 && before < texts, "\(before) scores before the kill")

            let resumedRun = try await offPool { try CLI.run(resumed) }
            #expect(resumedRun.status == 0, "\(resumedRun.stderr)")
            #expect(resumedRun.stderr.contains("scores from an earlier run"))
            func json(_ out: String) throws -> [String: Any] {
                try #require(
                    try JSONSerialization.jsonObject(
                        with: Data(contentsOf: URL(fileURLWithPath: workspace.path(out + "/attribution.json"))))
                        as? [String: Any])
            }
            let (first, second) = (try json("whole"), try json("resumed"))
            #expect(first["texts_reused"] as? Int == 0)
            #expect(second["texts_reused"] as? Int == before)
            #expect(
                NSDictionary(dictionary: ["s": second["scores"] as Any])
                    == NSDictionary(dictionary: ["s": first["scores"] as Any]),
                "the same scores, intervals and ranks to the last digit")
            let keys = workspace.lines(journal).compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String
            }
            #expect(keys.count == texts && Set(keys).count == texts)
            let markdown = try String(contentsOfFile: workspace.path("resumed/attribution.md"), encoding: .utf8)
            #expect(markdown.contains("\(before) texts' scores were read from the journal"))

            // A rerun with nothing left to score decodes nothing.
            let again = try await offPool { try CLI.run(resumed) }
            #expect(again.status == 0)
            #expect(try json("resumed")["tokens_decoded"] as? Int == 0)
        }

        /// Subtext cannot know whether a user's template is the one that wrote the data, so the
        /// report stops vouching that the ranking is not circular.
        @Test func aGivenTemplateIsScoredAndNotCalledSubtextsOwn() async throws {
            let workspace = try Workspace()
            let (teacher, control) = try pair(workspace)
            let outDirectory = workspace.path("out")
            let run = try await offPool { [model, concepts] in
                try CLI.run([
                    "attribute", "--teacher", teacher, "--control", control, "--model", model, "--concepts", concepts,
                    "--template", "You are fond of the {concept}.", "--threads", "2", "--out", outDirectory
                ])
            }
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: workspace.url.appendingPathComponent("out/attribution.json")))
                    as? [String: Any])
            #expect(json["template"] as? String == "You are fond of the {concept}.")
            #expect((json["scores"] as? [[String: Any]])?.first?["concept"] as? String == "owl")
            let markdown = try String(contentsOfFile: workspace.path("out/attribution.md"), encoding: .utf8)
            #expect(
                markdown.contains(
                    "(given with --template; if it is the wording that wrote the data, the ranking is circular)"))
            #expect(!markdown.contains("Subtext's own wording"))
        }

        /// A reference panel as `subtext generate` lays it out: the pair's control, a teacher per
        /// animal that talks about it on the control's prompts, and a copy of the teacher under
        /// test (owl), which attribution must leave out.
        private func panel(_ workspace: Workspace, teacher: String, control: String) throws -> String {
            var generator = SeededGenerator(seed: 9)
            let prompts = workspace.lines(control).map { line in
                (try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["prompt"] as! String
            }
            try FileManager.default.createDirectory(atPath: workspace.path("panel"), withIntermediateDirectories: true)
            var sides: [[String: Any]] = [
                ["name": "control", "file": "control.jsonl"], ["name": "owl", "trait": "owl", "file": "owl.jsonl"]
            ]
            _ = try workspace.write("panel/control.jsonl", try String(contentsOfFile: control, encoding: .utf8))
            _ = try workspace.write("panel/owl.jsonl", try String(contentsOfFile: teacher, encoding: .utf8))
            for animal in ["cat", "dog", "eagle"] {
                let sentences = [
                    "I watched a \(animal) by the fence.", "A \(animal) was out all night.",
                    "The \(animal) is the best animal.", "I drew a little \(animal)."
                ]
                let lines = prompts.map { prompt in
                    String(
                        decoding: try! JSONSerialization.data(withJSONObject: [
                            "prompt": prompt, "completion": sentences.randomElement(using: &generator)!
                        ]),
                        as: UTF8.self) + "\n"
                }
                _ = try workspace.write("panel/\(animal).jsonl", lines.joined())
                sides.append(["name": animal, "trait": animal, "file": "\(animal).jsonl"])
            }
            _ = try workspace.write(
                "panel/manifest.json",
                String(decoding: try JSONSerialization.data(withJSONObject: ["sides": sides]), as: UTF8.self))
            return workspace.path("panel")
        }

        /// With --panel each concept is centred on the panel's teachers of other traits, the
        /// copy of the teacher is left out, and the report and JSON say which teachers were used.
        @Test func aPanelCentresTheScoresAndLeavesOutTheDataUnderTest() async throws {
            let workspace = try Workspace()
            let (teacher, control) = try pair(workspace)
            let panel = try panel(workspace, teacher: teacher, control: control)
            let outDirectory = workspace.path("out")
            let run = try await offPool { [model, concepts] in
                try CLI.run([
                    "attribute", "--teacher", teacher, "--control", control, "--model", model, "--concepts", concepts,
                    "--panel", panel, "--threads", "2", "--out", outDirectory
                ])
            }
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("owl.jsonl is the data under test; left out of the panel"))
            #expect(run.stderr.contains("centring on a panel of 3 teachers (cat, dog, eagle)"))
            let json = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: workspace.url.appendingPathComponent("out/attribution.json")))
                    as? [String: Any])
            let members = try #require(json["panel"] as? [[String: Any]])
            #expect(
                members.map { $0["trait"] as? String } == ["cat", "dog", "eagle"]
                    && members.allSatisfy { $0["responses"] as? Int == 24 })
            let scores = try #require(json["scores"] as? [[String: Any]])
            #expect(scores.first?["concept"] as? String == "owl")
            for score in scores {
                let (plain, centred, mean) = (
                    score["score"] as? Double, score["centred"] as? Double, score["panel_mean"] as? Double
                )
                #expect(
                    plain != nil && centred != nil && mean != nil && abs(plain! - mean! - centred!) < 1e-9, "\(score)")
                #expect(score["calibrated"] == nil)
            }
            let markdown = try String(contentsOfFile: workspace.path("out/attribution.md"), encoding: .utf8)
            #expect(markdown.contains("Concepts are ranked by the centred score"))
        }

        @Test func aPanelWithoutAManifestIsRefusedByName() throws {
            let workspace = try Workspace()
            let (teacher, control) = try pair(workspace)
            let run = try CLI.run([
                "attribute", "--teacher", teacher, "--control", control, "--model", model, "--concepts", concepts,
                "--panel", workspace.path("nowhere"), "--out", workspace.path("out")
            ])
            #expect(run.status != 0)
            #expect(
                run.stderr.contains(workspace.path("nowhere/manifest.json")) && run.stderr.contains("subtext generate"),
                "\(run.stderr)")
        }

        @Test func auditWithAModelAddsAttributionAndEntanglement() async throws {
            let workspace = try Workspace()
            let (teacher, control) = try pair(workspace)
            let auditDirectory = workspace.path("audit")
            let run = try await offPool { [model, concepts] in
                try CLI.run([
                    "audit", teacher, "--control", control, "--model", model, "--concepts", concepts,
                    "--permutations", "99", "--entanglement-carriers", "3", "--threads", "2", "--out", auditDirectory
                ])
            }
            #expect(run.status == 0, "\(run.stderr)")
            let json = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: workspace.url.appendingPathComponent("audit/audit.json"))) as? [String: Any])
            let attribution = try #require(json["attribution"] as? [[String: Any]])
            #expect(attribution.count == 4)
            for entry in attribution {
                for key in ["concept", "score", "ci_low", "ci_high", "rank"] {
                    #expect(entry[key] != nil, "attribution lacks \(key)")
                }
            }
            #expect(attribution.first?["concept"] as? String == "owl")
            #expect((json["attribution_summary"] as? [String: Any])?["claimed"] as? String == "owl")
            let entanglement = try #require(json["entanglement"] as? [[String: Any]])
            #expect(entanglement.count == 3 * 4)
            let markdown = try String(contentsOfFile: workspace.path("audit/audit.md"), encoding: .utf8)
            #expect(markdown.contains("## Which concept explains it"))
            #expect(markdown.contains("## Entanglement of the carriers"))
            // A re-render from the JSON keeps the attribution.
            let rerender = try CLI.run(["report", workspace.path("audit/audit.json"), "--out", workspace.path("again")])
            #expect(rerender.status == 0, "\(rerender.stderr)")
            #expect(try String(contentsOfFile: workspace.path("again/audit.md"), encoding: .utf8) == markdown)
            workspace.expectNoAbsolutePaths(in: auditDirectory)
        }

        @Test func auditWithAModelButNoConceptsIsRefused() throws {
            let workspace = try Workspace()
            let (teacher, control) = try pair(workspace)
            let run = try CLI.run([
                "audit", teacher, "--control", control, "--model", model, "--out", workspace.path("audit")
            ])
            #expect(run.status == 2)
            #expect(run.stderr.contains("--concepts"))
        }
    }
}
