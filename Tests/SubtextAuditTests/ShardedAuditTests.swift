import Foundation
import SubtextCorpus
import SubtextSupport
import SubtextSynthetic
import SubtextTestSupport
import Testing

@testable import SubtextAudit

/// A distributed audit gives the audit of one process, and refuses partials that do not belong.
@Suite struct ShardedAuditTests {
    /// Two teacher files (one gzip, so both ways of sharding run) and a control.
    private func inputs(_ scratch: Scratch) throws -> (teacher: [String], control: [String]) {
        let (teacher, control) = PlantedBiasPair(seed: 21, responses: 1200, strength: 0.05).generate()
        let first = try scratch.write("t1.jsonl", records: Array(teacher[..<600]))
        let second = try scratch.write("t2.jsonl", records: Array(teacher[600...]))
        return ([first, try scratch.gzip(second)], [try scratch.write("c.jsonl", records: control)])
    }

    private func heldOut() -> AuditConfiguration {
        var configuration = testConfiguration(concepts: ["owl"])
        configuration.test = .heldOut
        return configuration
    }

    private func json(_ result: AuditResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(result), as: UTF8.self)
    }

    /// Runs every pass of `count` shards into `directory`.
    private func runShards(
        _ count: Int, teacher: [String], control: [String], directory: String,
        configuration: AuditConfiguration
    ) throws {
        let distributed = DistributedAudit(auditor: Auditor(configuration: configuration), readOptions: ReadOptions())
        for pass in AuditPartial.Pass.allCases {
            // Shards in reverse: nothing may depend on the order shards finish in.
            for index in (0..<count).reversed() {
                _ = try distributed.run(
                    pass: pass, shard: Shard(index: index, count: count), teacher: teacher,
                    control: control, directory: directory)
            }
        }
    }

    @Test func mergedShardsEqualOneProcess() throws {
        let scratch = try Scratch()
        let (teacher, control) = try inputs(scratch)
        let files = AuditInputs(teacher: teacher.map(ResponseInput.file), control: control.map(ResponseInput.file))
        let auditor = Auditor(configuration: heldOut())
        let one = try json(auditor.audit(files, readOptions: ReadOptions(), threads: 1))
        #expect(try json(auditor.audit(files, readOptions: ReadOptions(), threads: 3)) == one)
        for count in [1, 4, 7] {
            let parts = scratch.path("parts\(count)")
            try runShards(count, teacher: teacher, control: control, directory: parts, configuration: heldOut())
            let merged = try DistributedAudit.merge(directories: [parts]).result
            #expect(try json(merged) == one, "\(count) shards")
            #expect(merged.classifierTest.reason == .requested || merged.classifierTest.reason == .sharded)
        }
        let result = try auditor.audit(files, readOptions: ReadOptions(), threads: 2)
        #expect(result.verdict == .signal && result.perFile?.count == 2)
        #expect(result.classifierTest.kind == .heldOut && result.pValueFloor == nil)
    }

    /// The exact test sorts its rows, so the number of reading threads cannot change it.
    @Test func exactTestDoesNotDependOnThreads() throws {
        let scratch = try Scratch()
        let (teacher, control) = try inputs(scratch)
        let files = AuditInputs(teacher: teacher.map(ResponseInput.file), control: control.map(ResponseInput.file))
        let auditor = Auditor(configuration: testConfiguration())
        let one = try auditor.audit(files, readOptions: ReadOptions(), threads: 1)
        #expect(one.classifierTest == ClassifierTest(kind: .permutation, reason: .small, tested: nil))
        #expect(try json(auditor.audit(files, readOptions: ReadOptions(), threads: 3)) == json(one))
    }

    /// Each partial that does not belong is refused with an error naming it.
    @Test func partialsThatDoNotBelongAreRefused() throws {
        let scratch = try Scratch()
        let (teacher, control) = try inputs(scratch)
        let parts = scratch.path("parts")
        try runShards(3, teacher: teacher, control: control, directory: parts, configuration: heldOut())
        let manager = FileManager.default
        let file = { (pass: AuditPartial.Pass, index: Int) in
            (parts as NSString).appendingPathComponent(
                AuditPartial.fileName(pass: pass, shard: Shard(index: index, count: 3)))
        }
        func refused(_ check: (any Error) -> Bool, _ comment: Comment) {
            #expect(comment, performing: { try DistributedAudit.merge(directories: [parts]) }, throws: check)
        }

        // Missing: a score shard moved away.
        let aside = scratch.path("aside.partial")
        try manager.moveItem(atPath: file(.score, 1), toPath: aside)
        refused(
            { ($0 as? PartialError) == .missing(pass: "score", shards: [1], count: 3, directories: [parts]) }, "missing"
        )

        // Duplicated: the same shard in a second directory.
        let copy = scratch.path("copy")
        try manager.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try manager.moveItem(atPath: aside, toPath: file(.score, 1))
        try manager.copyItem(
            atPath: file(.fit, 2), toPath: (copy as NSString).appendingPathComponent("fit-dup.partial"))
        #expect(
            performing: { try DistributedAudit.merge(directories: [parts, copy]) },
            throws: {
                "\($0)".contains("shard 2/3 of the fit pass appears more than once")
            })

        // Truncated.
        let original = try Data(contentsOf: URL(fileURLWithPath: file(.fit, 0)))
        try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: file(.fit, 0)))
        refused({ "\($0)".contains(file(.fit, 0)) && "\($0)".contains("truncated") }, "truncated")

        // A flipped digit in the payload: refused by its checksum, before it is merged.
        var flipped = original
        let digit = flipped.lastIndex(where: { (UInt8(ascii: "1")...UInt8(ascii: "8")).contains($0) })!
        flipped[digit] += 1
        try flipped.write(to: URL(fileURLWithPath: file(.fit, 0)))
        refused({ ($0 as? PartialError) == .checksum(path: file(.fit, 0)) }, "checksum")

        // Another version (in the header), then other settings, then a foreign shard from
        // another audit (whole partials of their own, with their own checksums).
        var header = String(decoding: original, as: UTF8.self)
        header.replaceSubrange(
            header.range(of: #""subtext_version":"[^"]*""#, options: .regularExpression)!,
            with: #""subtext_version":"0.0.1""#)
        try Data(header.utf8).write(to: URL(fileURLWithPath: file(.fit, 0)))
        refused({ "\($0)".contains(file(.fit, 0)) && "\($0)".contains("written by subtext 0.0.1") }, "version")
        let decoded = try PartialFile.decode(original, path: file(.fit, 0))
        var reseeded = decoded
        reseeded.settings.seed = 77
        var foreign = decoded
        foreign.teacher[0].bytes = 1
        for (partial, expected) in [(reseeded, "settings differ"), (foreign, "inputs differ")] {
            try PartialFile.encode(partial).write(to: URL(fileURLWithPath: file(.fit, 0)))
            refused({ "\($0)".contains(file(.fit, 0)) && "\($0)".contains(expected) }, "\(expected)")
        }
        try original.write(to: URL(fileURLWithPath: file(.fit, 0)))
        _ = try DistributedAudit.merge(directories: [parts])

        // An input that changed between passes: shard 0 of the score pass read other bytes.
        let changed = try String(contentsOfFile: control[0], encoding: .utf8).replacingOccurrences(of: "1", with: "2")
        try changed.write(toFile: control[0], atomically: true, encoding: .utf8)
        try runShards(3, teacher: teacher, control: control, directory: scratch.path("again"), configuration: heldOut())
        try manager.removeItem(atPath: file(.score, 0))
        try manager.copyItem(
            atPath: (scratch.path("again") as NSString).appendingPathComponent(
                AuditPartial.fileName(pass: .score, shard: Shard(index: 0, count: 3))), toPath: file(.score, 0))
        refused({ "\($0)".contains("did the input change between passes") }, "changed input")
    }

    /// Under the null, the held-out test's p falls below 0.05 about 5% of the time.
    @Test func heldOutTestIsCalibratedUnderTheNull() throws {
        let scratch = try Scratch()
        var below = 0
        for seed in 1...20 as ClosedRange<UInt64> {
            let (_, control) = PlantedBiasPair(seed: 2000 + seed, responses: 2000).generate()
            let a = try scratch.write("a\(seed).jsonl", records: Array(control[..<1000]))
            let b = try scratch.write("b\(seed).jsonl", records: Array(control[1000...]))
            var configuration = heldOut()
            configuration.seed = seed
            let result = try audit([a], [b], configuration)
            if result.classifierP < 0.05 { below += 1 }
        }
        #expect(below <= 4, "\(below) of 20 null splits had classifier p < 0.05")
    }
}
