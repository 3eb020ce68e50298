import Foundation
import SubtextSupport

/// A classifier two-sample test whose permutation p-value is exact and cheap.
///
/// The classifier is the nearest-centroid rule on standardised features: a response scores
/// x · (μ_teacher − μ_control), with both means taken over the other folds (cross-fitting).
/// It is the limit of L2 logistic regression as the penalty grows, and on the real owl data it
/// separated as well as the best-tuned logistic model (bag-16 AUROC 0.957 against 0.956).
///
/// Its closed form is what makes the test exact. Cross-fitted scores depend on the labels of
/// the other folds, so permuting labels over fixed scores is not a valid test: on two halves
/// of one control set that gave a null AUROC spread 1.8 times the permutation spread. Here
/// every permutation refits all folds, which for this rule is one sgemm over the data for a
/// whole batch of permutations.
///
/// The statistic is the held-out agreement T = Σ_f (n_f / n) · Δ_f · w_f, where Δ_f is fold f's
/// own mean difference and w_f the mean difference of the other folds, over a group's columns.
public struct CentroidTwoSampleTest: Sendable {
    public let data: FoldedMatrix
    /// Whether each row (in the folded order) is a teacher row.
    public let labels: [Bool]
    /// Column masks, one per feature group.
    public let groups: [[Bool]]
    /// Rows that are exchangeable only with each other, such as a teacher and a control answer
    /// to the same prompt; nil when every row is exchangeable with every other.
    public let blocks: [[Int]]?
    /// Contrasts per BLAS batch: bounds memory at rows × batch floats.
    public var batch = 256
    /// Column sums of each fold's rows, which do not depend on labels.
    private let foldTotals: [Matrix]

    /// `blocks`, when given, is each row's block: permutations then swap labels only within a
    /// block (the exact null for a paired design) and the bootstrap redraws whole blocks.
    /// Callers keep a block inside one fold (see `CrossFitting` in SubtextAudit).
    public init(data: FoldedMatrix, labels: [Bool], groups: [[Bool]], blocks: [Int]? = nil) {
        precondition(labels.count == data.matrix.rows, "one label per row")
        precondition(blocks == nil || blocks!.count == labels.count, "one block per row")
        self.data = data
        self.labels = labels
        self.groups = groups
        self.blocks = blocks.map { blocks in
            var byBlock: [Int: [Int]] = [:]
            for (row, block) in blocks.enumerated() { byBlock[block, default: []].append(row) }
            return byBlock.keys.sorted().map { byBlock[$0]! }
        }
        foldTotals = data.foldSums(Matrix(rows: data.matrix.rows, columns: 1, repeating: 1))
    }

    /// Per fold and column: the weighted feature sums and weight totals of each side.
    struct Sides {
        var teacher: [Matrix], control: [Matrix]
        var teacherWeight: [[Double]], controlWeight: [[Double]]
    }

    /// Side sums for columns of teacher weights; control weights default to the complement
    /// (every row not a teacher row counts once), as under a permutation.
    func sides(teacherWeights: Matrix, controlWeights: Matrix? = nil) -> Sides {
        let teacher = data.foldSums(teacherWeights)
        let m = teacherWeights.columns
        let weightTotals = { (weights: Matrix) in
            self.data.folds.map { rows in
                var totals = [Double](repeating: 0, count: m)
                for i in rows { for k in 0..<m { totals[k] += Double(weights.values[i * m + k]) } }
                return totals
            }
        }
        let teacherWeight = weightTotals(teacherWeights)
        if let controlWeights {
            return Sides(
                teacher: teacher, control: data.foldSums(controlWeights), teacherWeight: teacherWeight,
                controlWeight: weightTotals(controlWeights))
        }
        let control = zip(teacher, foldTotals).map { t, total -> Matrix in
            var c = t
            for j in 0..<t.rows {
                let columnTotal = total.values[j]
                for k in 0..<m { c.values[j * m + k] = columnTotal - t.values[j * m + k] }
            }
            return c
        }
        let controlWeight = zip(data.folds, teacherWeight).map { rows, t in t.map { Double(rows.count) - $0 } }
        return Sides(teacher: teacher, control: control, teacherWeight: teacherWeight, controlWeight: controlWeight)
    }

