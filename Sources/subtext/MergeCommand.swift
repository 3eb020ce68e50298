import ArgumentParser
import Foundation
import SubtextAudit
import SubtextReport
import SubtextStatistics
import SubtextSupport

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the partial results of a sharded audit into its report.",
        discussion: """
            Reads every partial result (count-*, fit-* and score-*.partial) that `subtext audit \
            --shard I/N --pass ...` wrote into the directories given, checks that they belong \
            together, and writes OUT/audit.md, OUT/audit.json and charts: the same report as one \
            process would write with --test held-out. A missing, duplicated or foreign shard, a \
            partial of another version or other settings, or a truncated or altered partial (its \
            payload checked against the SHA-256 in its header) is refused with \
            an error that names it, and nothing is written.
            """)

    @Argument(help: ArgumentHelp("Directories of partial results.", valueName: "parts"))
    var parts: [String]

    @Option(help: ArgumentHelp("Directory for audit.md, audit.json and charts.", valueName: "dir"))
    var out: String

    @Flag(help: "Exit with code 3 when a signal is found, for CI gates.")
    var failOnSignal = false

    @Flag(help: "Print no progress lines.")
    var quiet = false

    func run() throws {
        let started = Date()
        let (result, partials) = try DistributedAudit.merge(directories: parts, log: { if !quiet { note($0) } })
        let inputs = (partials.teacher + partials.control).enumerated().map { index, input in
            Provenance.Input(
                path: input.path, sha256: FileHash.sha256(ofDigests: partials.shares.map { $0[index] }),
                shards: partials.shardCount)
        }
        let provenance = Provenance(
            command: Provenance.commandLine, toolVersion: SubtextVersion.current,
            commit: SubtextVersion.commit, blas: nil, inputs: inputs,
            seconds: Date().timeIntervalSince(started))
        let document = AuditDocument(result: result, provenance: provenance)
        let written = try AuditMarkdown(document: document).write(to: out)
        for line in AuditMarkdown.consoleSummary(document) { print(line) }
        print("wrote " + written.joined(separator: ", "))
        if failOnSignal && result.verdict == .signal { throw ExitCode(3) }
    }
}
