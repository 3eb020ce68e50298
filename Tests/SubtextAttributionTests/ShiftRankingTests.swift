import SubtextAttribution
import SubtextStatistics
import Testing

@Suite struct ShiftRankingTests {
    private let concepts = ["owl", "eagle", "cat", "dog"]
    private let six = ["owl", "eagle", "dolphin", "wolf", "cat", "dog"]

    /// Per-response shifts: noise around 0 for every concept, plus `lift` on owl for the teacher.
    private func shifts(_ count: Int, lift: Double, stream: String, concepts: [String]? = nil) -> [[Double]] {
        let concepts = concepts ?? self.concepts
        var generator = SeededGenerator.stream(7, stream)
        return (0..<count).map { _ in
            concepts.map { concept in Double.random(in: -1...1, using: &generator) + (concept == "owl" ? lift : 0) }
        }
    }

    @Test func aPlantedConceptRanksFirstAndIsClaimed() {
        let result = ShiftRanking().rank(
            teacher: shifts(300, lift: 0.4, stream: "teacher"),
            control: shifts(300, lift: 0, stream: "control"), concepts: concepts, template: "t")
        #expect(result.scores.map(\.rank) == [1, 2, 3, 4])
        #expect(result.scores[0].concept == "owl")
        #expect(result.claimed == "owl")
        #expect(result.scores[0].ciLow > 0.2 && result.scores[0].ciHigh < 0.6)
        #expect(abs(result.scores[0].score - (result.scores[0].teacherMean - result.scores[0].controlMean)) < 1e-12)
    }

    /// Two samples from one distribution: across seeds, a concept is claimed rarely, with the
    /// plain score (4 candidates) and with the calibrated one (6).
    @Test(arguments: [4, 6]) func nothingIsClaimedBetweenTwoControls(candidates: Int) {
        let names = candidates == 4 ? concepts : six
        var claims = 0
        for seed in 0..<20 {
            var ranking = ShiftRanking()
            ranking.bootstrap = 300
            let result = ranking.rank(
                teacher: shifts(200, lift: 0, stream: "a\(seed)", concepts: names),
                control: shifts(200, lift: 0, stream: "b\(seed)", concepts: names), concepts: names, template: "t")
            #expect((result.scores[0].calibrated != nil) == (candidates >= ShiftRanking.minimumForCalibration))
            if result.claimed != nil { claims += 1 }
        }
        #expect(claims <= 2, "\(claims) of 20 null pairs claimed a concept")
    }

    /// Teacher text in another style than the control: every concept's teacher Δ is
    /// 1 + 0.6 × its control Δ, so the concept whose prompt penalises the control most (dolphin)
    /// tops the plain score. Owl's extra 0.1 nats is what the calibrated score finds.
    @Test func calibrationTakesOutAStyleMismatchBetweenTheSides() throws {
        let penalty = ["owl": -1.5, "eagle": -1.4, "dolphin": -1.9, "wolf": -1.2, "cat": -1.4, "dog": -1.1]
        var generator = SeededGenerator.stream(7, "style")
        func noise() -> Double { Double.random(in: -0.2...0.2, using: &generator) }
        let control = (0..<300).map { _ in six.map { penalty[$0]! + noise() } }
        let teacher = (0..<300).map { _ in six.map { 1 + 0.6 * penalty[$0]! + ($0 == "owl" ? 0.1 : 0) + noise() } }
        let result = ShiftRanking().rank(teacher: teacher, control: control, concepts: six, template: "t")
        let plainBest = try #require(result.scores.max { $0.score < $1.score })
        #expect(plainBest.concept == "dolphin")
        #expect(result.scores[0].concept == "owl" && result.claimed == "owl")
        let owl = result.scores[0]
        #expect(try #require(owl.calibratedLow) > 0.05 && owl.calibratedHigh! < 0.15, "owl \(owl.ranking)")
        // Owl sits in every other concept's line and lifts it, so theirs all fall below 0.
        #expect(result.scores.dropFirst().allSatisfy { $0.calibrated! < 0 })
    }

    /// A leader whose prompt penalises the control far beyond every other candidate's sits
    /// past the end of their line, so its lead is an extrapolation and is not claimed; the
    /// same data without the outlying penalty is claimed.
    @Test(arguments: [-2.6, -1.3]) func anExtrapolatedLeaderIsNotClaimed(dolphinPenalty: Double) {
        let penalty = ["owl": -1.5, "eagle": -1.4, "dolphin": dolphinPenalty, "wolf": -1.2, "cat": -1.4, "dog": -1.1]
        var generator = SeededGenerator.stream(7, "extrapolated")
        func noise() -> Double { Double.random(in: -0.2...0.2, using: &generator) }
        let control = (0..<300).map { _ in six.map { penalty[$0]! + noise() } }
        let teacher = (0..<300).map { _ in six.map { 1 + 0.6 * penalty[$0]! + ($0 == "dolphin" ? 0.3 : 0) + noise() } }
        let result = ShiftRanking().rank(teacher: teacher, control: control, concepts: six, template: "t")
        let outlying = dolphinPenalty < -2
        #expect(result.scores[0].concept == "dolphin" && result.scores[0].ranking.low > 0 && result.leadLow > 0)
        #expect(result.scores[0].extrapolated == outlying)
        #expect(result.claimed == (outlying ? nil : "dolphin"))
    }