    /// For each fold: its own mean difference, and the other folds' (the fold's model).
    /// This runs once per batch of permutations, so its loops walk memory in order.
    func differences(_ sides: Sides) -> (heldOut: [Matrix], training: [Matrix]) {
        let folds = data.folds.indices
        let d = data.matrix.columns
        let m = sides.teacher[0].columns
        var teacherTotal = [Double](repeating: 0, count: d * m)
        var controlTotal = teacherTotal
        for f in folds {
            sides.teacher[f].values.withUnsafeBufferPointer { t in
                sides.control[f].values.withUnsafeBufferPointer { c in
                    for index in 0..<(d * m) {
                        teacherTotal[index] += Double(t[index])
                        controlTotal[index] += Double(c[index])
                    }
                }
            }
        }
        let teacherAll = (0..<m).map { k in folds.reduce(0.0) { $0 + sides.teacherWeight[$1][k] } }
        let controlAll = (0..<m).map { k in folds.reduce(0.0) { $0 + sides.controlWeight[$1][k] } }
        var heldOut: [Matrix] = []
        var training: [Matrix] = []
        for f in folds {
            // Reciprocal side weights, 0 where a side is empty so its difference is 0.
            let inverse = { (w: Double) in w > 0 ? 1 / w : 0 }
            let ownT = sides.teacherWeight[f].map(inverse)
            let ownC = sides.controlWeight[f].map(inverse)
            let restT = (0..<m).map { inverse(teacherAll[$0] - sides.teacherWeight[f][$0]) }
            let restC = (0..<m).map { inverse(controlAll[$0] - sides.controlWeight[f][$0]) }
            let ownValid = (0..<m).map { ownT[$0] > 0 && ownC[$0] > 0 ? 1.0 : 0 }
            let restValid = (0..<m).map { restT[$0] > 0 && restC[$0] > 0 ? 1.0 : 0 }
            var own = Matrix(rows: d, columns: m)
            var rest = Matrix(rows: d, columns: m)
            sides.teacher[f].values.withUnsafeBufferPointer { t in
                sides.control[f].values.withUnsafeBufferPointer { c in
                    own.values.withUnsafeMutableBufferPointer { o in
                        rest.values.withUnsafeMutableBufferPointer { r in
                            for j in 0..<d {
                                for k in 0..<m {
                                    let index = j * m + k
                                    let tf = Double(t[index])
                                    let cf = Double(c[index])
                                    o[index] = Float(ownValid[k] * (tf * ownT[k] - cf * ownC[k]))
                                    r[index] = Float(
                                        restValid[k]
                                            * ((teacherTotal[index] - tf) * restT[k] - (controlTotal[index] - cf)
                                                * restC[k])
                                    )
                                }
                            }
                        }
                    }
                }
            }
            heldOut.append(own)
            training.append(rest)
        }
        return (heldOut, training)
    }

    /// The teacher indicator as a one-column matrix.
    public var teacherIndicator: Matrix { Matrix(column: labels.map { $0 ? 1 : 0 }) }

    /// Held-out scores for each group and weight column, centred within each fold (a
    /// label-free step: separate fold models differ in offset). Returns, per group, a
    /// rows × columns matrix.
    public func heldOutScores(teacherWeights: Matrix, controlWeights: Matrix? = nil) -> [Matrix] {
        let training = differences(sides(teacherWeights: teacherWeights, controlWeights: controlWeights)).training
        let d = data.matrix.columns
        let m = teacherWeights.columns
        let weights = training.map { w -> Matrix in
            var masked = Matrix(rows: d, columns: m * groups.count)
            for (g, mask) in groups.enumerated() {
                for j in 0..<d where mask[j] { for k in 0..<m { masked[j, g * m + k] = w[j, k] } }
            }
            return masked
        }
        let scores = data.scores(weights)
        return groups.indices.map { g in
            var block = Matrix(rows: data.matrix.rows, columns: m)
            for rows in data.folds where !rows.isEmpty {
                for k in 0..<m {
                    var mean = 0.0
                    for i in rows { mean += Double(scores[i, g * m + k]) }
                    mean /= Double(rows.count)
                    for i in rows { block[i, k] = scores[i, g * m + k] - Float(mean) }
                }
            }
            return block
        }
    }

    /// T for each group and column of teacher indicators.
    public func statistics(_ teacherIndicators: Matrix) -> [[Double]] {
        let (heldOut, training) = differences(sides(teacherWeights: teacherIndicators))
        let n = Double(data.matrix.rows)
        let d = data.matrix.columns
        let m = teacherIndicators.columns
        return groups.map { mask in
            var t = [Double](repeating: 0, count: m)
            for (f, rows) in data.folds.enumerated() {
                let share = Double(rows.count) / n
                heldOut[f].values.withUnsafeBufferPointer { h in
                    training[f].values.withUnsafeBufferPointer { w in
                        for j in 0..<d where mask[j] {
                            for k in 0..<m { t[k] += share * Double(h[j * m + k]) * Double(w[j * m + k]) }
                        }
                    }
                }
            }
            return t
        }
    }

    /// One permutation p-value per group, (1 + #{T_perm ≥ T_obs}) / (B + 1), refitting every
    /// fold under every permutation. The smallest reportable value is 1 / (B + 1).
    ///
    /// Permutations are drawn in order from `generator`, then batches of them are refitted
    /// side by side, one per core, so the p-value does not depend on the number of cores.
    public func permutationP(permutations: Int, generator: inout SeededGenerator) -> [Double] {
        let observed = statistics(teacherIndicator).map { $0[0] }
        var hits = [Int](repeating: 0, count: groups.count)
        var shuffled = labels
        var done = 0
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        while done < permutations {
            var round: [Matrix] = []
            while round.count < workers, done < permutations {
                let m = min(batch, permutations - done)
                var indicators = Matrix(rows: labels.count, columns: m)
                for k in 0..<m {
                    relabel(&shuffled, generator: &generator)
                    for i in shuffled.indices where shuffled[i] { indicators[i, k] = 1 }
                }
                round.append(indicators)
                done += m
            }
            for values in concurrentMap(round, statistics) {
                for (g, values) in values.enumerated() {
                    let tolerance = 1e-9 * max(1, abs(observed[g]))
                    hits[g] += values.filter { $0 >= observed[g] - tolerance }.count
                }
            }
        }
        return hits.map { Double($0 + 1) / Double(permutations + 1) }
    }

