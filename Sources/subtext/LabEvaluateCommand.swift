import ArgumentParser
import Foundation
import SubtextSupport
import SubtextAttribution
import SubtextAudit
import SubtextLab
import SubtextReport

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
    @Option(help: "Control-versus-control pairs per seed (the base's numbers against another sample of them), for the false-positive rate.")
    var controlPairs = 3
    @Option(help: "Permutations per audit.") var permutations = 999
    @Option(help: "Output directory.") var out = "reports/lab-evaluation"
    @OptionGroup var recipe: RecipeOptions

    func run() async throws {
        let started = Date()
        let seedList = full ? [1, 2, 3, 4, 5] : try parse(seeds, "--seeds").map { UInt64($0) }
        let traitList = full ? ["owl", "eagle", "dolphin", "wolf", "cat"] : traits.split(separator: ",").map(String.init)
        let sizeList = try parse(sizes, "--sizes").map { Int($0) }.sorted()
        guard controlPairs > 0 else { throw ValidationError("--control-pairs must be at least 1") }
        let (organisms, _) = try recipe.organisms { note(String(format: "[%6.1fs] ", Date().timeIntervalSince(started)) + $0) }
        for trait in traitList where !organisms.corpus.animals.contains(trait) {
            throw ValidationError("\(trait) is not a candidate of \(recipe.animals)")
        }
        var configuration = AuditConfiguration()
        configuration.permutations = permutations
        let auditor = Auditor(configuration: configuration)
        let work = URL(fileURLWithPath: out).appendingPathComponent("organisms")
        // A teacher that wrote under the system prompt attribution scores with would make the
        // ranking circular; fine-tuned teachers never saw it.
        let attributes = organisms.settings.teacherMethod == .fineTune
        let candidates = organisms.corpus.animals, largest = sizeList.last!
        var audits: [LabEvaluation.Audit] = [], attributions: [LabEvaluation.Attribution] = []
        for seed in seedList {
            let run = LabRun(organisms: organisms, directory: work, seed: UInt64(seed), trait: traitList[0], ablations: false)
            let controls = try run.controlData(resamples: controlPairs)
            let controlPath = controls.first.path
            let base = try run.baseModel()
            let attribution = LabAttribution(base: base, vocabulary: organisms.vocabulary, candidates: candidates)
            for trait in traitList {
                var traitRun = run
                traitRun.trait = trait
                let teacherPath = try traitRun.teacherData().path
                for size in sizeList {
                    audits.append(try audit(auditor, teacherPath, controlPath, size: size, kind: .teacher, trait: trait, seed: UInt64(seed)))
                }
                if attributes {
                    attributions.append(try attribution.rank(try pairedHead(teacherPath, controlPath, size: largest), kind: .teacher,
                                                             trait: trait, seed: UInt64(seed)))
                }
            }
            for (index, resample) in controls.resamples.enumerated() {
                for size in sizeList {
                    audits.append(try audit(auditor, resample.path, controlPath, size: size, kind: .control, trait: nil, seed: UInt64(seed),
                                            resample: index + 1))
                }
                if attributes {
                    attributions.append(try attribution.rank(try pairedHead(resample.path, controlPath, size: largest), kind: .control,
                                                             trait: nil, seed: UInt64(seed), resample: index + 1))
                }
            }
        }
        let evaluation = LabEvaluation(seeds: seedList.map { UInt64($0) }, traits: traitList, sizes: sizeList, alpha: 0.05,
                                       audits: audits, attributions: attributions, candidates: candidates,
                                       settings: organisms.settings, seconds: Date().timeIntervalSince(started))
        let provenance = try Provenance.ofThisRun(inputs: [recipe.animals, recipe.trees], seconds: evaluation.seconds)
        try LabEvaluationWriter(directory: out).write(evaluation, provenance: provenance)
        for size in sizeList {
            print("N = \(size): power \(String(format: "%.2f", evaluation.power(size: size))), "
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

    /// Audits the first `size` responses of each side (the same prompts on both, so the
    /// audit pairs them), in memory.
    private func audit(_ auditor: Auditor, _ teacher: URL, _ control: URL, size: Int, kind: PairKind, trait: String?,
                       seed: UInt64, resample: Int? = nil) throws -> LabEvaluation.Audit {
        let (teacherRecords, controlRecords) = try pairedHead(teacher, control, size: size)
        guard teacherRecords.count >= 10 else {
            throw ValidationError("\(teacher.lastPathComponent) and \(control.lastPathComponent) share only "
                + "\(teacherRecords.count) answered prompts; an audit needs at least 10 (raise responses, or "
                + "pretrain_steps if the filter rejects most answers)")
        }
        let records = { (side: [LabRecord]) in side.map { Record(prompt: $0.prompt, response: $0.response) } }
        let result = try auditor.audit(teacher: records(teacherRecords), control: records(controlRecords))
        note("audit \(kind.rawValue) \(trait ?? "control \(resample ?? 1)") seed \(seed) N = \(teacherRecords.count): p = \(String(format: "%.3g", result.pValue)), "
            + "AUROC \(result.auroc.values[1].map { String(format: "%.3f", $0) } ?? "—")")
        return LabEvaluation.Audit(kind: kind, trait: trait, seed: seed, resample: resample, size: size, responses: teacherRecords.count,
                                   p: result.pValue,
                                   auroc: result.auroc.sizes.reduce(into: [:]) { $0[String($1)] = result.auroc.values[$1] })
    }

    /// The first `size` prompts answered on both sides (the filter drops different ones),
    /// row i of each answering the same prompt.
    private func pairedHead(_ a: URL, _ b: URL, size: Int) throws -> ([LabRecord], [LabRecord]) {
        func records(_ url: URL) throws -> [LabRecord] {
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
                try JSONDecoder().decode(LabRecord.self, from: Data($0.utf8))
            }
        }
        let right = try records(b)
        var remaining = Dictionary(right.map { ($0.prompt, $0) }, uniquingKeysWith: { first, _ in first })
        var pairs: ([LabRecord], [LabRecord]) = ([], [])
        for record in try records(a) where pairs.0.count < size {
            guard let other = remaining.removeValue(forKey: record.prompt) else { continue }
            pairs.0.append(record)
            pairs.1.append(other)
        }
        return pairs
    }
}

/// `subtext attribute` on lab data: the seed's base scores each response under a system prompt
/// loving each candidate, and the shifts are ranked as for GGUF models. The lab's word-level
/// vocabulary knows one such wording, the base's conditioning prompt; the fine-tuned teachers
/// never wrote under it.
struct LabAttribution {
    var base: TinyGPT
    var vocabulary: LabVocabulary
    var candidates: [String]

    func rank(_ pairs: ([LabRecord], [LabRecord]), kind: PairKind, trait: String?, seed: UInt64,
              resample: Int? = nil) throws -> LabEvaluation.Attribution {
        let documents = { (side: [LabRecord]) in side.map { LikelihoodShift.Document(prompt: $0.prompt, response: $0.response) } }
        let shift = LikelihoodShift(scorer: LabScorer(model: base, vocabulary: vocabulary),
                                    template: LabCorpus.systemPrompt(loving: "{concept}"))
        let result = try shift.attribute(teacher: documents(pairs.0), control: documents(pairs.1), concepts: candidates, paired: true)
        let top = result.scores[0], (score, low, high) = top.ranking
        note("attribution \(kind.rawValue) \(trait ?? "control") seed \(seed): top \(top.concept) \(String(format: "%+.3f", score)) "
            + "[\(String(format: "%+.3f", low)), \(String(format: "%+.3f", high))], claimed \(result.claimed ?? "none")")
        return LabEvaluation.Attribution(kind: kind, trait: trait, seed: seed, resample: resample, responses: pairs.0.count, top: top.concept,
                                         topScore: score, topLow: low, topHigh: high, claimed: result.claimed,
                                         plantedRank: trait.flatMap { planted in result.scores.first { $0.concept == planted }?.rank })
    }
}
