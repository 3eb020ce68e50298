import Foundation
import SubtextCorpus
import SubtextSupport

/// An audit run as separate processes, one per shard and pass, on a batch engine such as a
/// Slurm array or Kubernetes Indexed Jobs. Each shard reads only its share of the inputs and
/// writes a partial result (``AuditPartial``) to a shared directory; a pass starts from the
/// merged partials of the passes before it; ``merge(directories:)`` ends it. Because every
/// statistic is an exact sum or sketch, the merged audit equals a one-process audit with the
/// held-out test, whatever the number of shards.
public struct DistributedAudit {
    public var auditor: Auditor
    public var readOptions: ReadOptions
    /// SHA-256 of the tokenizer.json the token view uses, so shards with different tokenizers
    /// are refused; nil for the word tokenizer.
    public var tokenizerSHA256: String?
    /// Hears responses read so far of the shard's total (0 when not yet known).
    public var progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }

    public init(auditor: Auditor, readOptions: ReadOptions, tokenizerSHA256: String? = nil) {
        self.auditor = auditor
        self.readOptions = readOptions
        self.tokenizerSHA256 = tokenizerSHA256
    }

    /// Runs `pass` on `shard` of the inputs, starting from the earlier passes' partials in
    /// `directory`, and writes this shard's partial there. Returns the partial's path.
    public func run(pass: AuditPartial.Pass, shard: Shard, teacher: [String], control: [String], directory: String)
        throws
        -> String
    {
        let inputs = AuditInputs(teacher: teacher.map(ResponseInput.file), control: control.map(ResponseInput.file))
        let settings = AuditPartial.Settings(
            auditor.configuration, tokenizer: tokenizerSHA256, readOptions: readOptions)
        let describe = { (paths: [String]) in
            try paths.map { path in
                AuditPartial.Input(path: DisplayPath.of(path), bytes: try Self.size(path), shareSHA256: "")
            }
        }
        var partial = AuditPartial(
            pass: pass, shard: shard, settings: settings, teacher: try describe(teacher),
            control: try describe(control))
        var passes = AuditPasses(inputs: inputs, configuration: auditor.configuration, readOptions: readOptions)
        let digests = ShareDigests()
        passes.digests = digests
        if pass == .count {
            partial.counts = try passes.count(shard: shard)
        } else {
            let earlier = try PartialSet.load(directories: [directory], passes: pass.needs, expected: partial)
            let total = earlier.shardResponses[shard.index]
            let report = progress
            passes.progress = { report($0, total) }
            let plans = passes.plans(counts: try earlier.counts(inputs: inputs), sharded: true)
            if pass == .fit {
                partial.sums = try passes.fit(shard: shard, plans: plans)
            } else {
                partial.sketches = try passes.score(shard: shard, plans: plans, sums: try earlier.sums(plans: plans))
            }
        }
        let shares = digests.ordered(count: inputs.all.count)
        for index in partial.teacher.indices { partial.teacher[index].shareSHA256 = shares[index] }
        for index in partial.control.indices { partial.control[index].shareSHA256 = shares[teacher.count + index] }
        return try writeReportFiles(
            [(AuditPartial.fileName(pass: pass, shard: shard), PartialFile.encode(partial))],
            to: directory)[0]
    }

    /// The audit of complete partials in `directories`: every shard of every pass, checked.
    public static func merge(directories: [String], log: @escaping (String) -> Void = { _ in }) throws
        -> (result: AuditResult, partials: PartialSet)
    {
        let partials = try PartialSet.load(directories: directories, passes: AuditPartial.Pass.allCases)
        let auditor = Auditor(configuration: partials.settings.configuration)
        let inputs = AuditInputs(
            teacher: partials.teacher.map { .file($0.path) },
            control: partials.control.map { .file($0.path) })
        let passes = AuditPasses(inputs: inputs, configuration: auditor.configuration, readOptions: ReadOptions())
        let counts = try partials.counts(inputs: inputs)
        let plans = passes.plans(counts: counts, sharded: true)
        log("merging \(partials.shardCount) shard(s) of \(inputs.all.count) input(s)")
        let evidence = Auditor.Evidence(
            inputs: inputs, counts: counts, plans: plans, sums: try partials.sums(plans: plans),
            sketches: try partials.sketches(plans: plans))
        return (auditor.result(evidence), partials)
    }

    private static func size(_ path: String) throws -> Int {
        do {
            return (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        } catch {
            throw CorpusError.cannotOpen(path: path, reason: "no such file")
        }
    }
}
