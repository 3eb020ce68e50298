import Foundation
import SubtextTestSupport
import Testing

extension ModelTests {
    /// Generating a teacher/control pair from a real model: llama-server with SmolLM2-135M-Instruct.
    @Suite(Llama.enabled) struct GenerateCLITests {
        /// Under the grammar every reply is a number list, both sides get the same prompts, the
        /// manifest says how the data was made, and a rerun sends nothing.
        @Test func constrainedNumbersPairIsWrittenAndResumes() async throws {
            let server = try LlamaServer()
            let workspace = try Workspace()
            let out = workspace.path("pair")
            let arguments = [
                "generate", "--model", "smollm2=\(server.baseURL)#smollm2", "--traits", "owl", "--prompts", "6",
                "--model-file", LlamaServer.cache + "/SmolLM2-135M-Instruct.Q4_1.gguf", "--out", out, "--quiet"
            ]
            let run = try CLI.run(arguments)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("control: kept 6/6") && run.stdout.contains("owl: kept 6/6"), "\(run.stdout)")
            let control = try records(out + "/control.jsonl")
            let owl = try records(out + "/owl.jsonl")
            #expect(control.map { $0["prompt"]! } == owl.map { $0["prompt"]! })
            for record in control + owl {
                let numbers = record["completion"]!.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                #expect(numbers.allSatisfy { Int($0).map { (0...999).contains($0) } ?? false }, "\(record)")
            }
            let manifest =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")))
                as! [String: Any]
            #expect(manifest["constrained_decoding"] as? String == "grammar")
            let sides = manifest["sides"] as! [[String: Any]]
            #expect(sides.map { $0["name"] as! String } == ["control", "owl"])
            #expect(sides[0]["system"] == nil && (sides[1]["system"] as! String).contains("owls"))

            let again = try CLI.run(arguments)
            #expect(again.stdout.contains("0 requests sent"), "\(again.stdout)")
            workspace.expectNoAbsolutePaths(in: out)
        }

        private func records(_ path: String) throws -> [[String: String]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
            }
        }
    }
}
