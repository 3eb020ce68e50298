import Foundation

/// What a reader needs to reproduce a report: the command, versions, inputs and time. It names
/// no absolute path: inputs and the command's paths are shown relative to the working
/// directory, or by file name (``DisplayPath``), and identified by their SHA-256.
public struct Provenance: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public var path: String
        public var sha256: String
        /// For an input read in shards: how many. `sha256` is then of the shards' own digests
        /// in shard order (``FileHash/sha256(ofDigests:)``), not of the file.
        public var shards: Int?

        public init(path: String, sha256: String, shards: Int? = nil) {
            self.path = path
            self.sha256 = sha256
            self.shards = shards
        }
    }

    public var command: String
    public var toolVersion: String
    /// The git commit the tool was built from, when known.
    public var commit: String?
    /// The BLAS build, for reports whose numbers depend on it; nil otherwise.
    public var blas: String?
    public var inputs: [Input]
    public var seconds: Double

    public init(
        command: String, toolVersion: String, commit: String? = nil, blas: String?, inputs: [Input],
        seconds: Double
    ) {
        self.command = command
        self.toolVersion = toolVersion
        self.commit = commit
        self.blas = blas
        self.inputs = inputs
        self.seconds = seconds
    }

    /// This run's provenance: its command line, this build's version and commit, and each
    /// input file hashed.
    public static func ofThisRun(inputs: [String], blas: String? = nil, seconds: Double) throws -> Provenance {
        Provenance(
            command: commandLine, toolVersion: SubtextVersion.current, commit: SubtextVersion.commit, blas: blas,
            inputs: try inputs.map { Input(path: DisplayPath.of($0), sha256: try FileHash.sha256($0)) },
            seconds: seconds)
    }

    /// This run's command line, paths shown as ``DisplayPath`` shows them and quoted so a
    /// report's "Reproduce" section can be pasted into a shell.
    public static var commandLine: String {
        (["subtext"] + DisplayPath.command(Array(CommandLine.arguments.dropFirst()))).map(shellQuoted).joined(
            separator: " ")
    }

    enum CodingKeys: String, CodingKey {
        case command, toolVersion = "tool_version", commit, blas, inputs, seconds
    }
}

/// Quotes an argument for a POSIX shell when it needs it, so a report's command can be pasted.
public func shellQuoted(_ argument: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:@+")
    if !argument.isEmpty, argument.unicodeScalars.allSatisfy(safe.contains) { return argument }
    return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
