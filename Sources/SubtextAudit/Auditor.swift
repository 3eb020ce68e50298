import Foundation
import SubtextCorpus
import SubtextStatistics
import SubtextSupport

/// Compares teacher data with control data and decides whether the teacher data carries a
/// signal the control lacks.
///
/// An audit is three passes over the inputs (``AuditPasses``), each split into shards that run
/// side by side and merge; memory holds sums and sketches, never the responses, except for
/// the exact permutation test on small inputs. A distributed audit runs the same passes as
/// separate processes (``AuditPartial``) and ends in the same ``result(_:)``.
public struct Auditor: Sendable {
    public var configuration: AuditConfiguration

    public init(configuration: AuditConfiguration = AuditConfiguration()) {
        self.configuration = configuration
    }

    /// Audits teacher records against control records held in memory: the same statistics as
    /// the files' audit, for programs that already hold their data.
    public func audit(teacher: [Record], control: [Record], name: String = "teacher") throws -> AuditResult {
        guard !teacher.isEmpty else { throw AuditError.emptySide("teacher") }
        guard !control.isEmpty else { throw AuditError.emptySide("control") }
        let inputs = AuditInputs(
            teacher: [.records(name: name, teacher)], control: [.records(name: "control", control)])
        return try audit(inputs, readOptions: ReadOptions(), threads: 1)
    }

    /// Audits each teacher file against the control and, with several files, all of them
    /// pooled; the pooled result comes first and holds the others in `perFile`.
    public func audit(
        teacherFiles: [String], controlFiles: [String], readOptions: ReadOptions,
        progress: @escaping (String) -> Void = { _ in }
    ) throws -> AuditResult {
        let inputs = AuditInputs(
            teacher: teacherFiles.map(ResponseInput.file), control: controlFiles.map(ResponseInput.file))
        return try audit(inputs, readOptions: readOptions, log: progress)
    }

    /// Runs the three passes in this process, each split into `threads` shards read side by
    /// side. `responses` hears, per pass, how many responses have been read of how many.
    public func audit(
        _ inputs: AuditInputs, readOptions: ReadOptions, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        log: @escaping (String) -> Void = { _ in },
        responses: @escaping @Sendable (_ pass: String, _ done: Int, _ total: Int) -> Void = { _, _, _ in }
    ) throws -> AuditResult {
        let threads = max(1, min(threads, 16))
        let passes = AuditPasses(inputs: inputs, configuration: configuration, readOptions: readOptions)
        // Strict reading counts in one shard, so that an error names the file's own line.
        let countShards = readOptions.strict ? 1 : threads
        log("pass 1 of 3: counting \(inputs.all.count) input(s)")
        let shardCounts = try concurrentMap(Array(0..<countShards)) {
            try passes.count(shard: Shard(index: $0, count: countShards))
        }
        let counts = try Self.merge(shardCounts, inputs: inputs)
        let total = counts.reduce(0) { $0 + $1.responses }
        for (input, count) in zip(inputs.all, counts) {
            log("read \(input.name): \(count.responses) records, \(count.malformed.count) malformed")
        }
        let plans = passes.plans(counts: counts, sharded: false)
        // Later passes need the same shards as the counts, to move line numbers.
        let lineOffsets = Self.lineOffsets(shardCounts)
        let shards = shardCounts.count

        log("pass 2 of 3: fitting centroids on \(plans.count) comparison(s), \(configuration.folds) folds")
        let fitting = ShardProgress(pass: "fitting", shards: shards, total: total, report: responses)
        let sums = try Self.mergeAll(
            concurrentMap(Array(0..<shards)) { index in
                try fitting.tracking(passes, shard: index).fit(shard: Shard(index: index, count: shards), plans: plans)
            })
        let scorers = zip(plans, sums).map { CentroidScorer(plan: $0, sums: $1) }

        log("pass 3 of 3: scoring held-out responses")
        let scoring = ShardProgress(pass: "scoring", shards: shards, total: total, report: responses)
        let scored = try concurrentMap(Array(0..<shards)) { index in
            try scoring.tracking(passes, shard: index).score(
                shard: Shard(index: index, count: shards), plans: plans,
                scorers: scorers, lineOffsets: lineOffsets[index])
        }
        let sketches = Self.mergeAll(scored.map(\.sketches))
        let rows = plans.indices.map { c in ExactRows(rows: scored.flatMap { $0.rows[c].rows }) }
        return result(
            Evidence(
                inputs: inputs, counts: counts, plans: plans, sums: sums, sketches: sketches,
                rows: rows, log: log))
    }

