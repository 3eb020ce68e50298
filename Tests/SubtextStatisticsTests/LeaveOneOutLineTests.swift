import SubtextStatistics
import Testing

@Suite struct LeaveOneOutLineTests {
    @Test func matchesScipyLinregressWithEachPointLeftOut() {
        for oracle in Fixtures.shared.leave_one_out_line {
            let residuals = LeaveOneOutLine.residuals(x: oracle.x, y: oracle.y)
            for (swift, scipy) in zip(residuals, oracle.residuals) { #expect(abs(swift - scipy) < 1e-10) }
            // The point lifted by 0.4 stands out from the line the others draw.
            #expect(residuals.indices.max { residuals[$0] < residuals[$1] } == 2)
        }
    }

    @Test func equalXFallsBackToSlopeOne() {
        let residuals = LeaveOneOutLine.residuals(x: [2, 2, 2, 5], y: [3, 4, 5, 9])
        // Point 3: the others' x are all 2, so slope 1 through their means (2, 4): 9 − (4 + 3) = 2.
        #expect(abs(residuals[3] - 2) < 1e-12)
        // Point 0: the others (2, 4), (2, 5), (5, 9) give slope 9/6 through (3, 6): 3 − 4.5 = −1.5.
        #expect(abs(residuals[0] + 1.5) < 1e-12)
    }
}
