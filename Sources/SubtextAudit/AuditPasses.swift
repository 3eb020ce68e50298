import Foundation
import SubtextCorpus
import SubtextSupport

/// The teacher and control inputs of an audit, and the comparisons made between them: each
/// teacher input against the control and, with several, all of them pooled (first).
public struct AuditInputs: Sendable {
    public var teacher: [ResponseInput]
    public var control: [ResponseInput]

    public init(teacher: [ResponseInput], control: [ResponseInput]) {
        self.teacher = teacher
        self.control = control
    }

    /// Teacher inputs first, then control inputs: an input's index in every pass.
    var all: [ResponseInput] { teacher + control }

    public var comparisons: [Comparison] {
        let each = teacher.indices.map { Comparison(name: teacher[$0].name, teacher: [$0]) }
        return teacher.count > 1 ? [Comparison(name: "pooled", teacher: Array(teacher.indices))] + each : each
    }

    func isTeacher(_ input: Int) -> Bool { input < teacher.count }
}

/// The three passes of an audit, each over one shard of every input:
/// 1. count: tokens, shapes, prompts, leaks and malformed lines (``InputCounts``);
/// 2. fit: per-fold centroid sums in the columns the counts chose (``FoldSums``);
/// 3. score: every response's held-out score, as sketches (``ScoreSketches``).
/// Each pass's shards merge before the next starts; a shard holds only sums and sketches.
public struct AuditPasses {
    public let inputs: AuditInputs
    public let configuration: AuditConfiguration
    public let readOptions: ReadOptions
    /// Hears each pass's progress: responses read so far in this shard.
    public var progress: @Sendable (_ responses: Int) -> Void = { _ in }
    /// When set, hears the SHA-256 of the bytes each input's share held, so that a distributed
    /// audit can tell that every pass read the same data.
    public var digests: ShareDigests?

    public init(inputs: AuditInputs, configuration: AuditConfiguration, readOptions: ReadOptions) {
        self.inputs = inputs
        self.configuration = configuration
        self.readOptions = readOptions
    }

    /// A reducer that reads what `plans` use, or everything when there are none yet.
    private func reducer(for plans: [ComparisonPlan]? = nil) -> DocumentReducer {
        var reducer = DocumentReducer(
            concepts: ConceptMatcher(configuration.concepts), modelTokenizer: configuration.modelTokenizer)
        if let plans {
            reducer.readsWords = plans.contains { $0.view == .tokens }
            reducer.readsPromptTokens = plans.contains(where: \.checksPrompts)
        }
        return reducer
    }

    /// Reads every input's share, handing each response to `visit` with its input's index.
    private func read(
        shard: Shard, reducer: DocumentReducer,
        _ visit: (_ input: Int, _ line: Int, _ document: Document) -> Void
    ) throws {
        var read = 0
        for (index, input) in inputs.all.enumerated() {
            try digesting(input: index) { onBytes in
                _ = try input.read(shard: shard, options: readOptions, onBytes: onBytes) { prompt, text, line in
                    visit(index, line, reducer.document(prompt: prompt, text: text))
                    read += 1
                    if read % 8192 == 0 { progress(read) }
                }
            }
        }
        progress(read)
    }

    /// Runs `read` with a byte observer that hashes what it reads into `digests`, when set.
    private func digesting<T>(input: Int, _ read: (((UnsafeRawBufferPointer) -> Void)?) throws -> T) rethrows -> T {
        guard let digests else { return try read(nil) }
        var hash = FileHash.Stream()
        let result = try read { hash.update($0) }
        digests.record(input: input, digest: hash.hex())
        return result
    }

    /// Pass 1 on one shard: counts for each input.
    public func count(shard: Shard) throws -> [InputCounts] {
        let reducer = reducer()
        return try inputs.all.enumerated().map { index, input in
            try digesting(input: index) { onBytes in
                try InputCounts.count(input, shard: shard, options: readOptions, reducer: reducer, onBytes: onBytes)
            }
        }
    }