    /// Every merged statistic of an audit: what ``result(_:)`` turns into a verdict.
    public struct Evidence {
        public var inputs: AuditInputs
        public var counts: [InputCounts]
        public var plans: [ComparisonPlan]
        public var sums: [FoldSums]
        public var sketches: [ScoreSketches]
        /// Rows for comparisons whose plan runs the exact test; empty otherwise.
        var rows: [ExactRows]
        var log: (String) -> Void = { _ in }

        public init(
            inputs: AuditInputs, counts: [InputCounts], plans: [ComparisonPlan], sums: [FoldSums],
            sketches: [ScoreSketches]
        ) {
            self.init(
                inputs: inputs, counts: counts, plans: plans, sums: sums, sketches: sketches,
                rows: plans.map { _ in ExactRows() })
        }

        init(
            inputs: AuditInputs, counts: [InputCounts], plans: [ComparisonPlan], sums: [FoldSums],
            sketches: [ScoreSketches], rows: [ExactRows], log: @escaping (String) -> Void = { _ in }
        ) {
            (self.inputs, self.counts, self.plans, self.sums, self.sketches, self.rows, self.log) = (
                inputs, counts, plans, sums, sketches, rows, log
            )
        }
    }

    /// The audit's result: the first comparison's, holding the others in `perFile`.
    public func result(_ evidence: Evidence) -> AuditResult {
        var results = evidence.plans.indices.map { comparisonResult(evidence, $0) }
        let first = results.removeFirst()
        guard !results.isEmpty else { return first }
        var pooled = first
        pooled.perFile = results
        return pooled
    }

    // MARK: - Merging

    /// Each input's counts over all shards, line numbers resolved; an input with no records is
    /// an error, as when it is read whole.
    static func merge(_ shards: [[InputCounts]], inputs: AuditInputs) throws -> [InputCounts] {
        try resolved(mergeAll(shards), inputs: inputs)
    }

    static func resolved(_ merged: [InputCounts], inputs: AuditInputs) throws -> [InputCounts] {
        for (input, counts) in zip(inputs.all, merged) where counts.responses == 0 {
            throw CorpusError.noRecords(path: input.name, malformed: counts.malformed.count)
        }
        return merged.map { $0.resolvingLines() }
    }

    static func mergeAll<Partial: ShardMergeable>(_ shards: [[Partial]]) -> [Partial] {
        shards.dropFirst().reduce(shards[0]) { $0.merged(with: $1) }
    }

    /// Per shard and input, the lines of the same input in the byte-range shards before it.
    static func lineOffsets(_ shards: [[InputCounts]]) -> [[Int]] {
        var before = shards[0].map { _ in 0 }
        return shards.map { shard in
            defer { for i in before.indices { before[i] += shard[i].shardLines.values.reduce(0, +) } }
            return shard.indices.map { shard[$0].linesCountFromFileStart ? 0 : before[$0] }
        }
    }

    // MARK: - One comparison

