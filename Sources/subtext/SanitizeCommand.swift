import ArgumentParser
import Foundation
import SubtextAudit
import SubtextCorpus
import SubtextReport
import SubtextSanitize
import SubtextSupport

struct SanitizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanitize",
        abstract: "Remove a hidden channel from teacher data, and audit what is left.",
        discussion: """
            Transforms, applied in this order whatever order they are given in: divergence (the \
            --divergence-share of the teacher's number tokens where the model read with the teacher's \
            system prompt, or the fine-tuned --teacher-model, departs most from the base model read \
            without it, by KL divergence, each replaced by the base's own likeliest number token of the \
            same shape; the control's tokens above the same threshold too; needs --model; what it has \
            read is kept in OUT/divergence-journal.jsonl, from which a run stopped midway resumes, \
            and by row in OUT/divergence-tokens.jsonl), format (each number \
            list as its numbers joined by ", "), sort (the numbers of each list in ascending order, in \
            the places they held), remap (every number of at most three digits through one seeded \
            permutation of 0–999), drop (the teacher responses scored most teacher-like, by --drop-by, \
            up to --drop-budget of them; the control loses only their partners, where both sides \
            answered the same prompt). Responses with letters in them are not rewritten.

            Writes OUT/teacher.jsonl (and OUT/control.jsonl) in the input's own shape, every field but \
            the generated text unchanged, and OUT/sanitize.md, OUT/sanitize.json and OUT/sanitize.svg. \
            With --control, the teacher is audited against the control before, and the sanitized \
            teacher against the control put through the same rewrites (same seed) after. drop scores \
            each half of the rewritten data by a rule fitted on the other half, and the "after" audit \
            reads only the half scored by a rule that never saw it: an audit of the data that chose \
            what to drop flatters the result. It saves a rule fitted on all of it as \
            OUT/drop-rule.json; --drop-rule applies a saved rule instead, to new batches or to a part \
            of the data held out from fitting, and the "after" audit then reads all of it.
            """)

    @Argument(help: ArgumentHelp("The teacher JSONL file (or .jsonl.gz).", valueName: "teacher"))
    var teacher: String

    @Option(help: ArgumentHelp("The control JSONL file: needed for the audits and for drop.", valueName: "path"))
    var control: String?

    @Option(help: ArgumentHelp("Comma-separated: divergence, format, sort, remap, drop.", valueName: "list"))
    var transforms: String

    @OptionGroup var divergence: DivergenceOptions

    @Option(help: "The share of teacher responses drop removes.")
    var dropBudget = 0.3

    @Option(
        help: """
            What drop scores responses by when it fits its own rule: classifier (the audit's classifier; each \
            half of the data scored by the rule fitted on the other) or carriers (how many significant carrier tokens it holds).
            """)
    var dropBy = DropScore.classifier

    @Option(
        help: ArgumentHelp(
            "A drop-rule.json saved by an earlier run: drop by it instead of fitting one.", valueName: "path"))
    var dropRule: String?

    @Option(help: "Seed for the remap's permutation and the audits.")
    var seed: UInt64 = 1

    @OptionGroup var records: RecordOptions

    @Option(help: "Significance level for the audits' verdicts.")
    var alpha = 0.01

    @Option(help: "Permutations for each audit's exact classifier test (as in `subtext audit`).")
    var permutations = 9999

    @Option(help: ArgumentHelp("Directory for the sanitized files and sanitize.md, sanitize.json.", valueName: "dir"))
    var out: String

    @Flag(help: "Print no progress lines.")
    var quiet = false

    func validate() throws {
        let names: [Transform]
        do { names = try Transform.list(transforms) } catch { throw ValidationError("\(error)") }
        guard !names.isEmpty else {
            throw ValidationError("--transforms needs at least one of format, sort, remap, drop")
        }
        guard dropBudget > 0 && dropBudget < 1 else { throw ValidationError("--drop-budget must be between 0 and 1") }
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1") }
        guard permutations >= 1 else { throw ValidationError("--permutations must be at least 1") }
        if dropRule != nil, !names.contains(.drop) { throw ValidationError("--drop-rule needs drop in --transforms") }
        try divergence.check(transforms: names)
        if names.contains(.drop), control == nil {
            throw ValidationError(
                "drop needs --control: the rule is fitted against it, and the audit after compares with it")
        }
    }

    func run() throws {
        let started = Date()
        var audit = AuditConfiguration()
        (audit.seed, audit.alpha, audit.permutations) = (seed, alpha, permutations)
        let saved = try dropRule.map { path in
            (rule: try JSONFile.decode(DropRule.self, path: path), path: path)
        }
        var sanitizer = Sanitizer(
            transforms: try Transform.list(transforms), seed: seed, dropBudget: dropBudget, dropBy: dropBy,
            savedRule: saved, readOptions: records.readOptions, audit: audit)
        try divergence.setUp(&sanitizer, teacher: teacher, directory: out)
        let result = try sanitizer.run(teacher: teacher, control: control, directory: out) { line in
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        let inputs = [teacher, control, dropRule, divergence.model, divergence.teacherModel].compactMap { $0 }
        let provenance = try Provenance.ofThisRun(inputs: inputs, seconds: Date().timeIntervalSince(started))
        try SanitizeMarkdown(result: result, provenance: provenance).write(to: out)
        for line in SanitizeMarkdown.consoleSummary(result) { print(line) }
        print("wrote \(DisplayPath.of(out))/sanitize.md, sanitize.json")
    }
}

extension DropScore: ExpressibleByArgument {}
