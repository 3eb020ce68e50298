import ArgumentParser
import Foundation
import SubtextStatistics
import SubtextSupport

@main
struct Subtext: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subtext",
        abstract: "Find hidden preferences that teacher-generated data carries into students.",
        discussion: """
            Exit codes: 0 success; 2 bad usage or unreadable input; 3 a signal was found and \
            --fail-on-signal was given.
            """,
        version: SubtextVersion.current,
        subcommands: [
            AuditCommand.self, MergeCommand.self, ProbeCommand.self, GenerateCommand.self, AttributeCommand.self,
            SanitizeCommand.self, ReportCommand.self, NumbersCommand.self, LabCommand.self,
            StudentCommand.self, TransferCommand.self,
            ExampleCommand.self
        ])

    /// Parses and runs, mapping every usage or input error to exit code 2 as documented,
    /// rather than swift-argument-parser's default 64.
    static func main() async {
        BLAS.relaunchWithFasterKernels()
        _ = BLAS.singleThreaded
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let exitCode = Self.exitCode(for: error)
            if exitCode == .success {
                Self.exit(withError: error)
            }
            FileHandle.standardError.write(Data((Self.fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// Writes a progress line to standard error, so standard output stays clean for pipelines.
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