    private func comparisonResult(_ evidence: Evidence, _ c: Int) -> AuditResult {
        let settings = configuration
        let plan = evidence.plans[c]
        let teacher = plan.comparison.teacher.map { evidence.counts[$0] }
        let control = Array(evidence.counts[evidence.inputs.teacher.count...])
        let teacherCount = teacher.reduce(0) { $0 + $1.responses }
        let controlCount = control.reduce(0) { $0 + $1.responses }
        var notes: [AuditNote] = []

        let separability: [Separability]
        let test: ClassifierTest
        if plan.test == .permutation {
            evidence.log(
                "\(plan.comparison.name): exact test, \(settings.permutations) permutations"
                    + (plan.paired ? ", labels swapped within prompts" : ""))
            separability = exactSeparability(evidence.rows[c], plan: plan, folds: settings.folds)
            test = ClassifierTest(kind: .permutation, reason: plan.testReason, tested: nil)
        } else {
            let sketches = evidence.sketches[c]
            var generator = SeededGenerator.stream(settings.seed, "bags of comparison \(c)")
            let evaluator = SeparabilityEvaluator(bagSizes: settings.bagSizes)
            separability = plan.groups.indices.map { g in
                evaluator.separability(
                    teacher: sketches.pooled(group: g, side: 0), control: sketches.pooled(group: g, side: 1),
                    testTeacher: sketches.test[g][0], testControl: sketches.test[g][1],
                    name: plan.groups[g].name, generator: &generator)
            }
            test = ClassifierTest(
                kind: .heldOut, reason: plan.testReason,
                tested: ["teacher": sketches.test[0][0].total, "control": sketches.test[0][1].total])
        }
        let (all, content, format) = (separability[0], separability[1], separability[2])
        let prompt = plan.checksPrompts ? separability[3] : nil
        notes += all.notes
        if plan.paired {
            notes.append(.pairedByPrompt)
        } else if !plan.checksPrompts {
            notes.append(.noPrompts)
        }

        let view = { (counts: InputCounts) in plan.view == .numbers ? counts.numberTokens : counts.wordTokens }
        let tally = TokenTally(
            teacher: teacher.map(view), control: control.map(view), teacherDocuments: teacherCount,
            controlDocuments: controlCount)
        let carriers = CarrierFinder().carriers(tally)
        var malformed = MalformedLines()
        for counts in teacher + control { malformed.merge(counts.malformed) }
        let significant = carriers.filter { $0.q < 0.05 && $0.z > 0 }
        let carrierP = min(1, (carriers.map(\.p).min() ?? 1) * Double(carriers.count))
        let globalP = min(1, 2 * min(all.p, carrierP))
        let verdict: Verdict = globalP <= settings.alpha ? .signal : .noSignal
        let exact = plan.test == .permutation
        let names = { (inputs: [ResponseInput]) in inputs.map { DisplayPath.of($0.name) } }
        return AuditResult(
            name: DisplayPath.of(plan.comparison.name), verdict: verdict,
            carriedBy: verdict == .signal
                ? SignalCarrier(content: content.p <= settings.alpha, format: format.p <= settings.alpha) : nil,
            alpha: settings.alpha, pValue: globalP, pValueFloor: exact ? 2 / Double(settings.permutations + 1) : nil,
            classifierP: all.p, carrierP: carrierP, classifierTest: test,
            auroc: ByBagSize(all.auroc, sizes: settings.bagSizes),
            aurocCI: ByBagSize(all.interval.mapValues { [$0.low, $0.high] }, sizes: settings.bagSizes),
            formatAUROC: ByBagSize(format.auroc, sizes: settings.bagSizes),
            content: SeparabilityReport(content, sizes: settings.bagSizes),
            format: SeparabilityReport(format, sizes: settings.bagSizes),
            all: SeparabilityReport(all, sizes: settings.bagSizes),
            prompt: prompt.map { SeparabilityReport($0, sizes: settings.bagSizes) },
            promptsConfounded: (prompt?.p ?? 1) <= settings.alpha, promptsIdentical: plan.paired,
            minimumDetectableAUROC: all.minimumDetectableAUROC
                ?? RankTests.minimumDetectableAUROC(
                    test.tested?["teacher"] ?? teacherCount, test.tested?["control"] ?? controlCount,
                    alpha: settings.alpha / 2),
            operatingPoints: settings.bagSizes.flatMap { k in
                settings.falsePositiveRates.map { rate in
                    OperatingPoint(
                        bagSize: k, falsePositiveRate: rate, positives: all.teacherScores,
                        negatives: all.controlScores, baseRate: settings.baseRate)
                }
            },
            carriers: Array(carriers.filter { $0.z > 0 }.prefix(settings.carriersShown)),
            carriersTested: carriers.count, carriersSignificant: significant.count,
            jensenShannonDistance: tally.jensenShannonDistance,
            strongestFeatures: CentroidScorer(plan: plan, sums: evidence.sums[c]).strongestDifferences(
                count: settings.carriersShown / 2),
            leaks: LeakScan.scan(teacher: teacher, control: control, concepts: settings.concepts),
            malformed: malformed.count,
            malformedLines: malformed.examples.map {
                MalformedLine(file: DisplayPath.of($0.file), line: $0.line, reason: $0.reason)
            },
            documents: ["teacher": teacherCount, "control": controlCount],
            view: plan.view, seed: settings.seed, permutations: exact ? settings.permutations : 0,
            folds: settings.folds,
            inputs: [
                "teacher": names(plan.comparison.teacher.map { evidence.inputs.teacher[$0] }),
                "control": names(evidence.inputs.control)
            ],
            notes: notes, perFile: nil)
    }

