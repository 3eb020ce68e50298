import Crypto
import Foundation

/// The key a journal files an entry under: the SHA-256, in hex, of the parts that decide the
/// entry, so that a run stopped midway finds what it already has.
///
/// Every journal builds its keys here, by one rule that keeps parts from running together: a
/// part goes in after its length in bytes (Int64, little-endian), an absent part as length -1,
/// and an array after its element count. `addUnframed` puts text in bare, for parts that are
/// already unambiguous (a canonical request with one field per line; a digest of fixed length
/// that comes first): journals written before this builder keep their keys.
public struct JournalKey {
    private var hasher = SHA256()

    public init() {}

    /// Adds `part` after its length; nil after length -1.
    public mutating func add(_ part: String?) {
        append(length: part.map { $0.utf8.count } ?? -1)
        if let part { hasher.update(data: Data(part.utf8)) }
    }

    /// Adds the raw bytes of `values` after their count.
    public mutating func add<Element: BitwiseCopyable>(_ values: [Element]) {
        append(length: values.count)
        values.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }

    /// Adds `text` as it is, with no length before it.
    public mutating func addUnframed(_ text: String) { hasher.update(data: Data(text.utf8)) }

    /// The key, in hex.
    public var hex: String { hasher.finalize().hex }

    private mutating func append(length: Int) {
        withUnsafeBytes(of: Int64(length).littleEndian) { hasher.update(bufferPointer: $0) }
    }
}

extension SHA256.Digest {
    /// The digest as lower-case hex, the form every output and journal writes.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
