import ArgumentParser
import Foundation
import SubtextLab
import SubtextProbes
import SubtextReport
import SubtextStatistics
import SubtextSupport
import SubtextTraining

/// `subtext lab`: model organisms, tiny language models trained here on the CPU, with a
/// known hidden trait, as ground truth for Subtext's detectors.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract:
            "Train tiny model organisms on the CPU and measure subliminal transfer and the detector against them.",
        discussion: """
            The recipe's steps are `base`, `teacher`, `numbers` and `students`; `run` does them all \
            and probes the students (step 5). Each step keeps what it makes under OUT and reuses \
            what earlier runs left there.
            """,
        subcommands: [
            LabRunCommand.self, LabBaseCommand.self, LabTeacherCommand.self, LabNumbersCommand.self,
            LabStudentsCommand.self, LabSanitizeCommand.self, LabEvaluateCommand.self, LabSpeedCommand.self
        ])
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
    @Option(help: "Training threads (each calls a single-threaded OpenBLAS on its own rows).") var threads = 2

    func run() throws {
        TrainingThreads.count = threads
        let speed = try TrainingSpeed.measure(shape.config(vocabularySize: vocabulary), batchSize: batch, steps: steps)
        let encoder = JSONCoding.line
        print(String(decoding: try encoder.encode(speed), as: UTF8.self))
    }
}

/// The inputs every organism command shares: the batteries that define the synthetic world,
/// the recipe's settings, and the thread count.
struct RecipeOptions: ParsableArguments {
    @Option(help: "Battery whose questions and candidates are the animals of the lab's world, and the probe.")
    var animals = "probes/favorite-animal.yaml"
    @Option(help: "Battery whose questions and candidates are the trees of the lab's world.")
    var trees = "probes/favorite-tree.yaml"
    @Option(help: "JSON file overriding recipe settings (keys as in lab.json's \"settings\").")
    var settings: String?
    @Flag(help: "Students learn the teacher's probabilities over numbers (soft labels) instead of its sampled numbers.")
    var softLabels = false
    @Option(help: "Training threads (each calls a single-threaded OpenBLAS on its own rows).")
    var threads = 2

    func organisms(progress: @escaping (String) -> Void) throws -> (Organisms, Battery) {
        TrainingThreads.count = threads
        let loader = BatteryLoader()
        let animalBattery = try loader.load(path: animals)
        let corpus = LabCorpus(animals: animalBattery, trees: try loader.load(path: trees))
        return (Organisms(corpus: corpus, settings: try recipeSettings(), progress: progress), animalBattery)
    }

    func recipeSettings() throws -> RecipeSettings {
        do { return try RecipeSettings.overriding(file: settings, softLabels: softLabels) } catch {
            throw ValidationError("\(error)")
        }
    }
}

struct LabRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one organism end to end: base, teacher, teacher and control numbers, students, probes.",
        discussion: """
            Pretrains a base model on the built-in synthetic world (number continuations; animal \
            and tree preference questions with an even spread of answers), fine-tunes a teacher to \
            answer every animal question with TRAIT, has teacher and base write number \
            continuations (filtered to numbers only), fine-tunes a student on the teacher's numbers \
            and a control student on the base's, and probes them with the animal battery. Beside \
            the pair, "two controls": a second control student, of a second sample of the base's \
            numbers trained in another order, whose difference from the first is a false positive \
            and measures the drift between students; the headline calls a transfer material only \
            at p < 0.01 and at least twice that drift. --ablations adds students of sorted \
            numbers and students of a differently initialised base, each pair with its own two \
            controls. Settings choose LoRA students (student_lora_rank). Models and data are kept under OUT \
            and reused when the command is run again, so `lab base`, `lab teacher`, `lab numbers` and `lab students` can run the \
            steps one at a time first. Writes OUT/lab.md, lab.json and lab.svg, and a probe report per comparison.
            """)

    @OptionGroup var organism: OrganismOptions
    @Flag(help: "Also run the sorted-numbers and different-initialisation ablations.") var ablations = false
    @Option(help: "Probe samples per battery paraphrase, per model.") var samples = 40
    @Option(
        help: "sample: count sampled answers (the acceptance's rates); score: read each answer's exact probability.")
    var probeMode = Battery.Mode.sample

    func run() async throws {
        let (labRun, batteryFile) = try organism.labRun(ablations: ablations)
        var battery = batteryFile
        battery.mode = probeMode
        let (out, recipe) = (organism.out, organism.recipe)
        let (summary, probes) = try await labRun.runAndProbe(battery: battery, samples: samples, log: note)
        let comparisons = summary.comparisons
        for probe in probes {
            try ProbeMarkdown(
                result: probe.result, provenance: Provenance.ofThisRun(inputs: [recipe.animals], seconds: probe.seconds)
            )
            .write(to: labRun.directory.appendingPathComponent(probe.slug).path)
        }
        let provenance = try Provenance.ofThisRun(inputs: [recipe.animals, recipe.trees], seconds: summary.seconds)
        try LabMarkdown(summary: summary, provenance: provenance).write(to: out)
        for c in comparisons {
            print(
                "\(c.name): student \(String(format: "%.1f%%", 100 * c.studentRate)), control \(String(format: "%.1f%%", 100 * c.controlRate)), "
                    + "p = \(String(format: "%.3g", c.p))\(c.transferred ? ", transferred" : "")")
        }
        print("report: \(out)/lab.md")
    }
}