    /// The exact test: rows in fold order (and, within a fold, by input and line, so the order
    /// does not depend on how the passes were split), standardised, then scores, refitted
    /// bootstrap intervals and permutation p-values for every group at once.
    private func exactSeparability(_ exact: ExactRows, plan: ComparisonPlan, folds: Int) -> [Separability] {
        let rows = exact.rows.sorted { ($0.fold, $0.input, $0.line) < ($1.fold, $1.input, $1.line) }
        var matrix = Matrix(rows: rows.count, columns: plan.columns)
        for (i, row) in rows.enumerated() {
            for (j, value) in row.values.enumerated() where value != 0 { matrix.values[i * plan.columns + j] = value }
        }
        matrix.standardizeColumns()
        var ranges: [Range<Int>] = []
        var start = 0
        for f in 0..<folds {
            let end = rows[start...].firstIndex { $0.fold != f } ?? rows.count
            ranges.append(start..<end)
            start = end
        }
        var blocks: [Int]?
        if plan.paired {
            var index: [UInt64: Int] = [:]
            blocks = rows.map { row in
                if let block = index[row.prompt!] { return block }
                index[row.prompt!] = index.count
                return index.count - 1
            }
        }
        let masks = plan.groups.map { group in (0..<plan.columns).map { plan.range(group).contains($0) } }
        return measure(
            FoldedMatrix(matrix: matrix, folds: ranges), groups: masks, labels: rows.map(\.teacher),
            blocks: blocks, names: plan.groups.map(\.name))
    }

