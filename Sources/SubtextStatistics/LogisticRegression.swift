import Foundation

/// L2-regularised logistic regressions that share one design matrix, trained together.
///
/// Cross-validation fits one model per fold, and the audit fits one per feature set (all,
/// content, format). Every such "head" is a column of the weight matrix, so one sgemm pass
/// over the data serves all heads at once, and a pass costs about what a single gemv would.
/// Each head sees only its training rows and its allowed columns. Classes are weighted to
/// count equally, so an unbalanced pair does not shift the decision.
public struct LogisticRegression: Sendable {
    /// What one head is fitted on.
    public struct Head: Sendable {
        /// For each row, whether it is a training row of this head.
        public var trainingRows: [Bool]
        /// For each column, whether this head may use it.
        public var columns: [Bool]

        public init(trainingRows: [Bool], columns: [Bool]) {
            self.trainingRows = trainingRows
            self.columns = columns
        }
    }

    /// A fitted head: one weight per column (zero where not allowed) and an intercept.
    public struct Model: Sendable {
        public var weights: [Float]
        public var intercept: Float
    }

    /// The penalty λ on ½‖w‖² added to the mean weighted log-loss.
    public var penalty: Float
    /// Accelerated gradient steps; the loss is smooth and strongly convex, so this bounds
    /// the work without a line search.
    public var iterations: Int

    public init(penalty: Float = 5, iterations: Int = 250) {
        self.penalty = penalty
        self.iterations = iterations
    }

    /// Fits every head on `x` (rows are documents) and binary `labels`.
    public func fit(_ x: Matrix, labels: [Bool], heads: [Head]) -> [Model] {
        let n = x.rows, d = x.columns, h = heads.count
        precondition(labels.count == n, "one label per row")
        // Row weights: each class of each head's training rows sums to ½.
        var rowWeight = Matrix(rows: n, columns: h)
        for (k, head) in heads.enumerated() {
            let positives = zip(head.trainingRows, labels).filter { $0.0 && $0.1 }.count
            let negatives = head.trainingRows.filter { $0 }.count - positives
            for i in 0..<n where head.trainingRows[i] {
                rowWeight[i, k] = labels[i] ? 0.5 / Float(max(positives, 1)) : 0.5 / Float(max(negatives, 1))
            }
        }
        var columnMask = Matrix(rows: d, columns: h)
        for (k, head) in heads.enumerated() {
            for j in 0..<d where head.columns[j] { columnMask[j, k] = 1 }
        }
        let maxRowWeight = rowWeight.values.max() ?? 1
        // The loss's gradient is Lipschitz with constant ≤ ¼·max(w)·σ_max(X)² + λ (+ ¼ for
        // the intercept); the step is its inverse.
        let lipschitz = 0.25 * maxRowWeight * Float(Self.largestSquaredSingularValue(x)) + penalty
        let step = 1 / max(lipschitz, 0.25)

        var weights = Matrix(rows: d, columns: h)
        var previous = weights
        var intercept = [Float](repeating: 0, count: h)
        var previousIntercept = intercept
        let target = labels.map { $0 ? Float(1) : 0 }
        for t in 0..<iterations {
            let momentum = Float(t) / Float(t + 3)
            var lookahead = weights
            var lookaheadIntercept = intercept
            for index in lookahead.values.indices {
                lookahead.values[index] += momentum * (weights.values[index] - previous.values[index])
            }
            for k in 0..<h { lookaheadIntercept[k] += momentum * (intercept[k] - previousIntercept[k]) }

            // Residuals r = w ⊙ (σ(Xβ + b) − y), per head.
            var residual = x.multiplied(by: lookahead)
            var interceptGradient = [Float](repeating: 0, count: h)
            for i in 0..<n {
                for k in 0..<h {
                    let index = i * h + k
                    let z = residual.values[index] + lookaheadIntercept[k]
                    let r = rowWeight.values[index] * (1 / (1 + exp(-z)) - target[i])
                    residual.values[index] = r
                    interceptGradient[k] += r
                }
            }
            let gradient = x.transposeMultiplied(by: residual)
            previous = weights
            previousIntercept = intercept
            for index in weights.values.indices {
                let g = gradient.values[index] + penalty * lookahead.values[index]
                weights.values[index] = (lookahead.values[index] - step * g) * columnMask.values[index]
            }
            for k in 0..<h { intercept[k] = lookaheadIntercept[k] - step * interceptGradient[k] }
        }
        return (0..<h).map { k in
            Model(weights: (0..<d).map { weights[$0, k] }, intercept: intercept[k])
        }
    }

    /// σ_max(X)², by power iteration on XᵀX.
    static func largestSquaredSingularValue(_ x: Matrix, iterations: Int = 30) -> Double {
        var vector = Matrix(rows: x.columns, columns: 1, repeating: 1 / Float(max(x.columns, 1)).squareRoot())
        var estimate = 0.0
        for _ in 0..<iterations {
            let next = x.transposeMultiplied(by: x.multiplied(by: vector))
            let norm = next.values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm > 0 else { return 0 }
            estimate = norm
            vector.values = next.values.map { Float(Double($0) / norm) }
        }
        return estimate * 1.05
    }
}

extension LogisticRegression.Model {
    /// The log-odds score of row `row` of `x`.
    public func score(_ x: Matrix, row: Int) -> Float {
        var sum = intercept
        let base = row * x.columns
        for j in 0..<x.columns { sum += x.values[base + j] * weights[j] }
        return sum
    }
}
