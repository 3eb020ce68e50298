import ArgumentParser
import Foundation
import SubtextLab
import SubtextReport
import SubtextSupport

/// `subtext lab evaluate`: the detector against ground truth. Teachers with a known trait
/// write numbers; Subtext's audit compares each teacher's data with its base's, at several
/// data sizes, and two samples of the base's own numbers give the false-positive rate.
struct LabEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure the audit against lab organisms: power by data size, false positives, AUROC by K.",
        discussion: """
            For each seed, trains a base; for each trait, a teacher; both write number \\
            continuations to the same prompts, and the base writes --control-pairs more samples, \\
            each against its first for a control-versus-control pair. Each pair is audited (the \\
            same code as `subtext audit`) \\
            on its first N responses for each N in --sizes. Writes OUT/lab-evaluation.md, .json \\
            and .svg; models and data are kept under OUT/organisms and reused. The default grid \\
            (2 seeds × 2 traits, 3 control pairs a seed) takes about 12 minutes on 2 cores; --full runs 5 seeds × 5 traits.
            """)

    @Option(help: "Seeds, comma-separated.") var seeds = "1,2"
    @Option(help: "Traits, comma-separated candidates of the animal battery.") var traits = "owl,eagle"
    @Flag(help: "The full grid: seeds 1–5 × owl, eagle, dolphin, wolf, cat.") var full = false
    @Option(help: "Data sizes (responses per side) to audit, comma-separated.") var sizes = "100,300,1000,2500"
    @Option(
        help:
            "Control-versus-control pairs per seed (the base's numbers against another sample of them), for the false-positive rate."
    )
    var controlPairs = 3
    @Option(help: "Permutations per audit.") var permutations = 999
    @Option(help: "Output directory.") var out = "reports/lab-evaluation"
    @OptionGroup var recipe: RecipeOptions

    func run() async throws {
        let started = Date()
        let seedList = full ? [1, 2, 3, 4, 5] : try parse(seeds, "--seeds").map { UInt64($0) }
        let traitList =
            full ? ["owl", "eagle", "dolphin", "wolf", "cat"] : traits.split(separator: ",").map(String.init)
        let sizeList = try parse(sizes, "--sizes").map { Int($0) }.sorted()
        guard controlPairs > 0 else { throw ValidationError("--control-pairs must be at least 1") }
        let (organisms, _) = try recipe.organisms {
            note(String(format: "[%6.1fs] ", Date().timeIntervalSince(started)) + $0)
        }
        var run = LabEvaluationRun(
            organisms: organisms, directory: URL(fileURLWithPath: out).appendingPathComponent("organisms"),
            seeds: seedList, traits: traitList, sizes: sizeList)
        run.controlPairs = controlPairs
        run.permutations = permutations
        run.log = note
        let evaluation = try run.run()
        let provenance = try Provenance.ofThisRun(inputs: [recipe.animals, recipe.trees], seconds: evaluation.seconds)
        try LabEvaluationMarkdown(evaluation: evaluation, provenance: provenance).write(to: out)
        for size in sizeList {
            print(
                "N = \(size): power \(String(format: "%.2f", evaluation.power(size: size))), "
                    + "false-positive rate \(String(format: "%.2f", evaluation.falsePositiveRate(size: size)))")
        }
        print("report: \(out)/lab-evaluation.md")
    }

    private func parse(_ list: String, _ option: String) throws -> [Int] {
        try list.split(separator: ",").map {
            guard let value = Int($0.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw ValidationError("\(option): \"\($0)\" is not a positive integer")
            }
            return value
        }
    }
}
