import ArgumentParser
import Foundation
import SubtextReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Re-render audit.md and its charts from an audit.json.")

    @Argument(help: "An audit.json written by `subtext audit`.")
    var json: String

    @Option(help: "Directory to write into (default: the JSON's directory).")
    var out: String?

    func run() throws {
        let document = try AuditDocument.read(json)
        let directory = out ?? (json as NSString).deletingLastPathComponent
        let written = try AuditReportWriter(directory: directory.isEmpty ? "." : directory).write(document)
        print("wrote " + written.joined(separator: ", "))
    }
}
