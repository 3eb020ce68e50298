import ArgumentParser
import Foundation
import SubtextStatistics

@main
struct Subtext: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "subtext",
        abstract: "Find hidden preferences that teacher-generated data carries into students.",
        discussion: """
            Exit codes: 0 success; 2 bad usage or unreadable input; 3 a signal was found and \
            --fail-on-signal was given.
            """,
        version: version,
        subcommands: [AuditCommand.self, ProbeCommand.self, GenerateCommand.self, AttributeCommand.self, ReportCommand.self, NumbersCommand.self, LabCommand.self,
                      ExampleCommand.self])

    /// Parses and runs, mapping every usage or input error to exit code 2 as documented,
    /// rather than swift-argument-parser's default 64.
    static func main() async {
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

/// This run's command line, quoted so a report's "Reproduce" section can be pasted into a shell.
var invocation: String { (["subtext"] + CommandLine.arguments.dropFirst()).map(shellQuoted).joined(separator: " ") }

/// Quotes an argument for a POSIX shell when it needs it, so a report's command can be pasted.
func shellQuoted(_ argument: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:@+")
    if !argument.isEmpty, argument.unicodeScalars.allSatisfy(safe.contains) { return argument }
    return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
