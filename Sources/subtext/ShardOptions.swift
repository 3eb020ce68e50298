import ArgumentParser
import SubtextAudit
import SubtextCorpus
import SubtextSupport

/// The options that make `subtext audit` one pass of one shard of a distributed audit.
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run one shard of a distributed audit: shard I of N, 0 ≤ I < N (plain files split by byte range, gzip files by "
                + "line number modulo N). Needs --pass; --out is then the shared directory of partial results, which "
                + "`subtext merge PARTS --out DIR` turns into the audit.", valueName: "I/N"))
    var shard: Shard?

    @Option(
        help: ArgumentHelp(
            "With --shard: the pass to run, count, fit or score; each needs every shard of the passes before it in --out.",
            valueName: "pass"))
    var pass: AuditPartial.Pass?

    /// Refuses what a shard cannot do: the exact test and attribution need every response in
    /// one process, and the verdict that a CI gate reads exists only after the merge.
    func check(test: AuditConfiguration.Test, attributes: Bool, failOnSignal: Bool) throws {
        guard shard != nil else {
            if pass != nil { throw ValidationError("--pass runs one pass of a shard: give --shard I/N too") }
            return
        }
        guard pass != nil else { throw ValidationError("--shard needs --pass count, fit or score") }
        guard test != .permutation else {
            throw ValidationError(
                "--test permutation needs every response in one process; a shard runs the held-out test")
        }
        guard !attributes else {
            throw ValidationError(
                "--model does not run on shards: run `subtext attribute` on the teacher files instead")
        }
        guard !failOnSignal else {
            throw ValidationError("--fail-on-signal belongs on `subtext merge`, which has the verdict")
        }
    }

    /// Runs this shard's pass, starting from the earlier passes' partials in `directory`, and
    /// writes its own partial there.
    func run(
        _ auditor: Auditor, readOptions: ReadOptions, tokenizerSHA256: String?, teacher: [String], control: [String],
        directory: String, quiet: Bool
    ) throws {
        guard let shard, let pass else { throw ValidationError("--shard needs --pass count, fit or score") }
        var distributed = DistributedAudit(auditor: auditor, readOptions: readOptions, tokenizerSHA256: tokenizerSHA256)
        let progress = Progress(quiet: quiet, unit: "responses")
        distributed.progress = progress.report
        let path = try distributed.run(
            pass: pass, shard: shard, teacher: teacher, control: control, directory: directory)
        progress.finish()
        print("wrote \(path)")
    }
}

extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

extension AuditPartial.Pass: ExpressibleByArgument {}
