import Testing
import SubtextAttribution
import SubtextStatistics

@Suite struct ShiftRankingTests {
    private let concepts = ["owl", "eagle", "cat", "dog"]

    /// Per-response shifts: noise around 0 for every concept, plus `lift` on owl for the teacher.
    private func shifts(_ count: Int, lift: Double, stream: String) -> [[Double]] {
        var generator = SeededGenerator.stream(7, stream)
        return (0..<count).map { _ in
            concepts.map { concept in Double.random(in: -1...1, using: &generator) + (concept == "owl" ? lift : 0) }
        }
    }

    @Test func aPlantedConceptRanksFirstAndIsClaimed() {
        let result = ShiftRanking().rank(teacher: shifts(300, lift: 0.4, stream: "teacher"),
                                         control: shifts(300, lift: 0, stream: "control"), concepts: concepts, template: "t")
        #expect(result.scores.map(\.rank) == [1, 2, 3, 4])
        #expect(result.scores[0].concept == "owl")
        #expect(result.claimed == "owl")
        #expect(result.scores[0].ciLow > 0.2 && result.scores[0].ciHigh < 0.6)
        #expect(abs(result.scores[0].score - (result.scores[0].teacherMean - result.scores[0].controlMean)) < 1e-12)
    }

    /// Two samples from one distribution: across seeds, a concept is claimed rarely.
    @Test func nothingIsClaimedBetweenTwoControls() {
        var claims = 0
        for seed in 0..<20 {
            var ranking = ShiftRanking()
            ranking.bootstrap = 300
            let result = ranking.rank(teacher: shifts(200, lift: 0, stream: "a\(seed)"),
                                      control: shifts(200, lift: 0, stream: "b\(seed)"), concepts: concepts, template: "t")
            if result.claimed != nil { claims += 1 }
        }
        #expect(claims <= 2, "\(claims) of 20 null pairs claimed a concept")
    }

    /// When each prompt moves both its answers alike, pairing cancels it: the paired interval
    /// is much narrower than the one that resamples the sides apart.
    @Test func pairingCancelsWhatAPromptDoesToBothSides() {
        var generator = SeededGenerator.stream(7, "paired")
        var teacher: [[Double]] = [], control: [[Double]] = []
        for _ in 0..<200 {
            let prompt = Double.random(in: -5...5, using: &generator)
            teacher.append(concepts.map { prompt + Double.random(in: -0.5...0.5, using: &generator) + ($0 == "owl" ? 0.3 : 0) })
            control.append(concepts.map { _ in prompt + Double.random(in: -0.5...0.5, using: &generator) })
        }
        let paired = ShiftRanking().rank(teacher: teacher, control: control, concepts: concepts, template: "t", paired: true)
        let unpaired = ShiftRanking().rank(teacher: teacher, control: control, concepts: concepts, template: "t")
        #expect(paired.paired && !unpaired.paired)
        #expect(paired.scores[0].score == unpaired.scores[0].score)
        let width = { (result: LikelihoodShift.Result) in result.scores[0].ciHigh - result.scores[0].ciLow }
        #expect(width(paired) * 4 < width(unpaired), "paired \(width(paired)), unpaired \(width(unpaired))")
        #expect(paired.claimed == "owl")
    }
}
