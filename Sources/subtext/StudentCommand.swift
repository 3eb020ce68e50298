import ArgumentParser
import Foundation
import SubtextCorpus
import SubtextModels
import SubtextStudents
import SubtextSupport
import SubtextTraining

/// `subtext student`: real students, fine-tuned from a GGUF base on the CPU.
struct StudentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "student",
        abstract: "Fine-tune a student from a GGUF model on a dataset, on the CPU.",
        subcommands: [StudentTrainCommand.self, StudentSpeedCommand.self])
}

struct StudentTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune a Llama or Gemma 3 GGUF model on a JSONL dataset's replies.",
        discussion: """
            Each row (any shape the audit reads) becomes the base model's chat prompt for its prompt, \
            with no system prompt, and its reply followed by the template's end-of-turn token; the loss \
            falls on the reply alone. Hard labels train on the replies as written; --soft-labels K \
            distils on the teacher's top K next tokens at every reply position instead, read in process \
            from --teacher-model (default: the base) with --teacher-system, if given.

            LoRA adapters (--lora-rank, default 16) train on every attention and MLP projection, or \
            --full fine-tunes every weight. A checkpoint is written to OUT/checkpoint.bin every \
            --checkpoint-every steps; run the same command again after a crash or kill and it resumes \
            from it, ending with the weights an uninterrupted run ends with (for the same --threads). \
            A checkpoint of other data or settings is refused. With --soft-labels, the teacher's \
            reading is kept in OUT/soft-labels.bin, so a resumed run does not read the teacher again.

            Writes OUT/adapter.gguf (LoRA; `llama-server -m BASE --lora OUT/adapter.gguf` serves it) or \
            OUT/student.gguf (--full, F32), and OUT/student.json: the base, data hashes, settings, steps, \
            tokens per second and the loss curve. Needs llama.cpp's library (scripts/install_llama.sh).
            """)

    @OptionGroup var student: StudentOptions

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("JSONL files (or .jsonl.gz, or directories of them) to train on.", valueName: "path"))
    var data: [String]

    @Option(help: ArgumentHelp("Directory for the student, its checkpoint and student.json.", valueName: "dir"))
    var out: String

    func validate() throws {
        guard !data.isEmpty else { throw ValidationError("give --data FILE") }
    }

    func run() throws {
        var run = StudentRun(
            base: student.base, data: try InputFiles.expand(data), settings: student.settings,
            teacherModel: student.teacherModel, libraryDirectory: LlamaScorer.defaultLibraryDirectory,
            threads: student.threads, out: out)
        run.readOptions = student.readOptions
        let quiet = student.quiet
        let result = try run.run(log: quiet ? { _ in } : note, showProgress: !quiet)
        let last = result.loss.last
        print(
            "student: \(result.steps) steps on \(result.trainingRows) rows; loss \(last.map { String(format: "%.3f", $0.train) } ?? "-")"
                + (last?.heldOut.map { String(format: ", held out %.3f", $0) } ?? "") + "; wrote "
                + (result.outputs + [StudentRun.resultName]).map { DisplayPath.of(out + "/" + $0) }.joined(
                    separator: ", "))
    }
}

struct StudentSpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Time student training steps of a Llama model's shape on random tokens; prints JSON.",
        discussion: """
            The default shape is SmolLM2-135M's. benchmarks/student_training_speed.sh runs this beside the \
            same model in PyTorch.
            """)

    @Option(help: "Blocks.") var layers = 30
    @Option(help: "Model width.") var width = 576
    @Option(help: "Query heads.") var heads = 9
    @Option(help: "Key/value heads.") var kvHeads = 3
    @Option(help: "SwiGLU hidden width.") var hidden = 1536
    @Option(help: "Vocabulary size.") var vocabulary = 49152
    @Option(help: "Sequences per step.") var batch = 8
    @Option(help: "Tokens per sequence; the loss falls on the second half.") var time = 64
    @Option(help: "LoRA rank; 0 fine-tunes every weight.") var loraRank = 16
    @Option(help: "Timed steps (after 2 warm-up steps).") var steps = 5
    @Option(help: "Training threads.") var threads = 2

    func run() throws {
        TrainingThreads.count = threads
        let config = LlamaConfig(
            layers: layers, width: width, heads: heads, kvHeads: kvHeads, hidden: hidden,
            vocabularySize: vocabulary, ropeBase: 100000)
        let speed = LlamaSpeed.measure(
            config, batchSize: batch, time: time, loraRank: loraRank > 0 ? loraRank : nil, steps: steps)
        let encoder = JSONCoding.line
        print(String(decoding: try encoder.encode(speed), as: UTF8.self))
    }
}
