import ArgumentParser
import Foundation
import SubtextSupport
import SubtextGeneration
import SubtextProbes
import SubtextReport
import SubtextModels

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

    @Option(help: ArgumentHelp("A battery whose candidates give the traits' aliases (plurals for the system prompt "
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

    @Option(help: ArgumentHelp("The teacher's system prompt, with {traits}, {Traits} and {trait} filled in.",
                               valueName: "text"))
    var systemTemplate = GenerationPlan.defaultSystemTemplate

    @Option(help: ArgumentHelp("auto: a grammar where the server takes one; grammar: require it; none: free-form.",
                               valueName: "auto|grammar|none"))
    var constrain = "auto"

    @Option(help: ArgumentHelp("The model's weights file, hashed into the manifest.", valueName: "path"))
    var modelFile: String?

    @Option(help: ArgumentHelp("Directory for the dataset, manifest, report and journal.", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp(
        "An environment variable holding the API key, sent as a bearer token (for hosted APIs); the key is never written out.",
        valueName: "variable"))
    var apiKeyEnv: String?

    @Option(help: "Requests in flight.")
    var concurrency = 2

    @Option(help: "Seconds for one request attempt.")
    var timeout: Int64 = 120

    @Option(help: "Send at most this many new requests in this run (the rest wait for the next run).")
    var maxRequests: Int?

    @Flag(help: "Print the number of requests and send nothing.")
    var dryRun = false

    @Flag(help: "Print no progress.")
    var quiet = false

    func validate() throws {
        guard ["auto", "grammar", "none"].contains(constrain) else { throw ValidationError("--constrain is auto, grammar or none") }
        guard prompts >= 1 else { throw ValidationError("--prompts must be at least 1") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        var endpoint = try Endpoint(shorthand: model)
        endpoint.apiKeyVariable = apiKeyEnv
        let candidates = try battery.map { try BatteryLoader().load(path: $0).candidates } ?? []
        let names = traits.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !names.isEmpty, Set(names).count == names.count, !names.contains("control") else {
            throw ValidationError("--traits needs distinct names, none of them 'control'")
        }
        let traitList = names.map { name in (name: name, aliases: candidates.first { $0.name == name }?.aliases ?? []) }
        let client = OpenAIClient(endpoint: endpoint, timeout: timeout)
        let constrained: Bool
        switch constrain {
        case "none": constrained = false
        case "grammar":
            guard try await client.acceptsGrammars() else {
                throw ValidationError("\(endpoint.name) does not take llama.cpp grammars; use --constrain auto or none")
            }
            constrained = true
        default:
            let grammars = family == .numbers && !dryRun ? try await client.acceptsGrammars() : false
            constrained = grammars
        }
        let plan = GenerationPlan(endpoint: endpoint, family: family, traits: traitList, count: prompts, seed: seed,
                                  temperature: temperature, systemTemplate: systemTemplate, constrained: constrained)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let journal = try Journal(path: (out as NSString).appendingPathComponent("journal.jsonl"))
        if journal.droppedTornLine { note("journal: dropped a torn last line (a run was cut short)") }
        let requests = plan.requests
        let pending = requests.filter { journal.entry(for: $0.key) == nil }
        if dryRun {
            print("\(requests.count) requests planned (\(plan.sides.count) sides × \(prompts) prompts); "
                + "\(requests.count - pending.count) already in the journal; up to \(family.maxTokens) tokens each.")
            return
        }
        note("constrained decoding: " + (constrained ? "grammar" : "none (free-form replies, then the filter)"))
        let progress = Progress(quiet: quiet)
        let runner = RequestRunner(clients: Dictionary(uniqueKeysWithValues: plan.sides.map { ($0.name, client as any ModelClient) }),
                                 journal: journal, reader: nil, concurrency: concurrency, maximumRequests: maxRequests,
                                 progress: progress.report)
        // Every side talks to one server, so they share one queue and its concurrency limit.
        let summary = try await runner.run(requests, servers: Dictionary(uniqueKeysWithValues: plan.sides.map { ($0.name, endpoint.baseURL) }))
        progress.finish()
        let sides = try DatasetWriter(plan: plan, journal: journal, directory: out).write()
        var notes: [String] = []
        if sides.contains(where: { $0.answered < $0.requested }) {
            notes.append("Some prompts have no reply yet; run the same command again to resume.")
        }
        let result = GenerationResult(
            family: family, model: endpoint.name, modelID: endpoint.modelID, baseURL: DisplayPath.redactingUserInfo(endpoint.baseURL),
            modelFileSHA256: try modelFile.map(FileHash.sha256), modelFile: modelFile.map { DisplayPath.of($0) }, promptSeed: seed, prompts: prompts,
            temperature: temperature, maxTokens: family.maxTokens, constrainedDecoding: constrained ? "grammar" : "none",
            grammar: plan.largestGrammar, filter: plan.filter(for: plan.sides[0]).summary, sides: sides,
            command: Provenance.commandLine,
            toolVersion: SubtextVersion.current, notes: notes)
        try GenerationReportWriter(directory: out).write(result)
        for side in sides {
            print("\(side.name): kept \(side.kept)/\(side.answered) (\(String(format: "%.1f", 100 * side.passRate))%)")
        }
        print("\(summary.sent) requests sent in \(String(format: "%.1f", summary.seconds)) s, \(summary.fromJournal) from the journal"
            + (summary.capped > 0 ? ", \(summary.capped) left for the next run (--max-requests)" : ""))
    }
}

extension PromptFamily: ExpressibleByArgument {}
