import Crypto
import Foundation

/// SHA-256 of files, which is how outputs identify their inputs and models.
public enum FileHash {
    public enum Failure: Error, CustomStringConvertible {
        case cannotOpen(String)
        public var description: String {
            switch self {
            case .cannotOpen(let path): "\(path): cannot open for hashing"
            }
        }
    }

    /// The SHA-256 of a file's bytes, in hex, read in blocks so a large file costs no memory.
    public static func sha256(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.cannotOpen(path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty { hasher.update(data: block) }
        return hasher.finalize().hex
    }

    /// A SHA-256 fed piece by piece, for bytes that pass by while being read for another reason.
    public struct Stream {
        private var hasher = SHA256()

        public init() {}

        public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

        /// The digest in hex.
        public func hex() -> String { hasher.finalize().hex }
    }

    /// The SHA-256 of bytes in memory, in hex.
    public static func sha256(of data: Data) -> String { SHA256.hash(data: data).hex }

    /// The SHA-256 of a sequence of hex digests, in order: one identity for a file read in shards.
    public static func sha256(ofDigests digests: [String]) -> String {
        var hasher = SHA256()
        for digest in digests { hasher.update(data: Data(digest.utf8)) }
        return hasher.finalize().hex
    }
}
