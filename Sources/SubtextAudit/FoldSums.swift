/// The second pass's sufficient statistics for the nearest-centroid classifier: per fold and
/// side, the number of responses and each column's sum; over all responses, each column's
/// sum of squares.
///
/// Values are summed in fixed point (units of 2⁻²⁴) as 128-bit integers, so sums are exact:
/// any sharding, merged in any order, gives bit-identical centroids and hence identical scores.
public struct FoldSums: Sendable, Codable, Equatable {
    public static let scale = Double(1 << 24)

    /// Responses per fold and side (0 teacher, 1 control).
    public private(set) var responses: [[Int]]
    /// Column sums per fold and side.
    public private(set) var sums: [[[Int128]]]
    public private(set) var squares: [Int128]

    init(folds: Int, columns: Int) {
        responses = Array(repeating: [0, 0], count: folds)
        sums = Array(repeating: Array(repeating: Array(repeating: 0, count: columns), count: 2), count: folds)
        squares = Array(repeating: 0, count: columns)
    }

    static func fixed(_ value: Double) -> Int64 { Int64((value * scale).rounded()) }

    mutating func add(_ row: FeatureRow, start: Int, fold: Int, teacher: Bool) {
        let side = teacher ? 0 : 1
        responses[fold][side] += 1
        for (column, value) in row.sparse { add(Self.fixed(value), column: column, fold: fold, side: side) }
        for (offset, value) in row.dense.enumerated() where value != 0 {
            add(Self.fixed(Double(value)), column: start + offset, fold: fold, side: side)
        }
    }

    @inline(__always)
    private mutating func add(_ q: Int64, column: Int, fold: Int, side: Int) {
        sums[fold][side][column] += Int128(q)
        squares[column] += Int128(q) * Int128(q)
    }

    mutating func merge(_ other: FoldSums) {
        for f in responses.indices {
            for side in 0..<2 {
                responses[f][side] += other.responses[f][side]
                for column in squares.indices { sums[f][side][column] += other.sums[f][side][column] }
            }
        }
        for column in squares.indices { squares[column] += other.squares[column] }
    }

    /// Whether another shard's sums have this shape.
    func fits(_ other: FoldSums) -> Bool {
        other.fits(folds: responses.count, columns: squares.count)
    }

    /// Whether this holds `folds` folds of `columns` columns, as a plan expects.
    func fits(folds: Int, columns: Int) -> Bool {
        responses.count == folds && responses.allSatisfy { $0.count == 2 } && squares.count == columns
            && sums.count == folds && sums.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.count == columns } }
    }
}
