import Crypto
import Foundation

/// SHA-256 of files, which is how outputs identify their inputs and models.
public enum FileHash {
    public enum Failure: Error, CustomStringConvertible {
        case cannotOpen(String)
        public var description: String {
            switch self { case let .cannotOpen(path): "\(path): cannot open for hashing" }
        }
    }

    /// The SHA-256 of a file's bytes, in hex, read in blocks so a large file costs no memory.
    public static func sha256(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.cannotOpen(path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
