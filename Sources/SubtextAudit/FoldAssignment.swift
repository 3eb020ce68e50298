/// Puts each response in a cross-fitting fold by a hash, never by its label or its position,
/// so every shard of an audit agrees on the folds without talking to the others.
///
/// In a paired design (both sides answered the same prompts) the hash is the prompt's, so a
/// prompt's answers share a fold: split across folds, a pair teaches the model that its
/// held-out partner looks like the other side, which drove held-out AUROC to 0.40–0.44 on
/// pairs with no signal at all. Otherwise the hash is of prompt and response together.
struct FoldAssignment: Sendable {
    let folds: Int
    let seed: UInt64
    let paired: Bool

    /// SplitMix64's finaliser: spreads a hash's bits so that a modulus or a low bit is fair.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func fold(_ document: Document) -> Int {
        let key = paired ? document.promptHash! : document.contentHash
        return Int(Self.mix(key ^ Self.mix(seed)) % UInt64(folds))
    }

    /// The held-out test's coin for a paired design: whether this prompt's teacher answers,
    /// rather than its control answers, enter the test. Each prompt then speaks for one side
    /// only, so no two tested responses share a prompt and the rank test's units are
    /// independent.
    func testsTeacher(prompt: UInt64) -> Bool {
        Self.mix(prompt ^ Self.mix(seed ^ 0xC014)) & 1 == 1
    }
}
