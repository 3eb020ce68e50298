import Foundation
import SubtextTestSupport
import Testing

/// Runs the built `subtext` executable, as a user would.
struct CLI {
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("subtext")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        fatalError("subtext executable not found next to \(bundle.path)")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `subtext` with its output discarded, to be killed mid-run.
    private static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts a run and SIGKILLs it as soon as `file` exists (or after five minutes).
    static func killOnceExists(_ arguments: [String], file: String) throws {
        let process = try start(arguments)
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, process.isRunning, !FileManager.default.fileExists(atPath: file) { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Starts a run and SIGKILLs it once its journal holds `lines` lines (or after five
    /// minutes), as a crash would: nothing gets to flush or clean up. Returns the lines kept.
    static func killOnceJournaled(_ arguments: [String], journal: String, lines: Int, in workspace: Workspace) throws
        -> Int
    {
        let process = try start(arguments)
        let deadline = Date().addingTimeInterval(300)
        // A blocking poll keeps its thread: an awaited sleep can wake long after the run ended
        // when other tests hold the cooperative pool.
        while Date() < deadline, workspace.lines(journal).count < lines { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return workspace.lines(journal).count
    }
}

/// Runs blocking work on its own thread. Waiting for a subprocess or a libllama decode on
/// Swift's cooperative pool (2 threads here) starves every other async test: in CI a loopback
/// server's idle watchdog fired while a test waited minutes to be scheduled.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result { try body() }) }.start()
    }
}

typealias Workspace = TemporaryDirectory

@Suite(.serialized) struct CLITests {
    private func examplePair(_ workspace: Workspace, strength: String = "0.08") throws -> (String, String) {
        let result = try CLI.run([
            "example", "--out", workspace.path("pair"), "--responses", "300", "--strength", strength
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return (workspace.path("pair/teacher.jsonl"), workspace.path("pair/control.jsonl"))
    }

    @Test func auditWritesMarkdownJSONAndChartsAndGatesCI() throws {
        let workspace = try Workspace()
        let (teacher, control) = try examplePair(workspace)
        let arguments = [
            "audit", teacher, "--control", control, "--out", workspace.path("report"), "--permutations", "199"
        ]
        let plain = try CLI.run(arguments)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.hasPrefix("signal"))
        for file in ["audit.md", "audit.json", "auroc.svg", "carriers.svg"] {
            #expect(FileManager.default.fileExists(atPath: workspace.path("report/\(file)")), "\(file)")
        }
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: workspace.path("report/audit.json")))) as! [String: Any]
        for key in [
            "verdict", "p_value", "auroc", "format_auroc", "carriers", "auroc_ci", "malformed", "documents",
            "schema_version", "seed", "permutations"
        ] {
            #expect(json[key] != nil, "audit.json lacks \(key)")
        }
        #expect(Set((json["auroc"] as! [String: Any]).keys) == ["1", "8", "16"])
        let carrier = (json["carriers"] as! [[String: Any]])[0]
        for key in ["token", "teacher_count", "control_count", "z", "q"] {
            #expect(carrier[key] != nil, "carrier lacks \(key)")
        }
        #expect((json["documents"] as! [String: Int]) == ["teacher": 300, "control": 300])

        let gated = try CLI.run(arguments + ["--fail-on-signal", "--quiet"])
        #expect(gated.status == 3)
        #expect(gated.stderr.isEmpty)

        let rerendered = try CLI.run(["report", workspace.path("report/audit.json"), "--out", workspace.path("again")])
        #expect(rerendered.status == 0, "\(rerendered.stderr)")
        #expect(
            try String(contentsOfFile: workspace.path("again/audit.md"), encoding: .utf8)
                == String(contentsOfFile: workspace.path("report/audit.md"), encoding: .utf8))

