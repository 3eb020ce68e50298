import Foundation

/// Writes lines to `path` through a partial file that takes the final name only when every
/// line is written, so an interrupted run never leaves a truncated dataset that looks whole.
final class LineFileWriter {
    let path: String
    private let partial: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil) else {
            throw SanitizeError.cannotWrite(path)
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ line: [UInt8]) throws {
        buffer += line
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered, closes the file and gives it its final name.
    func finish() throws {
        try flush()
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
