import Foundation
import SubtextFuzzing
import Testing

/// Every fuzz target reads its seeds, and survives the damage a fuzzer starts with.
@Suite struct FuzzTargetTests {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    private func seeds(_ target: FuzzTarget, _ scratch: FuzzScratch) throws -> [Data] {
        let directory = scratch.directory + "/seeds-" + target.rawValue
        try target.writeSeeds(repository: Self.repository, to: directory, scratch: scratch)
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted().map {
            try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))
        }
    }

    /// A target that refused its own seeds would fuzz only its error paths.
    @Test(arguments: FuzzTarget.allCases)
    func everySeedIsAccepted(_ target: FuzzTarget) throws {
        let scratch = try FuzzScratch()
        let seeds = try seeds(target, scratch)
        #expect(!seeds.isEmpty)
        for (index, seed) in seeds.enumerated() {
            #expect(target.run(seed, in: scratch), "seed \(index) of \(target.rawValue)")
        }
    }

    /// The first damage a fuzzer does (a byte changed, a run cut out, the end lost, a structural
    /// byte put in) is refused or read, never a crash; fixed seeds, so a failure repeats.
    @Test(arguments: FuzzTarget.allCases)
    func damagedSeedsAreRefusedWithoutACrash(_ target: FuzzTarget) throws {
        let scratch = try FuzzScratch()
        var generator = SplitMix(seed: 2026)
        var refused = 0
        let seeds = try seeds(target, scratch)
        for round in 0..<120 {
            let damaged = damage(seeds[round % seeds.count], &generator)
            if !target.run(damaged, in: scratch) { refused += 1 }
        }
        #expect(refused > 0, "no damaged input of \(target.rawValue) was refused: the harness reaches no parser")
    }

    private func damage(_ seed: Data, _ generator: inout SplitMix) -> Data {
        var bytes = [UInt8](seed)
        guard !bytes.isEmpty else { return Data([0x7B]) }
        let at = Int(generator.next() % UInt64(bytes.count))
        switch generator.next() % 4 {
        case 0: bytes[at] ^= UInt8(1 << (generator.next() % 8))
        case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(generator.next() % 16)))
        case 2: bytes.removeSubrange(at...)
        default: bytes.insert(Array("{}[]\",:\n\\-0e9".utf8)[Int(generator.next() % 14)], at: at)
        }
        return Data(bytes)
    }
}

/// SplitMix64: a small seeded generator, so the damage is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
