/// Interns tokens as small integer ids, keeping each token exactly as written.
///
/// Digit runs of up to four digits, the bulk of a number dataset, are looked up in a flat
/// table indexed by length and value, so "087" and "87" get different ids without hashing.
/// Everything else goes through a dictionary of byte strings.
public final class Vocabulary: @unchecked Sendable {
    /// A raw table, not an array: a class's array property pays a dynamic exclusivity check
    /// on every access, which was 7% of reading time.
    private let shortIDs: UnsafeMutablePointer<Int32>
    private var longIDs: [[UInt8]: Int32] = [:]
    public private(set) var spellings: [String] = []

    public init() {
        shortIDs = .allocate(capacity: 11110)
        shortIDs.initialize(repeating: -1, count: 11110)
    }

    deinit { shortIDs.deallocate() }

    public var count: Int { spellings.count }

    public func spelling(_ id: Int32) -> String { spellings[Int(id)] }

    /// The id of a run of ASCII digits, creating it on first sight.
    @inline(__always)
    public func digitRunID(_ digits: UnsafeBufferPointer<UInt8>) -> Int32 {
        let length = digits.count
        guard length <= 4 else { return id(for: digits) }
        var value = 0
        for digit in digits { value = value * 10 + Int(digit &- 48) }
        let known = shortIDs[Self.slot(length: length, value: value)]
        if known >= 0 { return known }
        let new = append(String(decoding: digits, as: UTF8.self))
        shortIDs[Self.slot(length: length, value: value)] = new
        return new
    }

    /// The flat table's slot for a run of 1 to 4 digits: 1 digit from 0, 2 from 10, 3 from
    /// 110, 4 from 1110, so each spelling (leading zeros included) has its own slot.
    @inline(__always)
    private static func slot(length: Int, value: Int) -> Int {
        (length == 1 ? 0 : length == 2 ? 10 : length == 3 ? 110 : 1110) + value
    }

    /// The id of any token's bytes, creating it on first sight.
    public func id(for bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let key = Array(bytes)
        if let known = longIDs[key] { return known }
        let new = append(String(decoding: bytes, as: UTF8.self))
        longIDs[key] = new
        return new
    }

    public func id(for token: String) -> Int32 {
        var token = token
        return token.withUTF8 { bytes in
            bytes.allSatisfy({ $0 &- 48 < 10 }) && !bytes.isEmpty ? digitRunID(bytes) : id(for: bytes)
        }
    }

    private func append(_ spelling: String) -> Int32 {
        spellings.append(spelling)
        return Int32(spellings.count - 1)
    }
}
