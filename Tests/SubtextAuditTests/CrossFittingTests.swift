import Testing
import SubtextAudit
import SubtextStatistics

@Suite struct CrossFittingTests {
    /// Answers to one prompt always share a fold, and the folds stay within one block of even.
    @Test func blocksStayInOneFold() {
        let blocks = (0..<103).map { $0 / 2 }  // 51 pairs and one single
        var generator = SeededGenerator(seed: 3)
        let (order, folds) = CrossFitting(folds: 5).order(count: blocks.count, blocks: blocks, generator: &generator)
        #expect(order.sorted() == Array(0..<103))
        #expect(folds.first?.lowerBound == 0 && folds.last?.upperBound == 103)
        var foldOf: [Int: Int] = [:]
        for (f, rows) in folds.enumerated() {
            #expect(abs(rows.count - 103 / 5) <= 2, "fold \(f) has \(rows.count) rows")
            for position in rows {
                let block = blocks[order[position]]
                #expect(foldOf[block, default: f] == f, "block \(block) is split across folds")
                foldOf[block] = f
            }
        }
    }

    /// Without blocks, every document is its own and folds are exactly even.
    @Test func singlesGiveEvenFolds() {
        var generator = SeededGenerator(seed: 3)
        let (order, folds) = CrossFitting(folds: 5).order(count: 103, generator: &generator)
        #expect(order.sorted() == Array(0..<103))
        #expect(folds.map(\.count) == [21, 21, 21, 20, 20])
    }
}
