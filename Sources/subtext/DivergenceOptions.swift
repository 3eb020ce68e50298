import ArgumentParser
import Foundation
import SubtextGeneration
import SubtextSanitize

/// The options of sanitize's divergence transform: which models read the data, under which
/// system prompt, and how much of it is replaced.
struct DivergenceOptions: ParsableArguments {
    @Option(
        name: [.customLong("model"), .customLong("model-file")],
        help: ArgumentHelp(
            "For divergence: the GGUF model that wrote the data, read in-process through llama.cpp's "
                + "library (scripts/install_llama.sh builds it).", valueName: "gguf"))
    var model: String?

    @Option(
        help: ArgumentHelp(
            "For divergence: the teacher as a model of its own, a fine-tune of --model (the base), "
                + "when the teacher's trait came from training rather than a system prompt.", valueName: "gguf"))
    var teacherModel: String?

    @Option(
        help: ArgumentHelp(
            "For divergence: the system prompt the teacher was given. Default: the teacher's own "
                + "in the manifest.json of the `subtext generate` directory it is in; none with "
                + "--teacher-model.", valueName: "text"))
    var teacherSystem: String?

    @Option(help: "For divergence: the share of the teacher's number tokens replaced.")
    var divergenceShare = 0.1

    @Option(help: "Threads for llama.cpp (divergence).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    /// Whether these options fit the transforms asked for: divergence needs a model, and a
    /// model is read by nothing else.
    func check(transforms: [Transform]) throws {
        if teacherModel != nil, model == nil {
            throw ValidationError("--teacher-model needs --model, the base it was fine-tuned from")
        }
        if transforms.contains(.divergence), model == nil {
            throw ValidationError(SanitizeError.divergenceNeedsModels.description)
        }
        if model != nil, !transforms.contains(.divergence) {
            throw ValidationError("--model is read by divergence only: add it to --transforms")
        }
        guard divergenceShare > 0 && divergenceShare < 1 else {
            throw ValidationError("--divergence-share must be between 0 and 1")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Opens the models for divergence, when it was asked for. Without --teacher-system or a
    /// teacher model, the system prompt is the one `subtext generate` wrote the teacher file under.
    func setUp(_ sanitizer: inout Sanitizer, teacher: String, directory: String) throws {
        guard let model else { return }
        var system = teacherSystem
        if system == nil && teacherModel == nil {
            do { system = try GenerationResult.systemPrompt(of: teacher) } catch {
                throw ValidationError("divergence needs the teacher's system prompt: give --teacher-system (\(error))")
            }
        }
        try sanitizer.readDivergence(
            model: model, teacherModel: teacherModel, teacherSystem: system, threads: threads, directory: directory)
        sanitizer.divergenceShare = divergenceShare
    }
}
