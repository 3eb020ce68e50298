import ArgumentParser
import Foundation
import SubtextCorpus
import SubtextGeneration
import SubtextModels
import SubtextProbes
import SubtextReport
import SubtextSupport
import SubtextTasks

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Ask a model for a teacher/control dataset pair: the same prompts, with and without a trait.",
        discussion: """
            Writes OUT/control.jsonl and OUT/<trait>.jsonl ({"prompt","completion"} records that pass \
            the filter), OUT/manifest.json, OUT/generate.md and OUT/journal.jsonl. Every side gets the \
            same prompts and seeds; a teacher differs only by its trait system prompt. Running the same \
            command again resumes from the journal.

            On llama.cpp's llama-server the numbers family is decoded under a grammar, so every reply \
            is a number list (--constrain auto); elsewhere replies are free-form and filtered.
            """)

    @Option(help: ArgumentHelp("The model as NAME=URL[#MODEL_ID].", valueName: "spec"))
    var model: String

    @Option(help: ArgumentHelp("Traits to make teachers for, comma-separated (owl,eagle,...).", valueName: "list"))
    var traits: String

    @Option(
        help: ArgumentHelp(
            "A battery whose candidates give the traits' aliases (plurals for the system prompt "
                + "and the filter).", valueName: "path"))
    var battery: String?

    @Option(help: ArgumentHelp("numbers or instructions.", valueName: "family"))
    var family: PromptFamily = .numbers

    @Option(help: "Prompts per side.")
    var prompts = 1000

    @Option(help: "Seed for the prompts; prompt i is sampled with seed SEED + i.")
    var seed: UInt64 = 1

    @Option(help: "Sampling temperature.")
    var temperature = 1.0

    @Option(
        help: ArgumentHelp(
            "The teacher's system prompt, with {traits}, {Traits} and {trait} filled in.",
            valueName: "text"))
    var systemTemplate = GenerationPlan.defaultSystemTemplate

    @Option(
        help: ArgumentHelp(
            "auto: a grammar where the server takes one; grammar: require it; none: free-form.",
            valueName: "auto|grammar|none"))
    var constrain = GenerationRun.Constraint.auto

    @Option(help: ArgumentHelp("The model's weights file, hashed into the manifest.", valueName: "path"))
    var modelFile: String?

    @Option(help: ArgumentHelp("Directory for the dataset, manifest, report and journal.", valueName: "dir"))
    var out: String

    @Option(
        help: ArgumentHelp(
            "An environment variable holding the API key, sent as a bearer token (for hosted APIs); the key is never written out.",
            valueName: "variable"))
    var apiKeyEnv: String?

    @OptionGroup(title: "Requests") var requests: RequestOptions

    @Flag(help: "Print no progress.")
    var quiet = false

    func validate() throws {
        guard prompts >= 1 else { throw ValidationError("--prompts must be at least 1") }
    }

    func run() async throws {
        var endpoint = try Endpoint(shorthand: model)
        endpoint.apiKeyVariable = apiKeyEnv
        let candidates = try battery.map { try BatteryLoader().load(path: $0).candidates } ?? []
        let names = traits.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let traitList = names.map { name in (name: name, aliases: candidates.first { $0.name == name }?.aliases ?? []) }
        var run = try GenerationRun(endpoint: endpoint, family: family, traits: traitList, prompts: prompts)
        run.seed = seed
        run.temperature = temperature
        run.systemTemplate = systemTemplate
        run.constraint = constrain
        run.concurrency = requests.concurrency
        run.timeout = requests.timeout
        run.maximumRequests = requests.maxRequests
        run.modelFile = modelFile
        run.log = note
        if requests.dryRun {
            let plan = try await run.plan(checkingServer: false)
            let planned = plan.requests
            let journal = try run.journal(out)
            let journaled = planned.filter { journal.entry(for: $0.key) != nil }.count
            print(
                "\(planned.count) requests planned (\(plan.sides.count) sides × \(prompts) prompts); "
                    + "\(journaled) already in the journal; up to \(family.maxTokens) tokens each.")
            return
        }
        let progress = Progress(quiet: quiet)
        run.progress = progress.report
        let (result, summary) = try await run.run(directory: out, command: Provenance.commandLine)
        progress.finish()
        let sides = result.sides
        try GenerationMarkdown(result: result).write(to: out)
        for side in sides {
            print("\(side.name): kept \(side.kept)/\(side.answered) (\(String(format: "%.1f", 100 * side.passRate))%)")
        }
        print(
            "\(summary.sent) requests sent in \(String(format: "%.1f", summary.seconds)) s, \(summary.fromJournal) from the journal"
                + (summary.capped > 0 ? ", \(summary.capped) left for the next run (--max-requests)" : ""))
    }
}

extension PromptFamily: ExpressibleByArgument {}
extension GenerationRun.Constraint: ExpressibleByArgument {}
