import ArgumentParser
import Foundation
import SubtextModels
import SubtextProbes
import SubtextReport
import SubtextSupport

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Ask models a battery of questions many times and measure which preferences shifted.",
        discussion: """
            Writes OUT/probe.md, OUT/probe.json, OUT/probe.svg and OUT/journal.jsonl. Running the same \
            command again resumes from the journal: answered requests are not sent again.

            Models come from --model NAME=URL[#MODEL_ID] (no system prompt) or --models FILE (YAML: \
            name, url, model, system, api_key_env). Any OpenAI-compatible server works: vLLM, \
            llama.cpp's llama-server, Ollama, OpenAI. API keys are read from the named environment \
            variable and never written anywhere.

            Score mode (--mode score, or mode: score in the battery) reads each candidate's \
            probability as the start of the reply instead of sampling, and compares models \
            paraphrase by paraphrase. Before the run it checks what each server can do: exact \
            scoring on llama.cpp's llama-server (forced tokens) or vLLM (prompt_logprobs), else \
            the first token's top_logprobs, which sees only the top-k and is reported as such. \
            A server that gives no log-probabilities stops the run before anything is sent.
            """)

    @Argument(help: "A battery file (probes/*.yaml).")
    var battery: String

    @Option(help: ArgumentHelp("A model as NAME=URL[#MODEL_ID]; repeat for several.", valueName: "spec"))
    var model: [String] = []

    @Option(help: ArgumentHelp("A YAML file listing models.", valueName: "path"))
    var models: String?

    @Option(help: "The model to compare the others with.")
    var reference: String?

    @Option(help: ArgumentHelp("Directory for probe.md, probe.json, probe.svg and journal.jsonl.", valueName: "dir"))
    var out: String

    @Option(
        help: ArgumentHelp(
            "sample counts answers; score reads answer probabilities (default: the battery's).",
            valueName: "sample|score"))
    var mode: Battery.Mode?

    @Option(
        help: ArgumentHelp(
            "How score mode reads probabilities (default: the best the server offers).",
            valueName: "forced-tokens|prompt-logprobs|top-logprobs"))
    var scoring: ScoringMethod?

    @Option(help: "Samples per prompt (default: the battery's).")
    var samples: Int?

    @Option(help: "Ask only the first N paraphrases (default: all).")
    var prompts: Int?

    @OptionGroup(title: "Requests") var requests: RequestOptions

    @Option(help: ArgumentHelp("Answer from this journal, offline, instead of the servers.", valueName: "journal"))
    var replay: String?

    @Option(help: "Seed for the paraphrase bootstrap.")
    var seed: UInt64 = 1

    @Flag(help: "Print no progress.")
    var quiet = false

    func validate() throws {
        guard !model.isEmpty || models != nil else { throw ValidationError("give --model NAME=URL or --models FILE") }
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1") }
    }

    func run() async throws {
        let started = Date()
        var loaded = try BatteryLoader().load(path: battery)
        if let mode { loaded.mode = mode }
        var endpoints = try model.map(Endpoint.init(shorthand:))
        if let models { endpoints += try ModelsFile.load(path: models) }
        var run = try ProbeRun(
            battery: loaded, endpoints: endpoints, reference: reference, samplesPerPrompt: samples,
            promptLimit: prompts)
        run.concurrency = requests.concurrency
        run.timeout = requests.timeout
        run.maximumRequests = requests.maxRequests
        run.scoring = scoring
        run.replay = replay
        run.seed = seed
        run.log = note
        if requests.dryRun {
            let estimate = try run.estimate(directory: out)
            print(
                "\(estimate.planned) requests planned (\(endpoints.count) models × \(run.plan.prompts.count) prompts × "
                    + "\(run.plan.samplesPerPrompt) samples); \(estimate.journaled) already in the journal; "
                    + "\(estimate.sending) would be sent, about \(estimate.tokens) tokens.")
            if loaded.mode == .score {
                print(
                    "Score mode: exact scoring sends one server call per candidate token (forced tokens) or per "
                        + "candidate (prompt logprobs) for each request; top-logprobs scoring sends one.")
            }
            return
        }
        let progress = Progress(quiet: quiet)
        run.progress = progress.report
        let (result, summary) = try await run.run(directory: out)
        progress.finish()
        let provenance = try Provenance.ofThisRun(inputs: [battery], seconds: Date().timeIntervalSince(started))
        let written = try ProbeMarkdown(result: result, provenance: provenance).write(to: out)
        let found = result.shifts.filter(\.isFound)
        let describe = { (shift: ProbeResult.Shift) in
            let (scale, unit, digits) = shift.unit == .nats ? (1.0, "nats", "%+.2f") : (100.0, "points", "%+.1f")
            return "\(shift.model): \(shift.category) \(String(format: digits, scale * shift.delta)) \(unit) "
                + "[\(String(format: digits, scale * shift.ciLow)), \(String(format: digits, scale * shift.ciHigh))], "
                + "q = \(String(format: "%.3g", shift.q))"
        }
        print(found.isEmpty ? "no shift found" : "shifts found: " + found.map(describe).joined(separator: "; "))
        let suggestive = result.shifts.filter { $0.excludesZero && !$0.isFound }
        if !suggestive.isEmpty { print("suggestive: " + suggestive.map(describe).joined(separator: "; ")) }
        print(
            "\(summary.sent) requests sent in \(String(format: "%.1f", summary.seconds)) s, \(summary.fromJournal) from the journal"
                + (summary.capped > 0 ? ", \(summary.capped) left for the next run (--max-requests)" : ""))
        print("wrote " + written.joined(separator: ", "))
    }
}

extension Battery.Mode: ExpressibleByArgument {}
extension ScoringMethod: ExpressibleByArgument {}
