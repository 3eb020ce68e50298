/// Pairs a prompt's answers across the two sides: its k-th teacher answer with its k-th control
/// answer, as a generated pair is written.
///
/// When the sides answered the same prompts, an audit compares answers prompt by prompt, so
/// what sanitizing does to one answer of a pair it must do to the other: split a pair across
/// halves, or drop one answer and keep its partner, and the prompt itself starts to tell the
/// sides apart. For data whose prompts differ between the sides, no answer has a partner and
/// nothing changes.
struct PromptPairs {
    private var seen: [UInt64: Int] = [:]

    /// The key of the next answer to `prompt` in file order; nil without a prompt.
    mutating func key(_ prompt: UnsafeBufferPointer<UInt8>?) -> Key? {
        guard let prompt else { return nil }
        let hash = Self.hash(prompt)
        defer { seen[hash, default: 0] += 1 }
        return Key(prompt: hash, occurrence: seen[hash, default: 0])
    }

    struct Key: Hashable {
        var prompt: UInt64
        var occurrence: Int
    }

    /// FNV-1a, then SplitMix64's finaliser so that its low bit is a fair coin.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        mix(bytes.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
    }

    /// SplitMix64's finaliser: spreads a value's bits so that its low bit is fair.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
