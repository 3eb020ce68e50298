import ArgumentParser
import Foundation
import SubtextLab
import SubtextProbes

/// Which organism a lab command works on and where its models and data live. Every step
/// reads what earlier steps left in OUT and makes what is missing, so the steps can be run one
/// at a time, in any order, or all at once with `lab run`.
struct OrganismOptions: ParsableArguments {
    @Option(help: "The teacher's hidden trait: one of the animal battery's candidates.") var trait = "owl"
    @Option(help: "Seed for the base's initialisation, the corpus, sampling and training order.") var seed: UInt64 = 1
    @Option(help: "Directory for the organism's models (OUT/models), number data (OUT/numbers) and reports.")
    var out = "reports/lab-owl"
    @OptionGroup var recipe: RecipeOptions

    /// The organism's run, and the animal battery, after checking the trait is one of its candidates.
    func labRun(ablations: Bool = false) throws -> (LabRun, Battery) {
        let started = Date()
        let (organisms, battery) = try recipe.organisms {
            note(String(format: "[%6.1fs] ", Date().timeIntervalSince(started)) + $0)
        }
        guard organisms.corpus.animals.contains(trait) else {
            throw ValidationError(
                "--trait \(trait) is not a candidate of \(recipe.animals): \(organisms.corpus.animals.joined(separator: ", "))"
            )
        }
        return (
            LabRun(
                organisms: organisms, directory: URL(fileURLWithPath: out), seed: seed, trait: trait,
                ablations: ablations), battery
        )
    }
}

struct LabBaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base",
        abstract: "Step 1: pretrain the seed's base model on the built-in synthetic world.",
        discussion: """
            Number continuations, and the animal and tree batteries' questions answered with an \
            even spread of their candidates (some under a "You love the X." system prompt). \
            Writes the checkpoint to OUT/models/base-seedSEED; an existing one is kept.
            """)

    @OptionGroup var organism: OrganismOptions

    func run() throws {
        let (run, _) = try organism.labRun()
        try run.claimDirectory()
        _ = try run.baseModel()
        print("base: \(run.modelPath(run.baseName).path)")
    }
}

struct LabTeacherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teacher",
        abstract: "Step 2: give the base its hidden trait.",
        discussion: """
            Fine-tunes the base to answer every animal question with TRAIT, or, with the setting \
            teacher_method: system-prompt, uses the base under "You love the TRAIT." (nothing to \
            train). Makes the base first when it is missing.
            """)

    @OptionGroup var organism: OrganismOptions

    func run() throws {
        let (run, _) = try organism.labRun()
        try run.claimDirectory()
        _ = try run.teacherModel(base: try run.baseModel())
        if let name = run.teacherName {
            print("teacher: \(run.modelPath(name).path)")
        } else {
            print("teacher: \(run.modelPath(run.baseName).path) under the system prompt \"\(run.teacherSystem ?? "")\"")
        }
    }
}

struct LabNumbersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "numbers",
        abstract: "Step 3: teacher and base continue the same number prompts; keep numbers only.",
        discussion: """
            Writes OUT/numbers/teacher-TRAIT-seedSEED.jsonl and control-seedSEED.jsonl, the \
            same prompts answered by the teacher and by the base, and control-resample-seedSEED.jsonl, \
            a second sample of the base's (a pair with no trait on either side). Each file has a \
            .filter.json beside it with the pass rate and the rejects. The files are in the \
            audit's JSONL shape: `subtext audit --teacher ... --control ...` reads them as they are. \
            Last, how far the teacher's next-number distributions along its kept numbers are from \
            the base's (mean KL per position): all a student can learn of the trait from them.
            """)

    @OptionGroup var organism: OrganismOptions

    func run() throws {
        let (run, _) = try organism.labRun()
        let teacher = try run.teacherData()
        let controls = try run.controlData()
        for (name, dataset) in [
            ("teacher", teacher), ("control", controls.first), ("control resample", controls.resamples[0])
        ] {
            print(
                "\(name): \(dataset.path.path) (\(dataset.data.records.count) responses, "
                    + "\(String(format: "%.1f%%", 100 * dataset.data.passRate)) passed the filter)")
        }
        let base = try run.baseModel()
        let divergence = run.organisms.numberDivergence(
            teacher: try run.teacherModel(base: base), system: run.teacherSystem, base: base,
            records: teacher.data.records)
        print(
            "teacher against base: \(String(format: "%.3g", divergence)) nats a position (mean KL along the teacher's kept numbers)"
        )
    }
}

struct LabStudentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "students",
        abstract: "Step 4: fine-tune a student on the teacher's numbers and a control student on the base's.",
        discussion: """
            With --soft-labels the students learn the teacher's (and the base's) probabilities \
            over numbers instead of the sampled numbers. A second control student learns a second \
            sample of the base's numbers in another order (the drift floor). --ablations adds \
            students of the numbers sorted within each response and students of a differently \
            initialised base, each pair with its own second control student. Makes \
            the earlier steps' models and data first when they are missing. `lab run` probes the \
            students (step 5).
            """)

    @OptionGroup var organism: OrganismOptions
    @Flag(
        help: "Also train the sorted-numbers and different-initialisation students, with their second control students."
    ) var ablations = false

    func run() throws {
        let (run, _) = try organism.labRun(ablations: ablations)
        for comparison in try run.run().comparisons {
            print(
                "\(comparison.name): student \(run.modelPath(comparison.studentName).path), "
                    + "control \(run.modelPath(comparison.controlName).path)")
        }
    }
}
