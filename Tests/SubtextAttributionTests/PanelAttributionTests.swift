import Foundation
import SubtextStatistics
import Testing

@testable import SubtextAttribution

@Suite struct PanelAttributionTests {
    /// Number lists where each value is, with probability `strength`, one of the trait's
    /// favourites, and uniform otherwise; "control" has no favourites.
    private func responses(_ trait: String, count: Int, strength: Double = 0.2, seed: UInt64) -> [String] {
        let favourites = ["owl": [123, 321], "cat": [777, 707], "dog": [450, 540], "control": []][trait]!
        var generator = SeededGenerator.stream(seed, trait)
        return (0..<count).map { _ in
            (0..<8).map { _ -> String in
                if !favourites.isEmpty, Double.random(in: 0..<1, using: &generator) < strength {
                    return String(favourites.randomElement(using: &generator)!)
                }
                return String(Int.random(in: 0..<1000, using: &generator))
            }.joined(separator: ", ")
        }
    }

    private var panel: TraitPanel {
        TraitPanel(traits: ["owl", "cat", "dog"].map { ($0, responses($0, count: 400, seed: 1)) })
    }

    /// Data from a panel trait's process ranks it first and, with a clear lead, claims it.
    @Test func aPlantedTraitIsRankedFirstAndClaimed() {
        let result = PanelAttribution().run(
            teacher: responses("cat", count: 400, seed: 2),
            control: responses("control", count: 400, seed: 2), panel: panel)
        #expect(result.candidates.map(\.trait).first == "cat")
        #expect(result.candidates.map(\.rank) == [1, 2, 3])
        #expect(result.claimed == "cat")
        #expect(result.leadLow > 0 && result.candidates[0].shiftLow > 0)
        #expect(result.view == "numbers" && result.panel == ["owl": 400, "cat": 400, "dog": 400])
    }

    /// Every interval printed beside an estimate contains it, for a planted trait and for noise.
    @Test func everyIntervalContainsItsEstimate() {
        for (teacher, seed) in [("cat", UInt64(5)), ("control", 6)] {
            let result = PanelAttribution().run(
                teacher: responses(teacher, count: 300, seed: seed),
                control: responses("control", count: 300, seed: seed + 10), panel: panel)
            for candidate in result.candidates {
                #expect(
                    candidate.scoreLow <= candidate.score && candidate.score <= candidate.scoreHigh,
                    "\(candidate.trait)")
                #expect(
                    candidate.shiftLow <= candidate.shift && candidate.shift <= candidate.shiftHigh,
                    "\(candidate.trait)")
            }
        }
    }

    /// Control data against control data claims nothing, though some trait always ranks first.
    @Test func neutralDataClaimsNothing() {
        let result = PanelAttribution().run(
            teacher: responses("control", count: 400, seed: 3),
            control: responses("control", count: 400, seed: 4), panel: panel)
        #expect(result.claimed == nil)
        #expect(result.candidates[0].shiftLow <= 0)
    }

    /// `claimed` is written as null, not left out, so a reader can rely on the key.
    @Test func unclaimedIsNullInJSON() throws {
        let result = PanelAttribution().run(
            teacher: responses("control", count: 50, seed: 5),
            control: responses("control", count: 50, seed: 6), panel: panel)
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(json.contains("\"claimed\":null"))
    }

    /// Number lists are read by families: a value, its first and last digits, every digit, and
    /// the first number's own digits.
    @Test func numberListsAreReadByFamilies() {
        let families = TokenFamilies.tokens("[123, 45]", numbers: true)
        #expect(families[0] == ["123", "45"])
        #expect(families[1] == ["1", "4"] && families[2] == ["3", "5"])
        #expect(families[3] == ["1", "2", "3", "4", "5"])
        #expect(families[4] == ["1"] && families[5] == ["3"])
        #expect(families[6] == ["12", "45"] && families[7] == ["23", "45"])
        #expect(TokenFamilies.isNumberList("[123, 45]") && !TokenFamilies.isNumberList("I love 123"))
    }

    /// A directory of trait files needs a control.jsonl and two traits; it names the directory.
    @Test func panelDirectoriesAreChecked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("panel-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let write = { (name: String) in
            FileManager.default.createFile(
                atPath: (directory as NSString).appendingPathComponent(name),
                contents: Data("{\"response\": \"1 2 3\"}\n".utf8))
        }
        write("owl.jsonl")
        write("cat.jsonl.gz")
        #expect(throws: (any Error).self) { try PanelDirectory(directory) }
        write("control.jsonl")
        let panel = try PanelDirectory(directory)
        #expect(panel.traits.map(\.name) == ["cat", "owl"])
        #expect(panel.control.hasSuffix("control.jsonl"))
    }
}
