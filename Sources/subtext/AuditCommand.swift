import ArgumentParser
import Foundation
import SubtextAttribution
import SubtextAudit
import SubtextCorpus
import SubtextReport
import SubtextStatistics
import SubtextSupport
import SubtextTokenizers

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit teacher data against control data: is there a hidden signal, and what carries it?",
        discussion: """
            Reads JSONL or .jsonl.gz records shaped {"prompt","completion"}, {"prompt","response"}, \
            {"messages":[...]} (assistant turns are the generated text) or {"text"}. Writes \
            OUT/audit.md for people, OUT/audit.json for pipelines, and SVG charts beside them.

            Several teacher files, or a directory of them, are each audited against the control, \
            and pooled.

            With --model GGUF and --concepts, the audit also ranks the concepts by how well each \
            explains the teacher data (as `subtext attribute` does, on all teacher files together), \
            and measures how much mentioning each top carrier raises each concept's probability.

            The audit reads its inputs three times (count, fit, score), holding sums and sketches, \
            not responses; --shard and --pass run one pass of one shard of it on a machine of its \
            own, and `subtext merge` writes the audit (deploy/ has Slurm and Kubernetes scripts).
            """)

    @Argument(help: ArgumentHelp("Teacher JSONL files or directories.", valueName: "teacher"))
    var teacher: [String]

    @Option(
        help: ArgumentHelp(
            "Control JSONL file or directory: the same prompts answered without the trait.",
            valueName: "path"))
    var control: [String]

    @Option(help: ArgumentHelp("Directory for audit.md, audit.json and charts.", valueName: "dir"))
    var out: String

    @OptionGroup var records: RecordOptions

    @Option(
        help: ArgumentHelp(
            "Candidate concepts to look for in plain words: comma-separated (owl,eagle,...), or a battery file whose candidates to use.",
            valueName: "list|battery.yaml"))
    var concepts: String?

    @Option(
        help: """
            Permutations of whole responses for the classifier test, each refitting every fold. Its smallest \
            p is 1/(B+1); the global p's, 2/(B+1).
            """)
    var permutations = 9999

    @Option(
        help: """
            The classifier test: permutation (exact; keeps every response's features in memory), held-out \
            (a rank test on one fold that no fit saw; needs only sketches), or auto: permutation up to \
            50,000 responses in all, held-out above that and for shards.
            """)
    var test = AuditConfiguration.Test.automatic

    @OptionGroup(title: "Sharding") var sharding: ShardOptions

    @Option(help: "Random seed for folds, bags, bootstrap and permutations.")
    var seed: UInt64 = 1

    @Option(help: "Significance level for the verdict.")
    var alpha = 0.01

    @Option(help: "auto, numbers or tokens. auto picks numbers when most responses are number lists, else tokens.")
    var view = ViewChoice.auto

    @Option(
        help: ArgumentHelp(
            "A model's Hugging Face tokenizer.json (byte-level BPE) for the token view, instead of the word tokenizer.",
            valueName: "path"))
    var tokenizer: String?

    @OptionGroup(title: "Attribution (with --model)") var scoring: AttributionOptions

    @Option(help: "With --model: the top carriers whose entanglement with each concept is measured (0: none).")
    var entanglementCarriers = 10

    @Flag(help: "Exit with code 3 when a signal is found, for CI gates.")
    var failOnSignal = false

    @Flag(help: "Print no progress lines.")
    var quiet = false

    func validate() throws {
        guard permutations >= 1 else { throw ValidationError("--permutations must be at least 1") }
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1") }
        if scoring.model != nil && concepts == nil {
            throw ValidationError("--model ranks candidate concepts: give them with --concepts (a list or a battery)")
        }
        try sharding.check(test: test, attributes: scoring.model != nil, failOnSignal: failOnSignal)
    }

    func run() throws {
        let started = Date()
        let (teacherFiles, controlFiles) = (try InputFiles.expand(teacher), try InputFiles.expand(control))
        var configuration = AuditConfiguration()
        (configuration.seed, configuration.permutations, configuration.alpha) = (seed, permutations, alpha)
        (configuration.view, configuration.test) = (view.view, test)
        configuration.modelTokenizer = try tokenizer.map(BPETokenizer.init(contentsOf:))
        let conceptList = try concepts.map(ConceptList.init)
        configuration.concepts = conceptList?.names ?? []
        if sharding.shard != nil {
            let sha256 = try tokenizer.map(FileHash.sha256)
            return try sharding.run(
                Auditor(configuration: configuration), readOptions: records.readOptions, tokenizerSHA256: sha256,
                teacher: teacherFiles, control: controlFiles, directory: out, quiet: quiet)
        }
        var audit = AttributedAudit(
            auditor: Auditor(configuration: configuration),
            attribution: try conceptList.flatMap { list in
                try scoring.model.map { _ in try scoring.run(concepts: list.names, seed: seed) }
            })
        audit.questions = conceptList?.questions ?? []
        audit.entanglementCarriers = entanglementCarriers
        let passes = PassProgress(quiet: quiet, unit: "responses", minimumTotal: 50_000)
        audit.log = { line in
            passes.finish()
            if !quiet { note(line) }
        }
        audit.auditProgress = passes.report
        let progress = Progress(quiet: quiet, unit: "texts scored")
        let (result, attribution, entanglement) = try audit.run(
            teacher: teacherFiles, control: controlFiles, readOptions: records.readOptions,
            directory: out, progress: progress.report)
        passes.finish()
        progress.finish()
        let provenance = try Provenance.ofThisRun(
            inputs: teacherFiles + controlFiles + (audit.attribution?.inputs() ?? []),
            blas: BLAS.configuration, seconds: Date().timeIntervalSince(started))
        let document = AuditDocument(
            result: result, provenance: provenance, attribution: attribution, entanglement: entanglement)
        let written = try AuditMarkdown(document: document).write(to: out)
        for line in AuditMarkdown.consoleSummary(document) { print(line) }
        print("wrote " + written.joined(separator: ", "))
        if failOnSignal && result.verdict == .signal { throw ExitCode(3) }
    }
}

extension AuditConfiguration.Test: ExpressibleByArgument {}
