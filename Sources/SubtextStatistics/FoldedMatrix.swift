import CBLAS

/// A matrix whose rows (documents) are grouped into contiguous folds, with the two BLAS
/// products that cross-fitting needs. Keeping each fold's rows contiguous lets every product
/// run on a fold's block in place, with no copies.
public struct FoldedMatrix: Sendable {
    public let matrix: Matrix
    /// The rows of each fold.
    public let folds: [Range<Int>]

    public init(matrix: Matrix, folds: [Range<Int>]) {
        precondition(folds.last?.upperBound == matrix.rows, "folds must cover every row")
        self.matrix = matrix
        self.folds = folds
    }

    /// For each fold f, X_fᵀ · C_f: column sums of the fold's rows weighted by each column of
    /// `weights` (rows × m). Each result is columns × m.
    public func foldSums(_ weights: Matrix) -> [Matrix] {
        precondition(weights.rows == matrix.rows, "one weight row per document")
        _ = BLAS.singleThreaded
        let d = matrix.columns
        let m = weights.columns
        return folds.map { rows in
            var result = Matrix(rows: d, columns: m)
            guard !rows.isEmpty else { return result }
            matrix.values.withUnsafeBufferPointer { x in
                weights.values.withUnsafeBufferPointer { c in
                    result.values.withUnsafeMutableBufferPointer { out in
                        cblas_sgemm(
                            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(m), Int32(rows.count), 1,
                            x.baseAddress! + rows.lowerBound * d, Int32(d),
                            c.baseAddress! + rows.lowerBound * m, Int32(m), 0, out.baseAddress, Int32(m))
                    }
                }
            }
            return result
        }
    }

    /// Scores every row with its own fold's weights: row block f of the result is X_f · W_f,
    /// where `weights[f]` is columns × m.
    public func scores(_ weights: [Matrix]) -> Matrix {
        precondition(weights.count == folds.count, "one weight matrix per fold")
        _ = BLAS.singleThreaded
        let d = matrix.columns
        let m = weights.first?.columns ?? 0
        var result = Matrix(rows: matrix.rows, columns: m)
        for (rows, w) in zip(folds, weights) where !rows.isEmpty {
            precondition(w.rows == d && w.columns == m, "weights have the wrong shape")
            matrix.values.withUnsafeBufferPointer { x in
                w.values.withUnsafeBufferPointer { wp in
                    result.values.withUnsafeMutableBufferPointer { out in
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows.count), Int32(m), Int32(d), 1,
                            x.baseAddress! + rows.lowerBound * d, Int32(d), wp.baseAddress, Int32(m), 0,
                            out.baseAddress! + rows.lowerBound * m, Int32(m))
                    }
                }
            }
        }
        return result
    }
}
