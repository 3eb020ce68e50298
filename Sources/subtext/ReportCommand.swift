import ArgumentParser
import Foundation
import SubtextAudit
import SubtextReport
import SubtextSupport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Join an audit and its attribution and probes into one case report, or re-render an audit.",
        discussion: """
            With --audit, writes OUT/case.md and OUT/case.json: the chain of findings first (does the \
            data differ from its control, what carries it, the closest trait, did a student move in \
            it, what sanitizing left), then each part's key table, linking to the part's full report. Each \
            DIR is one that `subtext audit`, `subtext attribute`, `subtext probe`, `subtext sanitize` or `subtext transfer` wrote.

            The attribution, sanitize and transfer parts must have read the audit's teacher and control \
            files: their reports record each input's SHA-256, and a part of other data is refused by name \
            unless --allow-mismatch joins it, stated at the top of the case.

            With an audit.json argument instead, re-renders audit.md and its charts from it.
            """)

    @Argument(help: ArgumentHelp("An audit.json to re-render (instead of --audit).", valueName: "audit.json"))
    var json: String?

    @Option(help: ArgumentHelp("A directory `subtext audit` wrote.", valueName: "dir"))
    var audit: String?

    @Option(help: ArgumentHelp("A directory `subtext attribute` wrote.", valueName: "dir"))
    var attribution: String?

    @Option(help: ArgumentHelp("A directory `subtext probe` wrote; repeat for several.", valueName: "dir"))
    var probe: [String] = []

    @Option(help: ArgumentHelp("A directory `subtext sanitize` wrote.", valueName: "dir"))
    var sanitize: String?

    @Option(help: ArgumentHelp("A directory `subtext transfer` wrote.", valueName: "dir"))
    var transfer: String?

    @Option(help: "Directory to write into (re-rendering: default the JSON's directory).")
    var out: String?

    @Flag(
        help: ArgumentHelp(
            "Join parts that did not read the audit's teacher and control files (by their SHA-256), "
                + "saying so at the top of the case, instead of refusing them."))
    var allowMismatch = false

    func validate() throws {
        guard (json == nil) != (audit == nil) else {
            throw ValidationError("give either --audit DIR (a case report) or an audit.json to re-render")
        }
        if audit != nil && out == nil { throw ValidationError("a case report needs --out DIR") }
        if json != nil && (attribution != nil || !probe.isEmpty || sanitize != nil || transfer != nil) {
            throw ValidationError(
                "--attribution, --probe, --sanitize and --transfer join a case: use them with --audit")
        }
    }

    func run() throws {
        if let json {
            let directory = out ?? (json as NSString).deletingLastPathComponent
            let written = try AuditMarkdown(document: AuditDocument.read(json)).write(
                to: directory.isEmpty ? "." : directory)
            print("wrote " + written.joined(separator: ", "))
            return
        }
        let started = Date()
        let parts = try CaseParts(
            audit: audit!, attribution: attribution, probes: probe, sanitize: sanitize, transfer: transfer,
            out: out!, allowMismatch: allowMismatch)
        let provenance = try Provenance.ofThisRun(inputs: parts.files, seconds: Date().timeIntervalSince(started))
        let written = try CaseMarkdown(report: parts.report, provenance: provenance).write(to: out!)
        print(parts.report.audit.verdict.rawValue + (parts.report.trait.map { "; closest trait: \($0)" } ?? ""))
        print("wrote " + written.joined(separator: ", "))
    }
}