    /// The plan of each comparison, from every input's merged counts.
    public func plans(counts: [InputCounts], sharded: Bool) -> [ComparisonPlan] {
        let control = Array(counts[inputs.teacher.count...])
        return inputs.comparisons.map { comparison in
            ComparisonPlan(
                comparison: comparison, teacher: comparison.teacher.map { counts[$0] }, control: control,
                configuration: configuration, sharded: sharded)
        }
    }

    private func folds(_ plan: ComparisonPlan) -> FoldAssignment {
        FoldAssignment(folds: configuration.folds, seed: configuration.seed, paired: plan.paired)
    }

    /// Which comparisons a response of `input` belongs to.
    private func members(_ plans: [ComparisonPlan], input: Int) -> [Int] {
        inputs.isTeacher(input)
            ? plans.indices.filter { plans[$0].comparison.teacher.contains(input) } : Array(plans.indices)
    }

    /// Pass 2 on one shard: fold sums for each comparison.
    public func fit(shard: Shard, plans: [ComparisonPlan]) throws -> [FoldSums] {
        let reducer = reducer(for: plans)
        let maps = plans.map { ColumnMap(plan: $0, vocabulary: reducer.vocabulary) }
        let assignments = plans.map(folds)
        var sums = plans.map { FoldSums(folds: configuration.folds, columns: $0.columns) }
        let membership = inputs.all.indices.map { members(plans, input: $0) }
        try read(shard: shard, reducer: reducer) { input, _, document in
            for c in membership[input] {
                sums[c].add(
                    maps[c].row(document), start: plans[c].tokens.count, fold: assignments[c].fold(document),
                    teacher: inputs.isTeacher(input))
            }
        }
        return sums
    }

    /// Pass 3 on one shard: score sketches for each comparison, and for comparisons whose plan
    /// runs the exact test, every row. `lineOffsets[input]` moves a byte-range shard's line
    /// numbers to the file's, so that rows sort the same however the inputs were sharded.
    func score(shard: Shard, plans: [ComparisonPlan], scorers: [CentroidScorer], lineOffsets: [Int])
        throws -> (sketches: [ScoreSketches], rows: [ExactRows])
    {
        let reducer = reducer(for: plans)
        let maps = plans.map { ColumnMap(plan: $0, vocabulary: reducer.vocabulary) }
        let assignments = plans.map(folds)
        var sketches = plans.map { ScoreSketches(groups: $0.groups.count, folds: configuration.folds) }
        var rows = plans.map { _ in ExactRows() }
        let membership = inputs.all.indices.map { members(plans, input: $0) }
        try read(shard: shard, reducer: reducer) { input, line, document in
            let teacher = inputs.isTeacher(input)
            for c in membership[input] {
                let plan = plans[c]
                let row = maps[c].row(document)
                let fold = assignments[c].fold(document)
                let tested =
                    fold == 0 && (!plan.paired || assignments[c].testsTeacher(prompt: document.promptHash!) == teacher)
                sketches[c].add(scorers[c].scores(row, fold: fold), fold: fold, teacher: teacher, tested: tested)
                if plan.test == .permutation {
                    rows[c].add(
                        row, columns: plan.columns, start: plan.tokens.count, input: input,
                        line: line + lineOffsets[input], fold: fold, teacher: teacher, prompt: document.promptHash)
                }
            }
        }
        return (sketches, rows)
    }

    /// Pass 3 on one shard, for a shard of a distributed audit (never the exact test).
    public func score(shard: Shard, plans: [ComparisonPlan], sums: [FoldSums]) throws -> [ScoreSketches] {
        let scorers = zip(plans, sums).map { CentroidScorer(plan: $0, sums: $1) }
        return try score(shard: shard, plans: plans, scorers: scorers, lineOffsets: inputs.all.map { _ in 0 }).sketches
    }
}

/// The SHA-256 of each input's share, as the passes of one shard read them.
public final class ShareDigests: @unchecked Sendable {
    private let lock = NSLock()
    private var digests: [Int: String] = [:]

    public init() {}

    func record(input: Int, digest: String) { lock.withLock { digests[input] = digest } }

    /// Digests in input order.
    public func ordered(count: Int) -> [String] { lock.withLock { (0..<count).map { digests[$0] ?? "" } } }
}