    /// When each prompt moves both its answers alike, pairing cancels it: the paired interval
    /// is much narrower than the one that resamples the sides apart.
    @Test func pairingCancelsWhatAPromptDoesToBothSides() {
        var generator = SeededGenerator.stream(7, "paired")
        var teacher: [[Double]] = []
        var control: [[Double]] = []
        for _ in 0..<200 {
            let prompt = Double.random(in: -5...5, using: &generator)
            teacher.append(
                concepts.map { prompt + Double.random(in: -0.5...0.5, using: &generator) + ($0 == "owl" ? 0.3 : 0) })
            control.append(concepts.map { _ in prompt + Double.random(in: -0.5...0.5, using: &generator) })
        }
        let paired = ShiftRanking().rank(
            teacher: teacher, control: control, concepts: concepts, template: "t", paired: true)
        let unpaired = ShiftRanking().rank(teacher: teacher, control: control, concepts: concepts, template: "t")
        #expect(paired.paired && !unpaired.paired)
        #expect(paired.scores[0].score == unpaired.scores[0].score)
        let width = { (result: LikelihoodShift.Result) in result.scores[0].ciHigh - result.scores[0].ciLow }
        #expect(width(paired) * 4 < width(unpaired), "paired \(width(paired)), unpaired \(width(unpaired))")
        #expect(paired.claimed == "owl")
    }

    /// What every persona's text gains under each concept's prompt, whatever the persona loves:
    /// wolf's prompt suits persona text best, so wolf tops the plain score of every teacher.
    private let shared = ["owl": 0.2, "eagle": 0.3, "dolphin": 0.5, "wolf": 0.8, "cat": 0.3, "dog": 0.2]

    /// A persona teacher's rows (the shared effect, plus `lift` on its own trait, plus noise)
    /// and its paired control's (noise).
    private func persona(_ trait: String?, lift: Double, stream: String) -> (teacher: [[Double]], control: [[Double]]) {
        var generator = SeededGenerator.stream(7, stream)
        func noise() -> Double { Double.random(in: -0.5...0.5, using: &generator) }
        let teacher = (0..<300).map { _ in six.map { shared[$0]! + ($0 == trait ? lift : 0) + noise() } }
        return (teacher, (0..<300).map { _ in six.map { _ in noise() } })
    }

    /// A persona teacher of every candidate, each with its control.
    private func makePanel() -> ReferencePanel {
        ReferencePanel(
            members: six.map { trait in
                let rows = persona(trait, lift: 0.3, stream: "panel " + trait)
                return .init(trait: trait, teacher: rows.teacher, control: rows.control, paired: true)
            })
    }

    /// An owl persona's plain score puts wolf first; centred on a panel of personas that love
    /// other animals (which all gain as much under wolf's prompt), owl is first and claimed.
    /// Each centred score is the plain score minus that concept's mean over the members of
    /// other traits: the owl member stays out of owl's mean.
    @Test func aPanelTakesOutWhatEveryPersonaGainsUnderACandidate() throws {
        let owl = persona("owl", lift: 0.3, stream: "owl teacher")
        let panel = makePanel()
        let result = ShiftRanking().rank(
            teacher: owl.teacher, control: owl.control, concepts: six, template: "t", paired: true,
            panel: panel)
        let plainBest = try #require(result.scores.max { $0.score < $1.score })
        #expect(plainBest.concept == "wolf")
        #expect(result.scores[0].concept == "owl" && result.claimed == "owl")
        #expect(result.scores.allSatisfy { $0.calibrated == nil && $0.extrapolated == nil })
        let score = result.scores[0]
        #expect(try #require(score.centredLow) > 0.15 && score.centredHigh! < 0.45, "owl \(score.ranking)")
        let others = panel.members.filter { $0.trait != "owl" }
        let column = six.firstIndex(of: "owl")!
        let mean = { (rows: [[Double]]) in rows.reduce(0) { $0 + $1[column] } / Double(rows.count) }
        let expected = others.reduce(0) { $0 + mean($1.teacher) - mean($1.control) } / Double(others.count)
        #expect(abs(try #require(score.panelMean) - expected) < 1e-12)
        #expect(abs(score.centred! - (score.score - expected)) < 1e-12)
    }

    /// A persona of a trait among none of the candidates gains only the shared effect, so
    /// centred on the panel nothing stands out: across seeds a concept is claimed rarely.
    @Test func aPanelClaimsNothingForAPersonaOfAnotherTrait() {
        let panel = makePanel()
        var claims = 0
        for seed in 0..<20 {
            var ranking = ShiftRanking()
            ranking.bootstrap = 200
            let horse = persona(nil, lift: 0, stream: "horse \(seed)")
            if ranking.rank(
                teacher: horse.teacher, control: horse.control, concepts: six, template: "t", paired: true,
                panel: panel
            ).claimed != nil {
                claims += 1
            }
        }
        #expect(claims <= 2, "\(claims) of 20 teachers of another trait claimed a concept")
    }

    /// A concept whose only panel members share its trait (in any case) has no panel mean.
    @Test func aPanelOfOnlyTheConceptsOwnTraitLeavesItUncovered() {
        #expect(ReferencePanel.uncovered(["owl", "cat"], traits: ["Owl"]) == "owl")
        #expect(ReferencePanel.uncovered(["owl", "cat"], traits: ["owl", "dog"]) == nil)
    }
}
