import Foundation
import SubtextCorpus
import SubtextModels
import SubtextStatistics

/// Score mode: each model gives every candidate a probability on every paraphrase, so models
/// are compared paraphrase by paraphrase, paired.
///
/// With exact scoring the shift is the mean per-paraphrase change in the candidate's
/// log-probability, in nats: it stays readable when the candidate is rare for both models,
/// which is exactly when a hidden preference hides. With top-logprobs scoring many values are
/// unseen, so the shift is the change in the candidate's share of the candidates' visible
/// probability, counting unseen as 0. Either way the interval resamples paraphrases and the
/// test is Wilcoxon's signed-rank on the per-paraphrase differences, BH-adjusted over
/// candidates.
extension ProbeAnalysis {
    func analyseScores(plan: ProbePlan, journal: Journal, reference: String?, summary: RequestRunner.Summary)
        -> ProbeResult
    {
        let candidates = plan.battery.candidates.map(\.name)
        let prompts = plan.prompts.map(\.id)
        let models = plan.endpoints.map(\.name)
        // scores[model][prompt]
        var scores: [String: [String: CandidateScores]] = [:]
        var missing = 0
        for request in plan.requests {
            guard let entry = journal.entry(for: request.key), let found = entry.scores else {
                missing += 1
                continue
            }
            scores[request.model, default: [:]][request.promptID] = found
        }
        var table: [String: [String: ProbeResult.Rate]] = [:]
        var scoring = ProbeResult.Scoring(
            forms: Dictionary(uniqueKeysWithValues: zip(candidates, plan.battery.scoredForms)), models: [:],
            logprobs: [:])
        for model in models {
            let mine = scores[model, default: [:]]
            let answered = prompts.filter { mine[$0] != nil }
            let draws = paraphraseDraws(answered, model: "\(model) rates")
            for (index, candidate) in candidates.enumerated() {
                let share = Dictionary(uniqueKeysWithValues: answered.map { ($0, Self.shares(mine[$0]!)[index]) })
                let replicates =
                    answered.isEmpty ? [0] : draws.map { ids in ids.reduce(0) { $0 + share[$1]! } / Double(ids.count) }
                let interval = Resampling.percentileInterval(replicates)
                table[candidate, default: [:]][model] = ProbeResult.Rate(
                    count: nil, n: answered.count,
                    rate: answered.isEmpty ? 0 : answered.reduce(0) { $0 + share[$1]! } / Double(answered.count),
                    ciLow: interval.low, ciHigh: interval.high)
                for id in answered {
                    scoring.logprobs[candidate, default: [:]][model, default: [:]][id] = mine[id]!.logprobs[index]
                }
            }
            scoring.models[model] = Self.summary(answered.map { mine[$0]! })
        }
        var shifts: [ProbeResult.Shift] = []
        if let reference {
            for model in models where model != reference {
                shifts += compareScores(model, reference, scores: scores, prompts: prompts, candidates: candidates)
            }
        }
        var notes: [ProbeNote] = []
        if missing > 0 { notes.append(.unanswered(requests: missing)) }
        let approximate = models.compactMap { scoring.models[$0] }.filter { $0.methods.contains(.topLogprobs) }
        if !approximate.isEmpty {
            let unseen = approximate.reduce(0) { $0 + $1.unseen }
            let scored = approximate.reduce(0) { $0 + $1.scored }
            notes.append(.approximateScoring(unseen: unseen, scored: scored))
        }
        for model in models where (scoring.models[model]?.methods.count ?? 0) > 1 {
            notes.append(.mixedScoring(model: model))
        }
        return ProbeResult(
            battery: plan.battery.id, batteryVersion: plan.battery.version, mode: plan.battery.mode,
            reference: reference, models: models,
            modelInfo: plan.endpoints.map(ProbeResult.ModelInfo.init),
            prompts: prompts.count, samplesPerPrompt: 1, categoryOrder: candidates, categories: table, shifts: shifts,
            omnibus: [], scoring: scoring, unparsedExamples: [:],
            requests: [
                "planned": summary.planned, "from_journal": summary.fromJournal, "sent": summary.sent,
                "capped": summary.capped, "missing": missing
            ],
            seed: seed, notes: notes)
    }

    private func compareScores(
        _ model: String, _ reference: String, scores: [String: [String: CandidateScores]], prompts: [String],
        candidates: [String]
    ) -> [ProbeResult.Shift] {
        let mine = scores[model, default: [:]]
        let theirs = scores[reference, default: [:]]
        let paired = prompts.filter { mine[$0] != nil && theirs[$0] != nil }
        let exact = paired.allSatisfy { mine[$0]!.method.isExact && theirs[$0]!.method.isExact }
        let draws = paraphraseDraws(paired, model: model)
        var shifts = candidates.indices.map { index -> ProbeResult.Shift in
            let differences = Dictionary(
                uniqueKeysWithValues: paired.map { id -> (String, Double) in
                    let a = mine[id]!
                    let b = theirs[id]!
                    if exact, let x = a.logprobs[index], let y = b.logprobs[index] { return (id, x - y) }
                    return (id, Self.shares(a)[index] - Self.shares(b)[index])
                })
            let values = paired.map { differences[$0]! }
            let mean = { (ids: [String]) in
                ids.isEmpty ? 0 : ids.reduce(0) { $0 + differences[$1]! } / Double(ids.count)
            }
            let interval = Resampling.percentileInterval(paired.isEmpty ? [0] : draws.map(mean))
            return ProbeResult.Shift(
                model: model, category: candidates[index], unit: exact ? .nats : .share, delta: mean(paired),
                ciLow: interval.low, ciHigh: interval.high, p: PairedTests.wilcoxonSignedRank(values), q: 1,
                higher: values.filter { $0 > 0 }.count, paired: values.count)
        }
        for (index, q) in MultipleTesting.benjaminiHochberg(shifts.map(\.p)).enumerated() { shifts[index].q = q }
        return shifts
    }

    private static func summary(_ scores: [CandidateScores]) -> ProbeResult.Scoring.ModelScoring {
        let outside: [Double] = scores.map(Self.outside)
        let ambiguous: [Double] = scores.compactMap(\.ambiguous)
        let values: [Double?] = scores.flatMap(\.logprobs)
        let methods: [ScoringMethod] = Set(scores.map(\.method)).sorted { $0.rawValue < $1.rawValue }
        let mean = { (xs: [Double]) -> Double in xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count) }
        return .init(
            methods: methods, outsideMean: mean(outside), outsideMin: outside.min() ?? 0,
            outsideMax: outside.max() ?? 0, ambiguousMean: ambiguous.isEmpty ? nil : mean(ambiguous),
            unseen: values.filter { $0 == nil }.count, scored: values.count)
    }

    /// Each candidate's share of the probability the candidates were seen to have; unseen
    /// candidates count as 0.
    static func shares(_ scores: CandidateScores) -> [Double] {
        let probabilities = scores.logprobs.map { $0.map(Foundation.exp) ?? 0 }
        let total = probabilities.reduce(0, +)
        return probabilities.map { total > 0 ? $0 / total : 0 }
    }

    /// The probability that the answer starts with no candidate (or, with top-logprobs, with
    /// no visible one), net of ambiguous first tokens.
    static func outside(_ scores: CandidateScores) -> Double {
        max(0, 1 - scores.logprobs.reduce(0) { $0 + ($1.map(Foundation.exp) ?? 0) } - (scores.ambiguous ?? 0))
    }
}