    /// The held-out AUROC of each group under `draws` label permutations, every fold refitted:
    /// the null spread of the statistic a reader sees. Cross-fitted AUROCs spread wider under
    /// the null than the Mann–Whitney formula says, so a detectable effect is read off these.
    public func nullAUROCs(draws: Int, generator: inout SeededGenerator) -> [[Double]] {
        var shuffled = labels
        var indicators = Matrix(rows: labels.count, columns: draws)
        var drawn: [[Bool]] = []
        for k in 0..<draws {
            relabel(&shuffled, generator: &generator)
            for i in shuffled.indices where shuffled[i] { indicators[i, k] = 1 }
            drawn.append(shuffled)
        }
        return heldOutScores(teacherWeights: indicators).map { scores in
            drawn.indices.map { k in
                var positives: [Double] = []
                var negatives: [Double] = []
                for i in labels.indices {
                    if drawn[k][i] {
                        positives.append(Double(scores[i, k]))
                    } else {
                        negatives.append(Double(scores[i, k]))
                    }
                }
                return RankTests.auroc(positives: positives, negatives: negatives)
            }
        }
    }

    /// One draw from the permutation null: all labels shuffled, or only within each block.
    /// Shuffling the previous draw in place is as uniform as shuffling the labels afresh, and
    /// allocates nothing: with many small blocks this loop runs once per block per permutation.
    private func relabel(_ shuffled: inout [Bool], generator: inout SeededGenerator) {
        guard let blocks else { return shuffled.shuffle(using: &generator) }
        for rows in blocks where rows.count > 1 {
            for i in stride(from: rows.count - 1, to: 0, by: -1) {
                let j = Int.random(in: 0...i, using: &generator)
                if i != j { shuffled.swapAt(rows[i], rows[j]) }
            }
        }
    }

    /// Bootstrap replicates that refit the folds: for each, documents are redrawn with
    /// replacement within each side (whole blocks, when there are blocks), and `replicate` hears each group's held-out scores with
    /// the multiplicity of every row. Replicates are handed on batch by batch, so memory stays
    /// at one batch whatever their number.
    public func bootstrap(
        replicates: Int, generator: inout SeededGenerator,
        _ replicate: (_ group: Int, _ scores: [Double], _ multiplicity: [Int]) -> Void
    ) {
        let teacherRows = labels.indices.filter { labels[$0] }
        let controlRows = labels.indices.filter { !labels[$0] }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var done = 0
        while done < replicates {
            // Draw a round of batches in order, refit them side by side, hand them on in order.
            var round: [(teacher: Matrix, control: Matrix, multiplicities: [[Int]])] = []
            while round.count < workers, done < replicates {
                let m = min(batch, replicates - done)
                var teacherWeights = Matrix(rows: labels.count, columns: m)
                var controlWeights = Matrix(rows: labels.count, columns: m)
                var multiplicities: [[Int]] = []
                for k in 0..<m {
                    var multiplicity = [Int](repeating: 0, count: labels.count)
                    if let blocks {
                        for _ in blocks.indices {
                            for row in blocks[Int.random(in: 0..<blocks.count, using: &generator)] {
                                multiplicity[row] += 1
                            }
                        }
                    } else {
                        for rows in [teacherRows, controlRows] {
                            for _ in rows.indices {
                                multiplicity[rows[Int.random(in: 0..<rows.count, using: &generator)]] += 1
                            }
                        }
                    }
                    for i in labels.indices {
                        if labels[i] {
                            teacherWeights[i, k] = Float(multiplicity[i])
                        } else {
                            controlWeights[i, k] = Float(multiplicity[i])
                        }
                    }
                    multiplicities.append(multiplicity)
                }
                round.append((teacherWeights, controlWeights, multiplicities))
                done += m
            }
            let scored = concurrentMap(round) { heldOutScores(teacherWeights: $0.teacher, controlWeights: $0.control) }
            for (batch, blocks) in zip(round, scored) {
                for (g, block) in blocks.enumerated() {
                    for k in batch.multiplicities.indices {
                        replicate(g, (0..<labels.count).map { Double(block[$0, k]) }, batch.multiplicities[k])
                    }
                }
            }
        }
    }
}

extension Matrix {
    /// A one-column matrix.
    public init(column: [Float]) {
        self.init(rows: column.count, columns: 1)
        values = column
    }
}
