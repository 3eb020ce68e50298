import Testing

@testable import SubtextStatistics

@Suite struct CentroidTwoSampleTestTests {
    private func oracleTest() -> (CentroidTwoSampleTest, Fixtures.Centroid) {
        let oracle = Fixtures.shared.centroid_test
        var x = Matrix(rows: oracle.x.count, columns: oracle.x[0].count)
        for (i, row) in oracle.x.enumerated() { for (j, v) in row.enumerated() { x[i, j] = Float(v) } }
        let data = FoldedMatrix(matrix: x, folds: oracle.folds.map { $0[0]..<$0[1] })
        return (CentroidTwoSampleTest(data: data, labels: oracle.labels, groups: oracle.groups), oracle)
    }

    /// Held-out scores and the statistic match a numpy implementation written from the
    /// definition (scripts/make_statistics_fixtures.py).
    @Test func matchesNumpyOracle() {
        let (test, oracle) = oracleTest()
        let scores = test.heldOutScores(teacherWeights: test.teacherIndicator)
        for (g, expected) in oracle.scores.enumerated() {
            for (i, value) in expected.enumerated() {
                #expect(abs(Double(scores[g][i, 0]) - value) < 1e-5, "group \(g) row \(i)")
            }
        }
        let statistics = test.statistics(test.teacherIndicator)
        for (g, expected) in oracle.t.enumerated() {
            #expect(abs(statistics[g][0] - expected) < 1e-5 * max(1, abs(expected)), "T group \(g)")
        }
    }

