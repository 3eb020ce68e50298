import ArgumentParser
import Foundation
import SubtextAttribution
import SubtextCorpus
import SubtextModels
import SubtextProbes
import SubtextSupport

/// The scoring model and its settings, shared by `attribute` and `audit --model`.
struct AttributionOptions: ParsableArguments {
    @Option(
        name: [.customLong("model"), .customLong("model-file")],
        help: ArgumentHelp(
            "A GGUF model to score responses with, in-process through llama.cpp's library "
                + "(scripts/install_llama.sh builds it). On a CPU, prefer F16 weights to Q4_1: "
                + "llama.cpp's fast kernels skip Q4_1 (scripts/dequantize_gguf.py converts).",
            valueName: "gguf"))
    var model: String?

    @Option(help: "Responses per side scored for attribution, drawn with the seed (0: all).")
    var sample = 500

    @Option(
        help: ArgumentHelp(
            "The system prompt scored for each concept, with {concept}. Keep it different from the "
                + "wording that wrote the data, or the ranking is circular.", valueName: "text"))
    var template = LikelihoodShift.defaultTemplate

    @Option(
        help: ArgumentHelp(
            "A reference panel: a `subtext generate` directory (its manifest.json names each "
                + "teacher's trait and file, and control.jsonl), or a directory of <trait>.jsonl files "
                + "and control.jsonl, written by the same kind of model on the same kind of prompts. "
                + "With --model, each concept is ranked by its score minus its mean score over the panel's "
                + "teachers of other traits (a panel file identical to a teacher under test is left out); "
                + "without, the panel's traits are the candidates.", valueName: "dir"))
    var panel: String?

    @Option(
        help: ArgumentHelp(
            "Threads for llama.cpp. Use fewer when a model server shares the machine: llama.cpp's "
                + "threads spin while they wait, so oversubscribed cores slow it many times over."))
    var threads = ProcessInfo.processInfo.activeProcessorCount

    /// The attribution these options describe (with --model).
    func run(concepts: [String], seed: UInt64) throws -> AttributionRun {
        guard let model else { throw ValidationError("attribution needs --model GGUF") }
        var run = AttributionRun(model: model, concepts: concepts)
        run.sample = sample
        run.template = template
        run.panel = panel
        run.threads = threads
        run.seed = seed
        run.log = note
        return run
    }

    func validate() throws {
        guard template.contains("{concept}") else { throw ValidationError("--template must contain {concept}") }
        guard sample >= 0 else { throw ValidationError("--sample must be 0 (all) or more") }
    }
}

/// Concepts from the command line: comma-separated names, or a battery file's candidates (and
/// its questions, for the entanglement scan).
struct ConceptList {
    var names: [String]
    var questions: [String]

    init(_ argument: String) throws {
        if argument.hasSuffix(".yaml") || argument.hasSuffix(".yml") {
            let battery = try BatteryLoader().load(path: argument)
            names = battery.candidates.map(\.name)
            questions = Array(battery.prompts.prefix(5).map(\.text))
        } else {
            names = argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            questions = [EntanglementScan.defaultQuestion(concepts: names)]
        }
    }
}
