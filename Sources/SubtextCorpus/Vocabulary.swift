/// Interns tokens as small integer ids, keeping each token exactly as written.
///
/// Digit runs of up to four digits, the bulk of a number dataset, are looked up in a flat
/// table indexed by length and value, so "087" and "87" get different ids without hashing.
/// Everything else goes through an open-addressing table keyed by the bytes' FNV-1a hash, so
/// a lookup allocates nothing (a dictionary of byte arrays allocated a key per token, which
/// was the largest cost of reading prompts).
public final class Vocabulary: @unchecked Sendable {
    /// Raw tables, not arrays: a class's array property pays a dynamic exclusivity check on
    /// every access, which was 7% of reading time.
    private let shortIDs: UnsafeMutablePointer<Int32>
    /// Ids by slot (-1: empty); its size is a power of two, at most half full.
    private var slots: UnsafeMutablePointer<Int32>
    private var slotCount = 1024
    /// Each id's hash and bytes, for probing.
    private var hashes: [UInt64] = []
    private var bytes: [[UInt8]] = []
    private var longTokens = 0
    public private(set) var spellings: [String] = []

    public init() {
        shortIDs = .allocate(capacity: 11110)
        shortIDs.initialize(repeating: -1, count: 11110)
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
    }

    deinit {
        shortIDs.deallocate()
        slots.deallocate()
    }

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
    public func id(for token: UnsafeBufferPointer<UInt8>) -> Int32 {
        if token.count <= 4, !token.isEmpty, token.allSatisfy({ $0 &- 48 < 10 }) { return digitRunID(token) }
        let hash = token.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        var slot = Int(truncatingIfNeeded: hash) & (slotCount - 1)
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == hash, bytes[Int(id)].elementsEqual(token) { return id }
            slot = (slot + 1) & (slotCount - 1)
        }
        let new = append(String(decoding: token, as: UTF8.self), hash: hash, bytes: Array(token))
        slots[slot] = new
        longTokens += 1
        if longTokens * 2 > slotCount { grow() }
        return new
    }

    /// Doubles the slot table and places every long token again.
    private func grow() {
        slots.deallocate()
        slotCount *= 2
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        // Digit runs have no bytes here: they live in the flat table, not in the slots.
        for (id, hash) in hashes.enumerated() where !bytes[id].isEmpty {
            var slot = Int(truncatingIfNeeded: hash) & (slotCount - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slotCount - 1) }
            slots[slot] = Int32(id)
        }
    }

    public func id(for token: String) -> Int32 {
        var token = token
        return token.withUTF8 { bytes in
            bytes.allSatisfy({ $0 &- 48 < 10 }) && !bytes.isEmpty ? digitRunID(bytes) : id(for: bytes)
        }
    }

    /// Adds a spelling; a long token also brings its hash and bytes for probing.
    private func append(_ spelling: String, hash: UInt64 = 0, bytes token: [UInt8] = []) -> Int32 {
        spellings.append(spelling)
        hashes.append(hash)
        bytes.append(token)
        return Int32(spellings.count - 1)
    }
}
