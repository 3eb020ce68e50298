import ArgumentParser
import Foundation
import SubtextCorpus
import SubtextStudents

/// How students are trained: the options `student train` and `transfer` share.
struct StudentOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The base model: a GGUF file of a Llama or Gemma 3 model.", valueName: "gguf")) var base:
        String
    @Option(help: "LoRA rank.") var loraRank = 16
    @Option(help: "LoRA α (the adapters' product is scaled by α / rank); default: the rank.") var loraAlpha: Float?
    @Flag(help: "Fine-tune every weight instead of training LoRA adapters.") var full = false
    @Option(
        help: ArgumentHelp("Distil on the teacher's top K next tokens instead of the sampled replies.", valueName: "K"))
    var softLabels: Int?
    @Option(help: ArgumentHelp("For soft labels: the teacher model, if not the base.", valueName: "gguf"))
    var teacherModel: String?
    @Option(help: ArgumentHelp("For soft labels: the teacher's system prompt.", valueName: "text")) var teacherSystem:
        String?
    @Option(help: "Peak learning rate (linear warm-up over 5% of steps, then linear decay).") var learningRate: Float =
        2e-4
    @Option(help: "Passes over the data.") var epochs = 1
    @Option(help: "Rows per step.") var batchSize = 8
    @Option(help: "Seed for the adapters' start, the data order and the held-out rows.") var seed: UInt64 = 1
    @Option(help: "Share of rows held out for the loss curve (at most 256 rows).") var heldOut = 0.05
    @Option(help: "Steps between checkpoints and loss-curve points.") var checkpointEvery = 25
    @Option(help: "Skip rows longer than this many tokens (prompt and reply).") var maximumTokens = 256
    @Option(help: "Training threads; a run resumes to the same weights only with the same count.")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var records: RecordOptions
    @Flag(help: "Print no progress.") var quiet = false

    func validate() throws {
        if teacherModel != nil || teacherSystem != nil, softLabels == nil {
            throw ValidationError("--teacher-model and --teacher-system are for soft labels: add --soft-labels K")
        }
        if let problem = settings.problem { throw ValidationError(problem) }
    }

    var settings: StudentSettings {
        var settings = StudentSettings()
        settings.loraRank = full ? nil : loraRank
        settings.loraAlpha = full ? nil : loraAlpha
        settings.softLabelsTopK = softLabels
        settings.teacherSystem = teacherSystem
        settings.learningRate = learningRate
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.seed = seed
        settings.heldOutShare = heldOut
        settings.checkpointEvery = checkpointEvery
        settings.maximumTokens = maximumTokens
        return settings
    }

    var readOptions: ReadOptions { records.readOptions }
}