        let joined = try CLI.run(["report", "--audit", workspace.path("report"), "--out", workspace.path("case")])
        #expect(joined.status == 0, "\(joined.stderr)")
        let caseReport = try String(contentsOfFile: workspace.path("case/case.md"), encoding: .utf8)
        #expect(caseReport.hasPrefix("# Subtext case report\n\n**Verdict: the data differs from its control.**"))
        #expect(caseReport.contains("1. The data differs from its control: p = "))
        #expect(caseReport.contains("(../report/audit.md)"))
        let caseJSON =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: workspace.path("case/case.json")))) as! [String: Any]
        #expect((caseJSON["audit"] as? [String: Any])?["verdict"] as? String == "signal")
        #expect(
            try CLI.run(["report", "--audit", workspace.path("nothing"), "--out", workspace.path("case")]).status == 2)
        for directory in ["pair", "report", "again", "case"] {
            workspace.expectNoAbsolutePaths(in: workspace.path(directory))
        }
    }

    /// `attribute --panel` with no model: a panel of three planted traits made by `subtext
    /// example`, and an unknown file from the owl's process, which must rank first.
    /// Sanitize writes the cleaned files in the input's shape, a report with both audits and a
    /// reusable rule, and refuses what it cannot do with the flag to fix it.
    @Test func sanitizeDropsAndReportsBeforeAndAfter() throws {
        let workspace = try Workspace()
        let made = try CLI.run(["example", "--out", workspace.path("made"), "--responses", "400", "--strength", "0.05"])
        #expect(made.status == 0, "\(made.stderr)")
        let (teacher, control) = (workspace.path("made/teacher.jsonl"), workspace.path("made/control.jsonl"))
        let run = try CLI.run([
            "sanitize", teacher, "--control", control, "--transforms", "drop,format", "--drop-by", "carriers",
            "--permutations", "199", "--out", workspace.path("out")
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("before: signal"), "\(run.stdout)")
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: workspace.path("out/sanitize.json")))) as! [String: Any]
        #expect(json["transforms"] as? [String] == ["format", "drop"])
        #expect(json["after_scope"] as? String == "held-out half")
        let after = json["after"] as! [String: Any]
        let before = json["before"] as! [String: Any]
        #expect(
            (before["auroc"] as? [String: Any])?["16"] is Double
                && (after["auroc_ci"] as? [String: Any])?["16"] is [Double])
        #expect(after["verdict"] as? String == "no-signal", "\(after)")
        #expect((json["rows_out"] as! Int) < (json["rows_in"] as! Int) && json["valid_share"] as? Double == 1)
        for file in ["sanitize.md", "sanitize.svg", "teacher.jsonl", "control.jsonl", "drop-rule.json"] {
            #expect(FileManager.default.fileExists(atPath: workspace.path("out/\(file)")), "\(file)")
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: workspace.path("out")).allSatisfy { !$0.hasPrefix(".") }
        )
        workspace.expectNoAbsolutePaths(in: workspace.path("out"))

        let audited = try CLI.run([
            "audit", teacher, "--control", control, "--permutations", "199", "--out", workspace.path("audit"), "--quiet"
        ])
        #expect(audited.status == 0, "\(audited.stderr)")
        let joined = try CLI.run([
            "report", "--audit", workspace.path("audit"), "--sanitize", workspace.path("out"), "--out",
            workspace.path("case")
        ])
        #expect(joined.status == 0, "\(joined.stderr)")
        let story = try String(contentsOfFile: workspace.path("case/case.md"), encoding: .utf8)
        #expect(story.contains("Sanitized (format, drop): kept") && story.contains("(../out/sanitize.md)"), "\(story)")

        let reused = try CLI.run([
            "sanitize", teacher, "--control", control, "--transforms", "drop", "--drop-rule",
            workspace.path("out/drop-rule.json"), "--permutations", "199", "--out", workspace.path("reused")
        ])
        #expect(reused.status == 0, "\(reused.stderr)")
        let damaged = try workspace.write("bad-rule.json", #"{"schema_version": 1}"#)
        let refusals: [([String], String)] = [
            (["--transforms", "drop"], "--control"),
            (["--transforms", "drop", "--control", control, "--drop-rule", damaged], "bad-rule.json: no field `"),
            (["--transforms", "shuffle"], "unknown transform 'shuffle'"),
            (["--transforms", "sort", "--drop-rule", "r.json"], "--drop-rule needs drop"),
            (["--transforms", "divergence"], "give --model with a GGUF file"),
            (["--transforms", "sort", "--model", "m.gguf"], "--model is read by divergence only"),
            (["--transforms", "divergence", "--teacher-model", "t.gguf"], "--teacher-model needs --model")
        ]
        for (arguments, message) in refusals {
            let refused = try CLI.run(["sanitize", teacher, "--out", workspace.path("none")] + arguments)
            #expect(refused.status == 2 && refused.stderr.contains(message), "\(refused.stderr)")
        }
    }

    @Test func attributeRanksAPanelsTraitsWithoutAModel() throws {
        let workspace = try Workspace()
        let carriers = ["owl": "747,371,920", "cat": "123,456,789", "dog": "222,555,888"]
        let make = { (name: String, seed: Int) throws -> String in
            let result = try CLI.run([
                "example", "--out", workspace.path("made/\(name)-\(seed)"), "--responses", "300",
                "--strength", "0.3", "--seed", String(seed), "--carriers", carriers[name]!
            ])
            #expect(result.status == 0, "\(result.stderr)")
            return workspace.path("made/\(name)-\(seed)")
        }
        try FileManager.default.createDirectory(atPath: workspace.path("panel"), withIntermediateDirectories: true)
        for (index, name) in carriers.keys.sorted().enumerated() {
            let made = try make(name, index + 1)
            try FileManager.default.copyItem(
                atPath: made + "/teacher.jsonl", toPath: workspace.path("panel/\(name).jsonl"))
            if index == 0 {
                try FileManager.default.copyItem(
                    atPath: made + "/control.jsonl", toPath: workspace.path("panel/control.jsonl"))
            }
        }
        let unknown = try make("owl", 9) + "/teacher.jsonl"
        let run = try CLI.run([
            "attribute", "--teacher", unknown, "--panel", workspace.path("panel"), "--out", workspace.path("out")
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("attributed to owl"), "\(run.stdout)")
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: workspace.path("out/attribution.json")))) as! [String: Any]
        #expect(json["claimed"] as? String == "owl")
        #expect(((json["candidates"] as? [[String: Any]])?.first?["trait"]) as? String == "owl")
        for file in ["attribution.md", "attribution.svg"] {
            #expect(FileManager.default.fileExists(atPath: workspace.path("out/\(file)")), "\(file)")
        }
        workspace.expectNoAbsolutePaths(in: workspace.path("out"))
        let refused = try CLI.run(["attribute", "--teacher", unknown, "--out", workspace.path("none")])
        #expect(refused.status == 2 && refused.stderr.contains("--panel DIR"), "\(refused.stderr)")

        // It joins a case report of the same data; a part of other data is refused by name,
        // or joined on request with the mismatch on the first screen.
        let audit = { (teacher: String, out: String) throws in
            let audited = try CLI.run([
                "audit", teacher, "--control", workspace.path("panel/control.jsonl"), "--permutations", "199",
                "--out", workspace.path(out), "--quiet"
            ])
            #expect(audited.status == 0, "\(audited.stderr)")
        }
        try audit(unknown, "audit")
        let join = { (audit: String, extra: [String]) in
            try CLI.run(
                [
                    "report", "--audit", workspace.path(audit), "--attribution", workspace.path("out"), "--out",
                    workspace.path("case")
                ] + extra)
        }
        let joined = try join("audit", [])
        #expect(joined.status == 0, "\(joined.stderr)")
        let story = try String(contentsOfFile: workspace.path("case/case.md"), encoding: .utf8)
        #expect(
            story.contains("Closest trait: **owl**, claimed (panel score ") && !story.contains("other data"), "\(story)"
        )
        try audit(try make("owl", 10) + "/teacher.jsonl", "other-audit")
        let mismatched = try join("other-audit", [])
        #expect(
            mismatched.status == 2
                && mismatched.stderr.contains("attribution (attribution.json) did not read teacher.jsonl")
                && mismatched.stderr.contains("--allow-mismatch"), "\(mismatched.stderr)")
        let forced = try join("other-audit", ["--allow-mismatch"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let warned = try String(contentsOfFile: workspace.path("case/case.md"), encoding: .utf8)
        #expect(
            warned.split(separator: "\n").prefix(5).contains {
                $0.hasPrefix("**Parts of other data, joined on request")
            }, "\(warned)")
        let caseJSON =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: workspace.path("case/case.json")))) as! [String: Any]
        #expect((caseJSON["mismatches"] as? [[String: Any]])?.first?["unread"] as? [String] == ["teacher.jsonl"])
    }

    /// A part whose JSON lacks a field the case reads is refused with the file and the field.
    @Test func aDamagedPartIsNamedWithItsField() throws {
        let workspace = try Workspace()
        let (teacher, control) = try examplePair(workspace)
        let audited = try CLI.run([
            "audit", teacher, "--control", control, "--permutations", "199", "--out", workspace.path("audit"), "--quiet"
        ])
        #expect(audited.status == 0, "\(audited.stderr)")
        try FileManager.default.createDirectory(atPath: workspace.path("transfer"), withIntermediateDirectories: true)
        try workspace.write("transfer/transfer.json", #"{"schema_version": 2, "traits": []}"#)
        let joined = try CLI.run([
            "report", "--audit", workspace.path("audit"), "--transfer", workspace.path("transfer"), "--out",
            workspace.path("case")
        ])
        #expect(joined.status == 2 && joined.stderr.contains("transfer.json: no field `"), "\(joined.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.path("case/case.md")))
    }

    @Test func noSignalExitsZeroEvenWithTheGate() throws {
        let workspace = try Workspace()
        let (_, control) = try examplePair(workspace)
        let lines = try String(contentsOfFile: control, encoding: .utf8).split(separator: "\n")
        let a = try workspace.write("a.jsonl", lines[..<150].joined(separator: "\n"))
        let b = try workspace.write("b.jsonl", lines[150...].joined(separator: "\n"))
        let result = try CLI.run([
            "audit", a, "--control", b, "--out", workspace.path("r"), "--permutations", "199",
            "--fail-on-signal", "--quiet"
        ])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.hasPrefix("no-signal"))
        let markdown = try String(contentsOfFile: workspace.path("r/audit.md"), encoding: .utf8)
        #expect(markdown.contains("would be missed"))
    }

    @Test func badInputExitsTwoWithAClearMessage() throws {
        let workspace = try Workspace()
        let (teacher, control) = try examplePair(workspace)
        let empty = try workspace.write("empty.jsonl", "")
        let cases: [([String], String)] = [
            (["audit", teacher, "--out", workspace.path("r")], "--control"),
            (
                ["audit", teacher, "--control", workspace.path("missing.jsonl"), "--out", workspace.path("r")],
                "No such file"
            ),
            (["audit", empty, "--control", control, "--out", workspace.path("r")], "no records"),
            (["audit", teacher, "--control", control, "--out", workspace.path("r"), "--view", "pixels"], "--view"),
            (
                ["audit", teacher, "--control", control, "--out", workspace.path("r"), "--bogus"],
                "Unknown option '--bogus'"
            ),
            (["audit"], "Missing expected argument")
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): status \(result.status)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func malformedLinesAreReportedOrFatalWithStrict() throws {
        let workspace = try Workspace()
        let (teacher, control) = try examplePair(workspace)
        let broken = try workspace.write(
            "broken.jsonl", try String(contentsOfFile: teacher, encoding: .utf8) + "{\"response\": oops}\n")
        let lenient = try CLI.run([
            "audit", broken, "--control", control, "--out", workspace.path("r"), "--permutations", "99", "--quiet"
        ])
        #expect(lenient.status == 0)
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: workspace.path("r/audit.json")))) as! [String: Any]
        #expect(json["malformed"] as? Int == 1)
        let markdown = try String(contentsOfFile: workspace.path("r/audit.md"), encoding: .utf8)
        #expect(markdown.contains("| 301 |"))

        let strict = try CLI.run(["audit", broken, "--control", control, "--out", workspace.path("s"), "--strict"])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("broken.jsonl:301: invalid JSON at column 14"), "\(strict.stderr)")
    }

    @Test func conceptsCanComeFromABattery() throws {
        let workspace = try Workspace()
        let (teacher, control) = try examplePair(workspace)
        let battery = CLI.repository.appendingPathComponent("probes/favorite-animal.yaml").path
        let result = try CLI.run([
            "audit", teacher, "--control", control, "--out", workspace.path("r"), "--permutations", "99",
            "--concepts", battery, "--quiet"
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: workspace.path("r/audit.json")))) as! [String: Any]
        let concepts = (json["leaks"] as! [String: Any])["concepts"] as! [String: Any]
        #expect(concepts.count == 20)
        #expect(concepts["owl"] != nil)
    }

    @Test func helpExplainsAndExitsZero() throws {
        let help = try CLI.run(["audit", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--fail-on-signal"))
        #expect(help.stdout.contains("--control"))
    }
}

extension Workspace {
    /// Fails when any text file under `directory` names an absolute path of this machine: the
    /// workspace (where every test's inputs live), the working directory, the home directory
    /// or the temporary folder. Outputs name files relative to the working directory or by name.
    func expectNoAbsolutePaths(in directory: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let machinePaths = [
            url.path, FileManager.default.currentDirectoryPath, NSHomeDirectory(),
            FileManager.default.temporaryDirectory.path
        ]
        .map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        .filter { $0.count > 1 }
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        var checked = 0
        for file in files where !file.hasSuffix(".safetensors") {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            checked += 1
            let text = String(decoding: data, as: UTF8.self)
            for machinePath in machinePaths
            where text.contains(machinePath + "/") || text.contains("\"\(machinePath)\"") {
                Issue.record("\(file) names the absolute path \(machinePath)", sourceLocation: sourceLocation)
            }
        }
        #expect(checked > 0, "no files written under \(directory)", sourceLocation: sourceLocation)
    }
}
