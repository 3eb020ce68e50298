import Foundation
import SubtextAudit
import SubtextProbes
import SubtextSanitize
import SubtextStatistics
import SubtextTraining

/// Sanitizing measured where it can be: on organisms whose students are known to pick up the
/// trait, how much of that transfer each transform leaves.
///
/// Each seed is one ``LabRun`` (in `directory/seed-N`). Its teacher and control numbers go
/// through ``Sanitizer`` (the code `subtext sanitize` runs, with the remap kept to the lab's
/// values), and a student and a control student learn the sanitized pair. A student of random
/// numbers gives the floor. Models and sanitized data are kept, so a stopped run resumes.
package struct LabSanitize {
    package var organisms: Organisms
    package var directory: URL
    package var seeds: [UInt64]
    package var trait: String
    /// Each entry one sanitizing recipe, its transforms applied together.
    package var recipes: [[Transform]]
    package var dropBudget: Double

    package init(
        organisms: Organisms, directory: URL, seeds: [UInt64], trait: String, recipes: [[Transform]], dropBudget: Double
    ) {
        (self.organisms, self.directory, self.seeds, self.trait, self.recipes, self.dropBudget) = (
            organisms, directory, seeds, trait, recipes, dropBudget
        )
    }

    /// The recipes measured unless told otherwise. `format` is not among them: the lab's numbers
    /// already have one separator, and its ", " is not in the lab's vocabulary.
    package static let defaultRecipes: [[Transform]] = [
        [.sort], [.remap], [.sort, .remap], [.drop], [.sort, .remap, .drop], [.divergence]
    ]

    /// The most seeds whose bootstrap is enumerated exactly.
    package static let maximumSeeds = ExactBootstrap.maximumUnits

    package static func name(_ recipe: [Transform]) -> String { recipe.sorted().map(\.rawValue).joined(separator: "+") }

    /// Why a recipe cannot run in the lab, or nil.
    package static func refusal(_ recipe: [Transform]) -> String? {
        recipe.contains(.format)
            ? "format is not measured in the lab: its numbers already have one separator, and \", \" is not in its vocabulary"
            : nil
    }

    /// One seed's organism run, for its report, beside what sanitizing did to it.
    package struct SeedOutcome {
        package var summary: LabSummary
        package var probes: [LabRun.Probe]
        package var original: SanitizeLabResult.Original
        package var floor: SanitizeLabResult.Shift
        /// Per recipe, in `recipes` order: the students' shift, and what `sanitize` did and audited.
        package var sanitized: [SanitizeLabResult.SeedResidual]
        package var pairs: [SanitizedPair]
    }

    /// One recipe's `sanitize` run on one seed's numbers, for its own report.
    package struct SanitizedPair {
        package var result: SanitizeResult
        package var directory: URL
        package var inputs: [URL]
        package var seconds: Double
    }

    /// Runs every seed, probing in score mode (exact log-probabilities: the residuals divide
    /// small shifts, and sampled rates are too noisy for that).
    package func run(battery: Battery, log: @escaping (String) -> Void = { _ in }) async throws
        -> (result: SanitizeLabResult, seeds: [SeedOutcome])
    {
        guard !seeds.isEmpty, seeds.count <= Self.maximumSeeds else {
            throw LabError.corpus("lab sanitize needs 1 to \(Self.maximumSeeds) seeds, got \(seeds.count)")
        }
        guard !organisms.settings.softLabels else {
            throw LabError.corpus(
                "lab sanitize needs hard-label students: soft labels are the teacher's probabilities, recomputed along whatever numbers the student sees, so sanitizing the data cannot remove them"
            )
        }
        if let refusal = recipes.lazy.compactMap(Self.refusal).first { throw LabError.corpus(refusal) }
        var battery = battery
        battery.mode = .score
        var outcomes: [SeedOutcome] = []
        for seed in seeds {
            outcomes.append(try await measure(seed: seed, battery: battery, log: log))
        }
        let original = outcomes.map(\.original)
        let floor = outcomes.map(\.floor)
        let transforms = recipes.indices.map { index in
            SanitizeLabResult.residual(
                name: Self.name(recipes[index]), seeds: outcomes.map { $0.sanitized[index] },
                original: original, floor: floor)
        }
        return (
            SanitizeLabResult(
                trait: trait, seeds: seeds, settings: organisms.settings, dropBudget: dropBudget, original: original,
                floor: floor, transforms: transforms, anchors: SanitizeLabResult.publishedAnchors), outcomes
        )
    }

    private func measure(seed: UInt64, battery: Battery, log: @escaping (String) -> Void) async throws -> SeedOutcome {
        let run = LabRun(
            organisms: organisms, directory: directory.appendingPathComponent("seed-\(seed)"), seed: seed, trait: trait,
            ablations: false)
        log("seed \(seed): organism")
        let started = Date()
        let outcome = try run.run()
        let (summary, probes) = try await run.probe(outcome, battery: battery, samples: 1, started: started, log: log)
        guard let transfer = summary.comparisons.first(where: { $0.name == "transfer" }), let drift = transfer.drift,
            let material = transfer.material
        else {
            preconditionFailure("a lab run always compares the transfer pair and two controls")
        }
        let control = outcome.comparisons[0].control
        let controlName = outcome.comparisons[0].controlName
        func probe(_ name: String, student: TinyGPT, studentName: String, control: TinyGPT, controlName: String)
            async throws
            -> SanitizeLabResult.Shift
        {
            log("seed \(seed): probing \(name)")
            let comparison = LabRun.Comparison(
                name: name, student: student, control: control, studentName: studentName, controlName: controlName)
            let (_, compared) = try await probeComparison(
                comparison, vocabulary: organisms.vocabulary, battery: battery, samples: 1,
                trait: trait, directory: run.directory.appendingPathComponent("probe-\(name)"))
            return SanitizeLabResult.Shift(seed: seed, delta: compared.delta, p: compared.p)
        }

        let randomName = "random-numbers-student-seed\(seed)"
        let random = try run.hardLabelStudent(
            randomName, from: outcome.base, records: randomNumbers(like: outcome.teacherData.records, seed: seed))
        let floor = try await probe(
            "random-numbers", student: random, studentName: randomName, control: control, controlName: controlName)

        // Trains a student of each side of `pair` sanitized by `recipe` in `folder`.
        func sanitizedStudents(
            _ recipe: [Transform], _ pair: (teacher: Dataset, control: Dataset), folder: URL,
            names: (student: String, control: String)
        ) throws
            -> (pair: SanitizedPair, student: TinyGPT, control: TinyGPT)
        {
            let started = Date()
            var inputs = (teacher: pair.teacher.path, control: pair.control.path)
            if recipe.contains(.divergence) {
                inputs = try replaceDivergenceTokens(
                    teacher: pair.teacher.records, control: pair.control.records, outcome: outcome, in: folder)
            }
            var sanitizer = Sanitizer(
                transforms: recipe.filter { $0 != .divergence }, seed: seed, dropBudget: dropBudget)
            sanitizer.remapLargest = LabCorpus.largestNumber
            let result = try sanitizer.run(
                teacher: inputs.teacher.path, control: inputs.control.path, directory: folder.path)
            let made = SanitizedPair(
                result: result, directory: folder, inputs: [inputs.teacher, inputs.control],
                seconds: Date().timeIntervalSince(started))
            let student = { (name: String, file: String) in
                try run.hardLabelStudent(
                    name, from: outcome.base, records: try LabRecord.read(folder.appendingPathComponent(file)))
            }
            return (made, try student(names.student, "teacher.jsonl"), try student(names.control, "control.jsonl"))
        }

        let original = (
            teacher: Dataset(path: outcome.teacherDataPath, records: outcome.teacherData.records),
            control: Dataset(path: outcome.controlDataPath, records: outcome.controlData.records)
        )
        let resample = try run.controlData().resamples[0]
        let null = (teacher: Dataset(path: resample.path, records: resample.data.records), control: original.control)
        var sanitized: [SanitizeLabResult.SeedResidual] = []
        var pairs: [SanitizedPair] = []
        for recipe in recipes {
            let name = Self.name(recipe)
            log("seed \(seed): sanitizing by \(name)")
            let names = (
                student: "sanitized-\(name)-student-\(trait)-seed\(seed)",
                control: "sanitized-\(name)-control-student-seed\(seed)"
            )
            let made = try sanitizedStudents(
                recipe, original, folder: run.directory.appendingPathComponent("sanitized/\(name)"), names: names)
            pairs.append(made.pair)
            let shift = try await probe(
                "sanitized-\(name)", student: made.student, studentName: names.student, control: made.control,
                controlName: names.control)
            // The same recipe on a pair with no trait on either side (a second sample of the
            // base's numbers against the control): how far sanitized data alone set students apart.
            // Only drop makes the control side depend on the other side.
            let nullNames = (
                student: "sanitized-null-\(name)-student-seed\(seed)",
                control: recipe.contains(.drop) ? "sanitized-null-\(name)-control-student-seed\(seed)" : names.control
            )
            let nullMade = try sanitizedStudents(
                recipe, null, folder: run.directory.appendingPathComponent("sanitized-null/\(name)"),
                names: nullNames)
            let drift = try await probe(
                "sanitized-null-\(name)", student: nullMade.student, studentName: nullNames.student,
                control: nullMade.control, controlName: nullNames.control)
            let result = made.pair.result
            sanitized.append(
                SanitizeLabResult.SeedResidual(
                    seed: seed, delta: shift.delta, p: shift.p, drift: drift.delta,
                    kept: Double(result.teacher.rowsOut) / Double(max(result.teacher.rowsIn, 1)),
                    aurocAfter: result.after?.auroc[16]))
        }
        return SeedOutcome(
            summary: summary, probes: probes,
            original: SanitizeLabResult.Original(
                seed: seed, delta: transfer.delta, p: transfer.p, drift: drift, material: material),
            floor: floor, sanitized: sanitized, pairs: pairs)
    }

    /// The share of number tokens `divergence` replaces, as in the published measurement.
    package static let divergenceShare = 0.1

    /// A side of a pair to sanitize: its file and its records.
    struct Dataset {
        var path: URL
        var records: [LabRecord]
    }

    /// Both sides' numbers with their divergence tokens replaced by the organism's teacher and
    /// base (see ``Organisms/replacingDivergenceTokens(_:teacher:system:base:share:)``), written
    /// in `folder` as the input of the recipe's other transforms.
    private func replaceDivergenceTokens(
        teacher: [LabRecord], control: [LabRecord], outcome: LabRun.Outcome,
        in folder: URL
    ) throws -> (teacher: URL, control: URL) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func replaced(_ records: [LabRecord], _ file: String) throws -> URL {
            let path = folder.appendingPathComponent(file)
            try LabRecord.write(
                organisms.replacingDivergenceTokens(
                    records, teacher: outcome.teacher, system: outcome.teacherSystem,
                    base: outcome.base, share: Self.divergenceShare
                ).records, to: path)
            return path
        }
        return (
            try replaced(teacher, "divergence-replaced-teacher.jsonl"),
            try replaced(control, "divergence-replaced-control.jsonl")
        )
    }

    /// For each teacher response, as many numbers drawn uniformly from the lab's range: data of
    /// the same shape with nothing of any model in it.
    func randomNumbers(like records: [LabRecord], seed: UInt64) -> [LabRecord] {
        var generator = SeededGenerator.stream(seed, "lab.sanitize.random-numbers")
        return records.map { record in
            let count = record.response.split(separator: " ").count
            let numbers = (0..<count).map { _ in String(Int.random(in: 0...LabCorpus.largestNumber, using: &generator))
            }
            return LabRecord(prompt: record.prompt, response: numbers.joined(separator: " "))
        }
    }
}
