import CBLAS
import Foundation

/// Process-wide OpenBLAS settings.
public enum BLAS {
    /// Pins OpenBLAS to one thread. Subtext parallelises above BLAS (per fold, per file, per
    /// block of rows in the lab); an OpenBLAS thread pool of its own on the same 2 cores would
    /// oversubscribe them and spin-wait against Subtext's threads.
    public static let singleThreaded: Void = {
        openblas_set_num_threads(1)
    }()

    /// OpenBLAS's own description of its build and of the kernels it runs, for reproducibility notes.
    public static var configuration: String {
        String(cString: openblas_get_config()) + "; kernels " + String(cString: openblas_get_corename())
    }

    /// The OpenBLAS core type to ask for on this processor when OpenBLAS chose its generic one,
    /// or nil when it chose well (or was told which to use).
    ///
    /// Debian 12's OpenBLAS (0.3.21) does not know Intel's newer server cores (Sapphire and
    /// Emerald Rapids) and runs its Prescott (SSE3) kernels there: a student's training step ran
    /// 4.4× slower than with its SkylakeX kernels on the same core, which the processor supports.
    /// OpenBLAS reads OPENBLAS_CORETYPE only as it loads, so ``relaunchWithFasterKernels()`` runs
    /// the command again with it set.
    public static var fasterCoreType: String? {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
            String(cString: openblas_get_corename()).lowercased() == "prescott",
            let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return nil }
        let flags = Set(line.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// Replaces this process with the same command under ``fasterCoreType``, when there is one;
    /// returns only when there is none or the new process cannot start. The process keeps its id.
    public static func relaunchWithFasterKernels() {
        guard let core = fasterCoreType else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
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
