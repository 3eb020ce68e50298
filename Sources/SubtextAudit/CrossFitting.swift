import SubtextStatistics

/// Assigns documents to cross-fitting folds.
///
/// Folds are drawn without looking at labels. That is what makes the permutation test exact:
/// the same folds serve every relabelling. Rows are then ordered fold by fold so each fold is
/// one contiguous block of the feature matrix.
public struct CrossFitting: Sendable {
    public var folds: Int

    public init(folds: Int = 5) {
        self.folds = folds
    }

    /// The document order (fold by fold) and each fold's range in that order.
    public func order(count: Int, generator: inout SeededGenerator) -> (order: [Int], folds: [Range<Int>]) {
        let shuffled = Array(0..<count).shuffled(using: &generator)
        var ranges: [Range<Int>] = []
        var start = 0
        for f in 0..<folds {
            let size = count / folds + (f < count % folds ? 1 : 0)
            ranges.append(start..<(start + size))
            start += size
        }
        return (shuffled, ranges)
    }
}
