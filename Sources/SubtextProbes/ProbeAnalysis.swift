import SubtextCorpus
import SubtextModels
import SubtextStatistics

/// The statistics of a probe run, from its journal entries. Sample mode is here; score mode
/// is in ScoreAnalysis.swift.
///
/// Answers cluster by paraphrase: one wording can pull a model toward an answer for all of
/// its samples. So intervals resample whole paraphrases, and the test compares the two models
/// paraphrase by paraphrase. Pooled Newcombe intervals and Fisher tests are shown beside them,
/// labelled as ignoring the clustering.
package struct ProbeAnalysis: Sendable {
    package var bootstrap = 2000
    package var seed: UInt64 = 1
    /// Categories expected fewer times than this in either model are pooled for the omnibus test.
    package var sparseExpected = 5.0

    package init() {}

    package func analyse(plan: ProbePlan, journal: Journal, reference: String?, summary: RequestRunner.Summary)
        -> ProbeResult
    {
        if plan.battery.mode == .score {
            return analyseScores(plan: plan, journal: journal, reference: reference, summary: summary)
        }
        let categories = plan.battery.candidates.map(\.name) + [plan.battery.unparsed]
        let prompts = plan.prompts.map(\.id)
        // answers[model][prompt] = categories of the samples that have answers
        var answers: [String: [String: [String]]] = [:]
        var unparsed: [String: [String]] = [:]
        var missing = 0
        for request in plan.requests {
            guard let entry = journal.entry(for: request.key) else {
                missing += 1
                continue
            }
            answers[request.model, default: [:]][request.promptID, default: []].append(entry.answer)
            if entry.answer == plan.battery.unparsed, unparsed[request.model, default: []].count < 5 {
                unparsed[request.model, default: []].append(entry.response)
            }
        }
        let models = plan.endpoints.map(\.name)
        var table: [String: [String: ProbeResult.Rate]] = [:]
        for category in categories {
            for model in models {
                let all = answers[model, default: [:]].values.flatMap { $0 }
                let count = all.filter { $0 == category }.count
                let interval = Proportions.wilson(count, all.count)
                table[category, default: [:]][model] = ProbeResult.Rate(
                    count: count, n: all.count, rate: all.isEmpty ? 0 : Double(count) / Double(all.count),
                    ciLow: interval.low, ciHigh: interval.high)
            }
        }
        var shifts: [ProbeResult.Shift] = []
        var omnibus: [ProbeResult.Omnibus] = []
        var notes: [ProbeNote] = []
        if let reference {
            for model in models where model != reference {
                shifts += compare(model, reference, answers: answers, prompts: prompts, categories: categories)
                omnibus.append(omnibusTest(model, reference, table: table, categories: categories))
            }
        }
        if missing > 0 { notes.append(.unanswered(requests: missing)) }
        for model in models {
            let all = answers[model, default: [:]].values.reduce(0) { $0 + $1.count }
            let failed = table[plan.battery.unparsed]?[model]?.count ?? 0
            if all > 0, 2 * failed > all { notes.append(.mostlyUnparsed(model: model, unparsed: failed, answers: all)) }
        }
        return ProbeResult(
            battery: plan.battery.id, batteryVersion: plan.battery.version, mode: plan.battery.mode,
            reference: reference, models: models,
            modelInfo: plan.endpoints.map(ProbeResult.ModelInfo.init),
            prompts: prompts.count, samplesPerPrompt: plan.samplesPerPrompt, categoryOrder: categories,
            categories: table, shifts: shifts, omnibus: omnibus, unparsedExamples: unparsed,
            requests: [
                "planned": summary.planned, "from_journal": summary.fromJournal, "sent": summary.sent,
                "capped": summary.capped, "missing": missing
            ],
            seed: seed, notes: notes)
    }

    func paraphraseDraws(_ paired: [String], model: String) -> [[String]] {
        var generator = SeededGenerator.stream(seed, "paraphrase bootstrap \(model)")
        return (0..<bootstrap).map { _ in
            paired.indices.map { _ in paired[Int.random(in: 0..<paired.count, using: &generator)] }
        }
    }

    private func compare(
        _ model: String, _ reference: String, answers: [String: [String: [String]]], prompts: [String],
        categories: [String]
    ) -> [ProbeResult.Shift] {
        let mine = answers[model, default: [:]]
        let theirs = answers[reference, default: [:]]
        let paired = prompts.filter { !(mine[$0] ?? []).isEmpty && !(theirs[$0] ?? []).isEmpty }
        let draws = paraphraseDraws(paired, model: model)
        // Only categories either model gave are tested: the rest have nothing to compare and would
        // only dilute the Benjamini–Hochberg correction.
        let observed = categories.filter { category in
            paired.contains { (mine[$0] ?? []).contains(category) || (theirs[$0] ?? []).contains(category) }
        }
        var shifts = observed.map { category -> ProbeResult.Shift in
            func pooled(_ side: [String: [String]], _ ids: [String]) -> (count: Int, n: Int) {
                ids.reduce((0, 0)) { total, id in
                    let samples = side[id] ?? []
                    return (total.0 + samples.filter { $0 == category }.count, total.1 + samples.count)
                }
            }
            let a = pooled(mine, paired)
            let b = pooled(theirs, paired)
            let delta = Double(a.count) / Double(max(a.n, 1)) - Double(b.count) / Double(max(b.n, 1))
            let replicates =
                paired.isEmpty
                ? [0]
                : draws.map { ids -> Double in
                    let x = pooled(mine, ids)
                    let y = pooled(theirs, ids)
                    return Double(x.count) / Double(max(x.n, 1)) - Double(y.count) / Double(max(y.n, 1))
                }
            let interval = Resampling.percentileInterval(replicates)
            let differences = paired.map { id -> Double in
                let x = mine[id]!
                let y = theirs[id]!
                return Double(x.filter { $0 == category }.count) / Double(x.count)
                    - Double(y.filter { $0 == category }.count) / Double(y.count)
            }
            let newcombe = Proportions.newcombe(a.count, max(a.n, 1), b.count, max(b.n, 1))
            return ProbeResult.Shift(
                model: model, category: category, unit: .share, delta: delta, ciLow: interval.low,
                ciHigh: interval.high,
                p: PairedTests.wilcoxonSignedRank(differences), q: 1, higher: differences.filter { $0 > 0 }.count,
                paired: differences.count, newcombeLow: newcombe.interval.low,
                newcombeHigh: newcombe.interval.high,
                fisherP: TwoByTwoTable(a.count, a.n - a.count, b.count, b.n - b.count).fisherTwoSided,
                answeredIn: paired.filter {
                    (mine[$0] ?? []).contains(category) || (theirs[$0] ?? []).contains(category)
                }.count)
        }
        for (index, q) in MultipleTesting.benjaminiHochberg(shifts.map(\.p)).enumerated() { shifts[index].q = q }
        return shifts
    }

    private func omnibusTest(
        _ model: String, _ reference: String, table: [String: [String: ProbeResult.Rate]], categories: [String]
    ) -> ProbeResult.Omnibus {
        let a = categories.map { table[$0]![model]!.count ?? 0 }
        let b = categories.map { table[$0]![reference]!.count ?? 0 }
        let na = Double(a.reduce(0, +))
        let nb = Double(b.reduce(0, +))
        let total = na + nb
        var keptA: [Int] = []
        var keptB: [Int] = []
        var pooled: [String] = []
        var pooledA = 0
        var pooledB = 0
        for (index, category) in categories.enumerated() {
            let column = Double(a[index] + b[index])
            if column * min(na, nb) / max(total, 1) < sparseExpected {
                pooled.append(category)
                pooledA += a[index]
                pooledB += b[index]
            } else {
                keptA.append(a[index])
                keptB.append(b[index])
            }
        }
        if pooledA + pooledB > 0 {
            keptA.append(pooledA)
            keptB.append(pooledB)
        }
        guard keptA.count > 1, na > 0, nb > 0 else {
            return ProbeResult.Omnibus(model: model, g2: 0, p: 1, degreesOfFreedom: 0, pooled: pooled)
        }
        let test = ContingencyTests.gSquared(keptA, keptB)
        return ProbeResult.Omnibus(
            model: model, g2: test.statistic, p: test.p, degreesOfFreedom: test.degreesOfFreedom,
            pooled: pooled)
    }
}
