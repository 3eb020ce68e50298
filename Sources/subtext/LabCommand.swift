import ArgumentParser
import Foundation
import SubtextLab
import SubtextStatistics

/// `subtext lab`: model organisms, tiny language models trained here on the CPU, with a
/// known hidden trait, as ground truth for Subtext's detectors.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Train tiny model organisms on the CPU and measure subliminal transfer and the detector against them.",
        subcommands: [LabSpeedCommand.self])
}

/// The shape of a lab model, shared by every lab command that creates one.
struct ModelShapeOptions: ParsableArguments {
    @Option(help: "Transformer blocks.") var layers = 4
    @Option(help: "Model width (embedding size).") var width = 128
    @Option(help: "Attention heads; must divide the width.") var heads = 4
    @Option(help: "Context length in tokens.") var context = 64

    func config(vocabularySize: Int) -> ModelConfig {
        ModelConfig(vocabularySize: vocabularySize, context: context, layers: layers, heads: heads, width: width)
    }
}

struct LabSpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Time training steps of a lab model on random tokens; prints JSON.",
        discussion: "benchmarks/lab_training_speed.sh runs this beside the same model in PyTorch.")

    @OptionGroup var shape: ModelShapeOptions
    @Option(help: "Vocabulary size.") var vocabulary = 256
    @Option(help: "Sequences per step.") var batch = 32
    @Option(help: "Timed steps (after 3 warm-up steps).") var steps = 20
    @Option(help: "OpenBLAS threads.") var threads = 2

    func run() throws {
        BLAS.use(threads: threads)
        LabThreads.count = threads
        let speed = try TrainingSpeed.measure(shape.config(vocabularySize: vocabulary), batchSize: batch, steps: steps)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(speed), as: UTF8.self))
    }
}
