import Foundation

/// A directory under the system's temporary folder for one test's files, removed when the
/// value goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("subtext-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `contents` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> String {
        try write(name, Data(contents.utf8))
    }

    @discardableResult
    public func write(_ name: String, _ data: Data) throws -> String {
        try data.write(to: url.appendingPathComponent(name))
        return path(name)
    }

    /// Writes one line for each of `lines`, each ended by a newline, and returns the path.
    @discardableResult
    public func write(_ name: String, lines: [String]) throws -> String {
        try write(name, lines.map { $0 + "\n" }.joined())
    }

    /// The lines of a file another process is writing (none while it does not exist yet).
    public func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Compresses a file with the system's gzip, an implementation independent of Subtext's
    /// reader, keeping the original; returns the .gz path.
    @discardableResult
    public func gzip(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-kf", path]
        try process.run()
        process.waitUntilExit()
        return path + ".gz"
    }
}