    /// Bootstrap weights of all ones reproduce the plain held-out scores.
    @Test func unitBootstrapWeightsGiveThePlainScores() {
        let (test, _) = oracleTest()
        let plain = test.heldOutScores(teacherWeights: test.teacherIndicator)
        let control = Matrix(column: test.labels.map { $0 ? 0 : 1 })
        let weighted = test.heldOutScores(teacherWeights: test.teacherIndicator, controlWeights: control)
        #expect(zip(plain[0].values, weighted[0].values).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// Under the null the permutation p-value is uniform; with a planted shift it is at its floor.
    @Test func permutationPIsCalibratedAndPowerful() {
        var generator = SeededGenerator(seed: 11)
        func sample(shift: Float) -> CentroidTwoSampleTest {
            let n = 60
            let d = 8
            var x = Matrix(rows: n, columns: d)
            let labels = (0..<n).map { $0 % 2 == 0 }
            for i in 0..<n {
                for j in 0..<d {
                    let noise =
                        Float.random(in: -1...1, using: &generator) + Float.random(in: -1...1, using: &generator)
                    x[i, j] = noise + (labels[i] && j == 0 ? shift : 0)
                }
            }
            x.standardizeColumns()
            let folds = (0..<5).map { ($0 * 12)..<($0 * 12 + 12) }
            return CentroidTwoSampleTest(
                data: FoldedMatrix(matrix: x, folds: folds), labels: labels,
                groups: [Array(repeating: true, count: d)])
        }
        var rejections = 0
        for _ in 0..<200 {
            let p = sample(shift: 0).permutationP(permutations: 99, generator: &generator)[0]
            if p <= 0.05 { rejections += 1 }
        }
        // Binomial(200, 0.05): mean 10, sd 3.1.
        #expect((2...20).contains(rejections), "\(rejections) of 200 null samples rejected")
        let p = sample(shift: 2).permutationP(permutations: 99, generator: &generator)[0]
        #expect(p == 0.01)
    }

    /// Teacher and control answers to one prompt share most of their features. Folds that split
    /// a pair teach each fold's model that its held-out partner looks like the other side, so
    /// held-out AUROC falls below chance with no signal; folds that keep pairs together and
    /// permutations within pairs give chance AUROC and a test that holds its level.
    @Test func pairedDesignsNeedBlocks() {
        var generator = SeededGenerator(seed: 12)
        let pairs = 30
        let d = 8
        func sample(shift: Float, blocked: Bool) -> (test: CentroidTwoSampleTest, auroc: Double) {
            // Blocked: rows 2k and 2k+1 answer prompt k, so a pair shares a fold. Split: rows
            // are placed at random, as folds drawn without regard to prompts would.
            let place = blocked ? Array(0..<(2 * pairs)) : Array(0..<(2 * pairs)).shuffled(using: &generator)
            var x = Matrix(rows: 2 * pairs, columns: d)
            var labels = [Bool](repeating: false, count: 2 * pairs)
            var blocks = [Int](repeating: 0, count: 2 * pairs)
            for k in 0..<pairs {
                let prompt = (0..<d).map { _ in 3 * Float.random(in: -1...1, using: &generator) }
                let rows = [place[2 * k], place[2 * k + 1]]
                for (side, row) in rows.enumerated() {
                    labels[row] = side == 0
                    blocks[row] = k
                    for j in 0..<d {
                        x[row, j] =
                            prompt[j] + Float.random(in: -1...1, using: &generator) + (side == 0 && j == 0 ? shift : 0)
                    }
                }
            }
            x.standardizeColumns()
            let folds = (0..<5).map { ($0 * 12)..<($0 * 12 + 12) }
            let test = CentroidTwoSampleTest(
                data: FoldedMatrix(matrix: x, folds: folds), labels: labels,
                groups: [Array(repeating: true, count: d)], blocks: blocked ? blocks : nil)
            let scores = test.heldOutScores(teacherWeights: test.teacherIndicator)[0]
            let auroc = RankTests.auroc(
                positives: labels.indices.filter { labels[$0] }.map { Double(scores[$0, 0]) },
                negatives: labels.indices.filter { !labels[$0] }.map { Double(scores[$0, 0]) })
            return (test, auroc)
        }
        let split = (0..<50).map { _ in sample(shift: 0, blocked: false).auroc }.reduce(0, +) / 50
        #expect(split < 0.45, "pairs split across folds: mean null AUROC \(split)")
        var rejections = 0
        var aurocs = 0.0
        for _ in 0..<200 {
            let (test, auroc) = sample(shift: 0, blocked: true)
            aurocs += auroc / 200
            if test.permutationP(permutations: 99, generator: &generator)[0] <= 0.05 { rejections += 1 }
        }
        #expect(abs(aurocs - 0.5) < 0.03, "pairs kept together: mean null AUROC \(aurocs)")
        #expect((2...20).contains(rejections), "\(rejections) of 200 paired null samples rejected")
        let p = sample(shift: 1.5, blocked: true).test.permutationP(permutations: 99, generator: &generator)[0]
        #expect(p == 0.01)
    }

    /// The null AUROCs of refitted permutations centre on chance and spread wider than the
    /// Mann–Whitney formula says for independent scores: the reason the minimum detectable
    /// AUROC is read off them.
    @Test func nullAUROCsSpreadWiderThanTheRankFormula() {
        var generator = SeededGenerator(seed: 13)
        let n = 200
        let d = 40
        var x = Matrix(rows: n, columns: d)
        for i in 0..<n { for j in 0..<d { x[i, j] = Float.random(in: -1...1, using: &generator) } }
        x.standardizeColumns()
        let folds = (0..<5).map { ($0 * 40)..<($0 * 40 + 40) }
        let test = CentroidTwoSampleTest(
            data: FoldedMatrix(matrix: x, folds: folds), labels: (0..<n).map { $0 % 2 == 0 },
            groups: [Array(repeating: true, count: d)])
        let null = test.nullAUROCs(draws: 300, generator: &generator)[0]
        let mean = null.reduce(0, +) / Double(null.count)
        let sd = (null.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(null.count - 1)).squareRoot()
        let formula = (Double(n + 1) / (12 * 100 * 100)).squareRoot()
        #expect(abs(mean - 0.5) < 0.02, "null mean \(mean)")
        #expect(sd > formula, "null spread \(sd) against the formula's \(formula)")
    }
}
