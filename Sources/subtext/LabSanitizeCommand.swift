import ArgumentParser
import Foundation
import SubtextLab
import SubtextProbes
import SubtextReport
import SubtextSanitize
import SubtextSupport

struct LabSanitizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanitize",
        abstract: "Measure how much of the organisms' transfer each sanitizing transform leaves.",
        discussion: """
            For each seed, runs the organism (as `lab run`, in OUT/seed-N), puts its teacher and \
            control numbers through `subtext sanitize` with each recipe of --transforms (divergence, \
            which needs models, replaces the tenth of number tokens where the teacher departs most \
            from the base with the base's likeliest number, before the other transforms), trains a \
            student and a control student on each sanitized pair, and a student on random numbers \
            (the floor). The residual of a recipe is (shift after sanitizing − floor) / (original \
            shift − floor), shifts read exactly in nats; across seeds a ratio of means with its \
            exact bootstrap interval. Writes OUT/sanitize-lab.md, sanitize-lab.json and \
            sanitize-lab.svg beside the published figures, each seed's lab.md, and each sanitized \
            pair's sanitize.md (OUT/seed-N/sanitized/RECIPE). Students learn hard labels, through \
            LoRA when the settings say so (student_lora_rank). Models and data are kept under OUT \
            and reused when run again.
            """)

    @Option(help: "The teacher's hidden trait: one of the animal battery's candidates.") var trait = "owl"
    @Option(help: "Seeds, comma-separated: one organism each (at most \(LabSanitize.maximumSeeds)).") var seeds =
        "1,2,3,4,5"
    @Option(help: "Directory for the organisms, the sanitized data and the report.") var out = "reports/lab-sanitize"
    @Option(
        help: "Recipes, comma-separated, each one transform or several joined by + (sort, remap, drop, divergence).")
    var transforms = LabSanitize.defaultRecipes.map(LabSanitize.name).joined(separator: ",")
    @Option(help: "The share of teacher rows drop removes.") var dropBudget = 0.3
    @OptionGroup var recipe: RecipeOptions

    func validate() throws {
        guard !parsedSeeds.isEmpty, parsedSeeds.count <= LabSanitize.maximumSeeds,
            parsedSeeds.count == seeds.split(separator: ",").count
        else {
            throw ValidationError(
                "--seeds needs 1 to \(LabSanitize.maximumSeeds) comma-separated whole numbers, got \"\(seeds)\"")
        }
        guard (0..<1).contains(dropBudget) else {
            throw ValidationError("--drop-budget must be at least 0 and below 1")
        }
        _ = try parsedRecipes()
    }

    private var parsedSeeds: [UInt64] {
        seeds.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
    }

    private func parsedRecipes() throws -> [[Transform]] {
        let recipes = try transforms.split(separator: ",").map { entry in
            try entry.split(separator: "+").map { name in
                let name = name.trimmingCharacters(in: .whitespaces)
                guard let transform = Transform(rawValue: name) else {
                    throw ValidationError(
                        "--transforms: unknown transform \"\(name)\" in \"\(entry)\"; known: sort, remap, drop, divergence"
                    )
                }
                return transform
            }
        }
        guard !recipes.isEmpty else { throw ValidationError("--transforms needs at least one recipe") }
        if let refusal = recipes.lazy.compactMap(LabSanitize.refusal).first { throw ValidationError(refusal) }
        return recipes
    }

    func run() async throws {
        let started = Date()
        let (organisms, battery) = try recipe.organisms {
            note(String(format: "[%6.1fs] ", Date().timeIntervalSince(started)) + $0)
        }
        guard organisms.corpus.animals.contains(trait) else {
            throw ValidationError(
                "--trait \(trait) is not a candidate of \(recipe.animals): \(organisms.corpus.animals.joined(separator: ", "))"
            )
        }
        let lab = LabSanitize(
            organisms: organisms, directory: URL(fileURLWithPath: out), seeds: parsedSeeds, trait: trait,
            recipes: try parsedRecipes(), dropBudget: dropBudget)
        let (result, outcomes) = try await lab.run(battery: battery, log: organisms.progress)
        for outcome in outcomes {
            let seedOut = (out as NSString).appendingPathComponent("seed-\(outcome.summary.seed)")
            let seedProvenance = try Provenance.ofThisRun(
                inputs: [recipe.animals, recipe.trees], seconds: outcome.summary.seconds)
            try LabMarkdown(summary: outcome.summary, provenance: seedProvenance).write(to: seedOut)
            for pair in outcome.pairs {
                try SanitizeMarkdown(
                    result: pair.result,
                    provenance: Provenance.ofThisRun(inputs: pair.inputs.map(\.path), seconds: pair.seconds)
                )
                .write(to: pair.directory.path)
            }
        }
        let provenance = try Provenance.ofThisRun(
            inputs: [recipe.animals, recipe.trees], seconds: Date().timeIntervalSince(started))
        try SanitizeLabMarkdown(result: result, provenance: provenance).write(to: out)
        for t in result.transforms {
            print(
                "\(t.name): residual \(t.residual.map { String(format: "%.2f", $0) } ?? "undefined")"
                    + (t.ciLow.map { low in t.ciHigh.map { String(format: " [%.2f, %.2f]", low, $0) } ?? "" }
                        ?? " (interval undefined)"))
        }
        print("report: \(out)/sanitize-lab.md")
    }
}
