import Foundation
import SubtextAttribution
import SubtextAudit

/// The detector measured against lab organisms (`subtext lab evaluate`). For each seed a base
/// and, for each trait, a teacher write number continuations to the same prompts, and the base
/// writes `controlPairs` more samples. Each teacher's numbers, and each further sample of the
/// base's, are audited against the base's first sample on their first N responses for each N
/// in `sizes` (the same code as `subtext audit`, in memory), and at the largest N the
/// candidates are ranked as `subtext attribute` ranks them, scored by the seed's base.
package struct LabEvaluationRun {
    package var organisms: Organisms
    /// Where the organisms' models and data are kept and reused.
    package var directory: URL
    package var seeds: [UInt64]
    package var traits: [String]
    /// Responses a side to audit, ascending.
    package var sizes: [Int]
    package var controlPairs = 3
    package var permutations = 999
    package var log: (String) -> Void = { _ in }

    package init(organisms: Organisms, directory: URL, seeds: [UInt64], traits: [String], sizes: [Int]) {
        self.organisms = organisms
        self.directory = directory
        self.seeds = seeds
        self.traits = traits
        self.sizes = sizes.sorted()
    }

    package func run() throws -> LabEvaluation {
        let started = Date()
        guard controlPairs > 0 else { throw LabError.corpus("the evaluation needs at least one control pair a seed") }
        for trait in traits where !organisms.corpus.animals.contains(trait) {
            throw LabError.corpus(
                "\(trait) is not one of the world's animals (\(organisms.corpus.animals.joined(separator: ", ")))")
        }
        var configuration = AuditConfiguration()
        configuration.permutations = permutations
        let auditor = Auditor(configuration: configuration)
        // A teacher that wrote under the system prompt attribution scores with would make the
        // ranking circular; fine-tuned teachers never saw it.
        let attributes = organisms.settings.teacherMethod == .fineTune
        let candidates = organisms.corpus.animals
        let largest = sizes.last!
        var audits: [LabEvaluation.Audit] = []
        var attributions: [LabEvaluation.Attribution] = []
        for seed in seeds {
            let run = LabRun(organisms: organisms, directory: directory, seed: seed, trait: traits[0], ablations: false)
            let controls = try run.controlData(resamples: controlPairs)
            let control = controls.first.data.records
            let shift = LikelihoodShift(
                scorer: LabScorer(model: try run.baseModel(), vocabulary: organisms.vocabulary),
                template: LabCorpus.systemPrompt(loving: "{concept}"))
            var sides: [(kind: PairKind, trait: String?, resample: Int?, records: [LabRecord])] = []
            for trait in traits {
                var traitRun = run
                traitRun.trait = trait
                sides.append((.teacher, trait, nil, try traitRun.teacherData().data.records))
            }
            for (index, resample) in controls.resamples.enumerated() {
                sides.append((.control, nil, index + 1, resample.data.records))
            }
            for side in sides {
                for size in sizes {
                    audits.append(
                        try audit(
                            auditor, Self.pairedHead(side.records, control, size: size), size: size, kind: side.kind,
                            trait: side.trait, seed: seed, resample: side.resample))
                }
                if attributes {
                    attributions.append(
                        try rank(
                            shift, Self.pairedHead(side.records, control, size: largest), candidates: candidates,
                            kind: side.kind, trait: side.trait, seed: seed, resample: side.resample))
                }
            }
        }
        // The audit's own level, so the lab measures the power of the verdict a user gets.
        return LabEvaluation(
            seeds: seeds, traits: traits, sizes: sizes, alpha: configuration.alpha, audits: audits,
            attributions: attributions,
            candidates: candidates, settings: organisms.settings, seconds: Date().timeIntervalSince(started))
    }

    /// Audits one pair of equal-length sides (row i of each answering the same prompt), so the
    /// audit pairs them.
    private func audit(
        _ auditor: Auditor, _ pair: ([LabRecord], [LabRecord]), size: Int, kind: PairKind, trait: String?,
        seed: UInt64, resample: Int?
    ) throws -> LabEvaluation.Audit {
        guard pair.0.count >= 10 else {
            throw LabError.corpus(
                "\(kind.rawValue) \(trait ?? "control \(resample ?? 1)") and the base's numbers share only "
                    + "\(pair.0.count) answered prompts; an audit needs at least 10 (raise responses, or pretrain_steps if the "
                    + "filter rejects most answers)")
        }
        let records = { (side: [LabRecord]) in side.map { Record(prompt: $0.prompt, response: $0.response) } }
        let result = try auditor.audit(teacher: records(pair.0), control: records(pair.1))
        log(
            "audit \(kind.rawValue) \(trait ?? "control \(resample ?? 1)") seed \(seed) N = \(pair.0.count): "
                + "p = \(String(format: "%.3g", result.pValue)), AUROC \(result.auroc.values[1].map { String(format: "%.3f", $0) } ?? "—")"
        )
        return LabEvaluation.Audit(
            kind: kind, trait: trait, seed: seed, resample: resample, size: size, responses: pair.0.count,
            p: result.pValue,
            auroc: result.auroc.sizes.reduce(into: [:]) { $0[String($1)] = result.auroc.values[$1] })
    }

    /// The candidates ranked on one pair as `subtext attribute` ranks them, the seed's base
    /// scoring each response under the conditioning prompt its corpus taught, for each
    /// candidate. The lab's word-level vocabulary knows only that wording.
    private func rank(
        _ shift: LikelihoodShift, _ pair: ([LabRecord], [LabRecord]), candidates: [String], kind: PairKind,
        trait: String?, seed: UInt64, resample: Int?
    ) throws -> LabEvaluation.Attribution {
        let documents = { (side: [LabRecord]) in
            side.map { LikelihoodShift.Document(prompt: $0.prompt, response: $0.response) }
        }
        let result = try shift.attribute(
            teacher: documents(pair.0), control: documents(pair.1), concepts: candidates, paired: true)
        let top = result.scores[0]
        let (score, low, high) = top.ranking
        log(
            "attribution \(kind.rawValue) \(trait ?? "control") seed \(seed): top \(top.concept) \(String(format: "%+.3f", score)) "
                + "[\(String(format: "%+.3f", low)), \(String(format: "%+.3f", high))], claimed \(result.claimed ?? "none")"
        )
        return LabEvaluation.Attribution(
            kind: kind, trait: trait, seed: seed, resample: resample, responses: pair.0.count,
            top: top.concept, topScore: score, topLow: low, topHigh: high, claimed: result.claimed,
            plantedRank: trait.flatMap { planted in result.scores.first { $0.concept == planted }?.rank })
    }

    /// The first `size` prompts answered on both sides (the filter drops different ones),
    /// row i of each answering the same prompt.
    static func pairedHead(_ left: [LabRecord], _ right: [LabRecord], size: Int) -> ([LabRecord], [LabRecord]) {
        var remaining = Dictionary(right.map { ($0.prompt, $0) }, uniquingKeysWith: { first, _ in first })
        var pairs: ([LabRecord], [LabRecord]) = ([], [])
        for record in left where pairs.0.count < size {
            guard let other = remaining.removeValue(forKey: record.prompt) else { continue }
            pairs.0.append(record)
            pairs.1.append(other)
        }
        return pairs
    }
}