    /// Scores, AUROCs with refitted bootstrap intervals, and exact permutation p-values for
    /// each feature group.
    private func measure(
        _ data: FoldedMatrix, groups: [[Bool]], labels: [Bool], blocks: [Int]?,
        names: [String]
    ) -> [Separability] {
        let c = configuration
        let test = CentroidTwoSampleTest(data: data, labels: labels, groups: groups, blocks: blocks)
        let evaluator = SeparabilityEvaluator(bagSizes: c.bagSizes)
        let teachers = labels.filter { $0 }.count
        let (sizes, notes) = evaluator.feasibleBagSizes(
            teachers: teachers, controls: labels.count - teachers, name: names[0])
        let held = test.heldOutScores(teacherWeights: test.teacherIndicator)
        let scores = groups.indices.map { g in (0..<labels.count).map { Double(held[g][$0, 0]) } }
        var bagGenerator = SeededGenerator.stream(c.seed, "bags " + names.joined())
        let estimates = groups.indices.map { g in
            evaluator.aurocs(
                scores: scores[g], labels: labels, sizes: sizes, rounds: evaluator.partitions,
                generator: &bagGenerator)
        }
        var replicates = groups.map { _ in [Int: [Double]]() }
        var bootstrapGenerator = SeededGenerator.stream(c.seed, "bootstrap " + names.joined())
        test.bootstrap(replicates: c.bootstrap, generator: &bootstrapGenerator) { g, scores, multiplicity in
            let aurocs = evaluator.aurocs(
                scores: scores, labels: labels, multiplicity: multiplicity, sizes: sizes,
                rounds: 1, generator: &bagGenerator)
            for (k, value) in aurocs { replicates[g][k, default: []].append(value) }
        }
        var permutationGenerator = SeededGenerator.stream(c.seed, "permutations " + names.joined())
        let p = test.permutationP(permutations: c.permutations, generator: &permutationGenerator)
        var nullGenerator = SeededGenerator.stream(c.seed, "null AUROCs " + names.joined())
        let detectable = test.nullAUROCs(draws: c.nullDraws, generator: &nullGenerator).map { null in
            Self.minimumDetectable(null: null, alpha: c.alpha)
        }
        return groups.indices.map { g in
            var interval: [Int: Interval] = [:]
            for (k, estimate) in estimates[g] where (replicates[g][k]?.count ?? 0) > 1 {
                interval[k] = Resampling.normalInterval(
                    estimate: estimate, replicates: replicates[g][k]!, bounds: 0...1)
            }
            return Separability(
                auroc: estimates[g], interval: interval, p: p[g], notes: notes,
                minimumDetectableAUROC: detectable[g],
                teacherScores: Moments(labels.indices.filter { labels[$0] }.map { scores[g][$0] }),
                controlScores: Moments(labels.indices.filter { !labels[$0] }.map { scores[g][$0] }))
        }
    }

    /// The per-response AUROC detected with 80% power when the classifier's p must reach α/2
    /// (the global p is 2 · min of two tests): the null mean plus (z₁₋α/₂ + z₀.₈) null standard
    /// deviations, the alternative's spread taken as the null's.
    static func minimumDetectable(null: [Double], alpha: Double) -> Double {
        let spread = Moments(null)
        let z = Distributions.normalQuantile(1 - alpha / 2) + Distributions.normalQuantile(0.8)
        return min(1, spread.mean + z * spread.deviation)
    }
}

/// Adds up the responses read by the shards of one pass running side by side.
private final class ShardProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var read: [Int]
    private let pass: String, total: Int
    private let report: @Sendable (String, Int, Int) -> Void

    init(pass: String, shards: Int, total: Int, report: @escaping @Sendable (String, Int, Int) -> Void) {
        read = Array(repeating: 0, count: shards)
        (self.pass, self.total, self.report) = (pass, total, report)
    }

    /// `passes` reporting as shard `index` of this pass.
    func tracking(_ passes: AuditPasses, shard index: Int) -> AuditPasses {
        var tracked = passes
        tracked.progress = { [self] count in
            let done = lock.withLock {
                read[index] = count
                return read.reduce(0, +)
            }
            report(pass, done, total)
        }
        return tracked
    }
}

/// A shard's statistic that adds another shard's of the same shape: counts, fold sums, sketches.
protocol ShardMergeable {
    mutating func merge(_ other: Self)
}

extension InputCounts: ShardMergeable {}
extension FoldSums: ShardMergeable {}
extension ScoreSketches: ShardMergeable {}

extension Array where Element: ShardMergeable {
    /// Each element merged with the other shard's element at the same place.
    func merged(with other: [Element]) -> [Element] {
        zip(self, other).map { mine, theirs in
            var merged = mine
            merged.merge(theirs)
            return merged
        }
    }
}
