import Foundation

/// Which Subtext wrote an output: the release version, and the git commit of the checkout
/// the running binary was built in, when it was built inside one.
public enum SubtextVersion {
    /// Reports record it, and the test command fails on a committed report of another version.
    public static let current = "0.2.0"

    /// The commit of the git checkout around the executable (`.build/release/subtext` lives in
    /// one), with "-dirty" when its tracked files have changes; nil when the binary is not in a
    /// checkout or git is not installed.
    public static let commit: String? = {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        guard CommandLine.arguments[0].contains("/") else { return nil }
        let directory = executable.deletingLastPathComponent().path
        guard let head = git(["-C", directory, "rev-parse", "--short=12", "HEAD"]) else { return nil }
        let dirty = git(["-C", directory, "status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return head + (dirty ? "-dirty" : "")
    }()

    private static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
