import SubtextStatistics

/// The third pass's result for one comparison: every response's held-out score, kept as
/// sketches by group, fold and side, and the scores the held-out test ranks.
public struct ScoreSketches: Sendable, Codable, Equatable {
    /// [group][fold][side], side 0 teacher and 1 control, groups in the plan's order.
    public private(set) var folds: [[[ScoreSketch]]]
    /// [group][side]: the test fold's responses that the held-out test ranks.
    public private(set) var test: [[ScoreSketch]]

    init(groups: Int, folds: Int) {
        self.folds = Array(repeating: Array(repeating: [ScoreSketch(), ScoreSketch()], count: folds), count: groups)
        test = Array(repeating: [ScoreSketch(), ScoreSketch()], count: groups)
    }

    mutating func add(_ scores: [Double], fold: Int, teacher: Bool, tested: Bool) {
        let side = teacher ? 0 : 1
        for (group, score) in scores.enumerated() {
            folds[group][fold][side].add(score)
            if tested { test[group][side].add(score) }
        }
    }

    mutating func merge(_ other: ScoreSketches) {
        for g in folds.indices {
            for f in folds[g].indices { for side in 0..<2 { folds[g][f][side].merge(other.folds[g][f][side]) } }
            for side in 0..<2 { test[g][side].merge(other.test[g][side]) }
        }
    }

    /// One side's scores over all folds, for a group.
    func pooled(group: Int, side: Int) -> ScoreSketch {
        folds[group].reduce(into: ScoreSketch()) { $0.merge($1[side]) }
    }

    /// Whether another shard's sketches have this shape.
    func fits(_ other: ScoreSketches) -> Bool {
        other.fits(groups: folds.count, folds: folds.first?.count ?? 0)
    }

    func fits(groups: Int, folds count: Int) -> Bool {
        folds.count == groups && test.count == groups
            && folds.allSatisfy { $0.count == count && $0.allSatisfy { $0.count == 2 } }
            && test.allSatisfy { $0.count == 2 }
    }
}

/// Every response's features kept row by row, for the exact permutation test, which refits
/// the folds under each permutation and so needs the rows themselves.
struct ExactRows {
    struct Row {
        var input: Int, line: Int, fold: Int, teacher: Bool, prompt: UInt64?
        var values: [Float]
    }

    var rows: [Row] = []

    mutating func add(
        _ row: FeatureRow, columns: Int, start: Int, input: Int, line: Int, fold: Int, teacher: Bool,
        prompt: UInt64?
    ) {
        var values = [Float](repeating: 0, count: columns)
        for (column, value) in row.sparse { values[column] = Float(value) }
        for (offset, value) in row.dense.enumerated() { values[start + offset] = value }
        rows.append(Row(input: input, line: line, fold: fold, teacher: teacher, prompt: prompt, values: values))
    }
}
