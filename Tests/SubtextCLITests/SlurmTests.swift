import Foundation
import SubtextTestSupport
import Testing

/// Whether the Slurm test can run: slurm-wlm installed and the test running as root, which a
/// cluster with `SlurmUser=root` and no authentication needs. scripts/test.sh (and so CI)
/// installs slurm-wlm and sets SUBTEXT_REQUIRE_SLURM=1, which turns a skip into a failure.
enum Slurm {
    static var required: Bool { ProcessInfo.processInfo.environment["SUBTEXT_REQUIRE_SLURM"] == "1" }
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld") && getuid() == 0
    }

    static let enabled: ConditionTrait = .enabled(
        if: required || available,
        "Slurm is not installed or this is not root: apt-get install slurm-wlm, run as root (SUBTEXT_REQUIRE_SLURM=1 makes this a failure)"
    )
}

/// A one-node Slurm cluster in a temporary directory, on ports of its own, with no
/// authentication: up in seconds, gone when stopped.
final class SlurmCluster {
    let directory: String
    private var environment: [String: String]
    /// The daemons' process ids, read once they are up: the directory may be gone by the stop.
    private var daemons: [pid_t] = []

    init(in directory: String) throws {
        guard Slurm.available else {
            throw CocoaError(
                .featureUnsupported,
                userInfo: [NSLocalizedDescriptionKey: "slurm-wlm is not installed, or this is not root"])
        }
        self.directory = directory
        for folder in ["state", "spool", "log"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        let host = try Self.output("/bin/hostname", ["-s"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let ports = (try RefusingPort().port, try RefusingPort().port)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Int(ProcessInfo.processInfo.physicalMemory / 2 / 1_048_576)
        try """
        ClusterName=subtext-test
        SlurmctldHost=\(host)
        SlurmctldPort=\(ports.0)
        SlurmdPort=\(ports.1)
        AuthType=auth/none
        CredType=cred/none
        SlurmUser=root
        SlurmdUser=root
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        JobAcctGatherType=jobacct_gather/none
        AccountingStorageType=accounting_storage/none
        MpiDefault=none
        ReturnToService=2
        SchedulerParameters=sched_interval=1
        StateSaveLocation=\(directory)/state
        SlurmdSpoolDir=\(directory)/spool
        SlurmctldPidFile=\(directory)/slurmctld.pid
        SlurmdPidFile=\(directory)/slurmd.pid
        SlurmctldLogFile=\(directory)/log/slurmctld.log
        SlurmdLogFile=\(directory)/log/slurmd.log
        NodeName=\(host) CPUs=\(cores) RealMemory=\(memory) State=UNKNOWN
        PartitionName=test Nodes=\(host) Default=YES MaxTime=INFINITE State=UP

        """.write(toFile: directory + "/slurm.conf", atomically: true, encoding: .utf8)
        environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = directory + "/slurm.conf"
        _ = try Self.output("/usr/sbin/slurmctld", ["-f", directory + "/slurm.conf"])
        _ = try Self.output("/usr/sbin/slurmd", ["-f", directory + "/slurm.conf"])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if (try? run("/usr/bin/sinfo", ["-h", "-o", "%T"]))?.contains("idle") == true {
                daemons = ["slurmd", "slurmctld"].compactMap { daemon in
                    (try? String(contentsOfFile: "\(directory)/\(daemon).pid", encoding: .utf8))
                        .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                }
                return
            }
            usleep(250_000)
        }
        for daemon in ["slurmd", "slurmctld"] {
            if let pid = (try? String(contentsOfFile: "\(directory)/\(daemon).pid", encoding: .utf8))
                .flatMap({ pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            {
                daemons.append(pid)
            }
        }
        stop()
        throw CocoaError(
            .fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the Slurm node never came up: \(log())"])
    }

    /// Stops both daemons by the ids their pid files held, waiting up to ten seconds for
    /// them to go before killing them.
    func stop() {
        for pid in daemons { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, daemons.contains(where: { kill($0, 0) == 0 }) { usleep(100_000) }
        for pid in daemons where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        daemons = []
    }

    /// Runs a command with this cluster's SLURM_CONF and returns its standard output.
    @discardableResult
    func run(_ executable: String, _ arguments: [String], in directory: String? = nil, extra: [String: String] = [:])
        throws
        -> String
    {
        try Self.output(executable, arguments, environment: environment.merging(extra) { $1 }, directory: directory)
    }

    /// The jobs still queued, as "id state reason" lines.
    func queue() throws -> [String] {
        try run("/usr/bin/squeue", ["-h", "-o", "%i %T %r"]).split(separator: "\n").map(String.init)
    }

    func log() -> String {
        ["slurmctld", "slurmd"].map {
            (try? String(contentsOfFile: "\(directory)/log/\($0).log", encoding: .utf8)) ?? ""
        }
        .joined(separator: "\n").suffix(3000).description
    }

    private static func output(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(
                .executableLoad,
                userInfo: [
                    NSLocalizedDescriptionKey:
                        "\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: error, as: UTF8.self))"
                ])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension ModelTests {
    /// deploy/slurm on a real Slurm: the chain of array jobs on 4 shards, merged, equals the
    /// audit of one process with the held-out test.
    @Suite(Slurm.enabled) struct SlurmTests {
        @Test(.timeLimit(.minutes(10))) func shardedAuditOnSlurmEqualsOneProcess() throws {
            let workspace = try Workspace()
            let pair = workspace.path("pair")
            #expect(try CLI.run(["example", "--out", pair, "--responses", "1500", "--strength", "0.03"]).status == 0)
            let teacher = pair + "/teacher.jsonl"
            let control = pair + "/control.jsonl"
            let cluster = try SlurmCluster(in: workspace.path("slurm"))
            defer { cluster.stop() }
            // From the directory the jobs run in, so that both audits name their inputs alike.
            try cluster.run(
                CLI.executable.path,
                [
                    "audit", teacher, "--control", control, "--test", "held-out", "--seed", "3",
                    "--out", workspace.path("single"), "--quiet"
                ], in: workspace.path("."))
            let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().path
            try cluster.run(
                "/bin/bash",
                [
                    repository + "/deploy/slurm/submit.sh", "--shards", "4", "--teacher", teacher,
                    "--control", control, "--parts", workspace.path("parts"),
                    "--out", workspace.path("merged"), "--audit-options", "--seed 3"
                ],
                in: workspace.path("."), extra: ["SUBTEXT": CLI.executable.path])
            let deadline = Date().addingTimeInterval(480)
            var queue = try cluster.queue()
            while !queue.isEmpty, Date() < deadline, !queue.contains(where: { $0.contains("DependencyNeverSatisfied") })
            {
                usleep(500_000)
                queue = try cluster.queue()
            }
            let logs =
                (try? FileManager.default.contentsOfDirectory(atPath: workspace.path(".")))?
                .filter { $0.hasSuffix(".log") }.map { workspace.lines($0).joined(separator: "\n") }.joined(
                    separator: "\n") ?? ""
            #expect(queue.isEmpty, "jobs left: \(queue); job logs: \(logs); \(cluster.log())")
            let parts = try FileManager.default.contentsOfDirectory(atPath: workspace.path("parts"))
            #expect(parts.filter { $0.hasSuffix(".partial") }.count == 12, "\(parts)")

            let strip = { (path: String) -> [String: String] in
                var object =
                    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
                    as! [String: Any]
                object["provenance"] = nil
                return object.mapValues { value in
                    String(
                        decoding: try! JSONSerialization.data(
                            withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]),
                        as: UTF8.self)
                }
            }
            let merged = try strip(workspace.path("merged/audit.json"))
            let alone = try strip(workspace.path("single/audit.json"))
            let differing = Set(merged.keys).union(alone.keys).filter { merged[$0] != alone[$0] }.sorted()
            #expect(differing.isEmpty, "the merged audit differs from the one-process audit in \(differing)")
            #expect(merged["verdict"] == "\"signal\"")
        }
    }
}
