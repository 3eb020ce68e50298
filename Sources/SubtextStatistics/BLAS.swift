import CBLAS

/// Process-wide OpenBLAS settings.
public enum BLAS {
    /// Pins OpenBLAS to one thread. Subtext parallelises above BLAS (per fold, per file, per
    /// block of rows in the lab); an OpenBLAS thread pool of its own on the same 2 cores would
    /// oversubscribe them and spin-wait against Subtext's threads.
    public static let singleThreaded: Void = {
        openblas_set_num_threads(1)
    }()

    /// OpenBLAS's own description of its build, for reproducibility notes.
    public static var configuration: String {
        String(cString: openblas_get_config())
    }
}

/// A dense row-major matrix of Float, the layout BLAS is called with.
public struct Matrix: Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        self.rows = rows
        self.columns = columns
        values = [Float](repeating: value, count: rows * columns)
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// Scales each column to mean 0 and variance 1; constant columns become 0. Uses no
    /// labels, so it can be done once on all rows without leaking into cross-validation.
    public mutating func standardizeColumns() {
        var mean = [Double](repeating: 0, count: columns)
        var square = [Double](repeating: 0, count: columns)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = Double(values[row * columns + column])
                mean[column] += value
                square[column] += value * value
            }
        }
        let n = Double(rows)
        let scale = (0..<columns).map { column -> Float in
            let variance = square[column] / n - (mean[column] / n) * (mean[column] / n)
            return variance > 1e-12 ? Float(1 / variance.squareRoot()) : 0
        }
        for row in 0..<rows {
            for column in 0..<columns {
                let index = row * columns + column
                values[index] = (values[index] - Float(mean[column] / n)) * scale[column]
            }
        }
    }
}
