import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
    import SubtextTestSupport
#endif

extension CLI {
    /// Runs a shell command and returns its exit status.
    static func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " >/dev/null 2>&1"]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}

extension Workspace {
    /// A models file with SmolLM2 twice on `server`: the base, and an owl teacher stand-in.
    func owlModels(_ server: LlamaServer) throws -> String {
        try write(
            "models.yaml",
            """
            - name: base
              url: \(server.baseURL)
              model: smollm2
            - name: owl-teacher
              url: \(server.baseURL)
              model: smollm2
              system: "You love owls. You think about owls all the time. Owls are your favorite animal."
            """)
    }
}

extension ModelTests {
    /// Probing a real model: llama-server with SmolLM2-135M-Instruct, on loopback.
    @Suite(Llama.enabled) struct ProbeCLITests {
        /// Kill -9 mid-run, rerun: nothing completed is asked again, nothing is lost, and a replay
        /// from the journal gives the same result offline. The owl teacher stand-in names owls
        /// more often than the base model (a statistical property: batching can change outputs).
        @Test func killedRunResumesAndReplays() async throws {
            let server = try LlamaServer()
            let workspace = try Workspace()
            let models = try workspace.owlModels(server)
            let battery = CLI.repository.appendingPathComponent("probes/favorite-animal.yaml").path
            let out = workspace.path("run")
            let arguments = [
                "probe", battery, "--models", models, "--reference", "base", "--out", out,
                "--prompts", "6", "--samples", "6", "--quiet", "--timeout", "300"
            ]

            let dryRun = try CLI.run(arguments + ["--dry-run"])
            #expect(dryRun.status == 0)
            #expect(dryRun.stdout.contains("72 requests planned"))

            // Start a run and SIGKILL it once some answers are journaled.
            let journal = out + "/journal.jsonl"
            let before = try CLI.killOnceJournaled(arguments, journal: journal, lines: 10, in: workspace)
            #expect(before >= 10 && before < 72, "\(before) lines before the kill")

            let resumed = try CLI.run(arguments)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout.contains("\(72 - before) requests sent"), "\(resumed.stdout)")
            let keys = workspace.lines(journal).compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String
            }
            #expect(keys.count == 72)
            #expect(Set(keys).count == 72)

            let result = try probeJSON(out)
            let owl = (result["categories"] as! [String: [String: [String: Any]]])["owl"]!
            let teacherOwls = owl["owl-teacher"]!["count"] as! Int
            let baseOwls = owl["base"]!["count"] as! Int
            #expect(teacherOwls > baseOwls, "owl answers: teacher \(teacherOwls), base \(baseOwls)")
            for key in ["models", "categories", "shifts"] { #expect(result[key] != nil, "probe.json lacks \(key)") }
            let shift = try #require(
                (result["shifts"] as! [[String: Any]]).first { $0["category"] as? String == "owl" })
            for key in ["model", "category", "delta", "ci_low", "ci_high", "p", "q"] {
                #expect(shift[key] != nil, "shift lacks \(key)")
            }

            // Offline replay through the same code path gives the same numbers.
            let replayed = try CLI.run(
                arguments.map { $0 == out ? workspace.path("replay") : $0 } + ["--replay", journal])
            #expect(replayed.status == 0, "\(replayed.stderr)")
            let again = try probeJSON(workspace.path("replay"))
            #expect(
                NSDictionary(dictionary: again["categories"] as! [String: Any])
                    .isEqual(to: result["categories"] as! [String: Any]))
            workspace.expectNoAbsolutePaths(in: out)
        }

        /// The server dies and comes back on the same port mid-run: the run completes, and
        /// nothing is lost or asked twice.
        @Test func serverRestartMidRunIsSurvived() async throws {
            var server: LlamaServer? = try LlamaServer()
            let port = server!.port
            let workspace = try Workspace()
            let battery = CLI.repository.appendingPathComponent("probes/favorite-tree.yaml").path
            let out = workspace.path("run")
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = [
                "probe", battery, "--model", "base=http://127.0.0.1:\(port)/v1#smollm2", "--out", out,
                "--prompts", "8", "--samples", "6", "--quiet", "--timeout", "300"
            ]
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            // Nothing here waits on a clock: on a loaded 2-core machine one answer can take
            // longer than any fixed pause (with --timeout 10, every attempt of a slow server's
            // answers timed out and the run gave up). The server is killed once answers are
            // journaled, and restarted at once; it refuses connections, then answers 503 while
            // it loads, and the probe's retry budget (two minutes of waiting) outlasts that.
            let journal = out + "/journal.jsonl"
            while process.isRunning, workspace.lines(journal).count < 8 {
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            server!.stop()
            server = nil
            let restarted = try LlamaServer(port: port)
            process.waitUntilExit()
            let said = [output, errors].map {
                String(decoding: $0.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            }
            #expect(process.terminationStatus == 0, "\(said.joined(separator: "\n"))")
            let keys = workspace.lines(journal).compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["key"] as? String
            }
            #expect(keys.count == 48)
            #expect(Set(keys).count == 48)
            _ = restarted
        }

        private func probeJSON(_ directory: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/probe.json")))
                as! [String: Any]
        }
    }
}
