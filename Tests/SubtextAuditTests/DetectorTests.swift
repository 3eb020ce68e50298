import Foundation
import SubtextStatistics
import SubtextSynthetic
import SubtextTestSupport
import Testing

@testable import SubtextAudit

@Suite struct DetectorTests {
    /// A planted content bias is found, carried by content, with the carriers on top.
    @Test func plantedBiasIsFoundAndAttributedToContent() throws {
        let scratch = try Scratch()
        let (teacher, control) = PlantedBiasPair(seed: 5, responses: 600, strength: 0.08).generate()
        let result = try audit(
            [try scratch.write("t.jsonl", records: teacher)], [try scratch.write("c.jsonl", records: control)])
        #expect(result.verdict == .signal)
        #expect(result.pValue <= 0.01)
        #expect(result.carriedBy == .content)
        #expect(result.format.pValue > 0.01)
        #expect(Set(result.carriers.prefix(3).map(\.token)) == Set(PlantedBiasPair.defaultCarriers))
        #expect(result.carriers.prefix(3).allSatisfy { $0.q < 0.001 && $0.teacherCount > $0.controlCount })
        #expect(result.auroc[16]! > result.auroc[1]!)
        #expect(result.strongestFeatures.prefix(3).allSatisfy { $0.group == "content" && $0.difference > 0 })
        #expect(result.promptsIdentical)
        #expect(result.view == .numbers)
    }

    /// Two halves of one control-like set: no carrier and an AUROC near chance. (The
    /// p-value's calibration is checked over many splits in `CalibrationTests`.)
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func noSignalBetweenHalvesOfOneSet(seed: UInt64) throws {
        let scratch = try Scratch()
        let (_, control) = PlantedBiasPair(seed: 100 + seed, responses: 600).generate()
        let a = try scratch.write("a.jsonl", records: Array(control[..<300]))
        let b = try scratch.write("b.jsonl", records: Array(control[300...]))
        let result = try audit([a], [b], testConfiguration(seed: seed))
        #expect(result.carriersSignificant == 0)
        #expect(abs(result.auroc[1]! - 0.5) < 0.08)
        #expect(!result.promptsIdentical)
    }

    /// A format-only difference (separator) is attributed to format, not content.
    @Test func formatOnlyDifferenceIsAttributedToFormat() throws {
        let scratch = try Scratch()
        let (_, control) = PlantedBiasPair(seed: 9, responses: 800).generate()
        let teacher = control.map { record in
            PlantedBiasPair.Record(
                prompt: record.prompt, response: record.response.replacingOccurrences(of: " ", with: "  "))
        }
        let result = try audit(
            [try scratch.write("t.jsonl", records: Array(teacher[..<400]))],
            [try scratch.write("c.jsonl", records: Array(control[400...]))])
        #expect(result.verdict == .signal)
        #expect(result.format.pValue <= 0.01)
        #expect(result.content.pValue > 0.01)
        #expect(result.carriedBy == .format)
        #expect(result.strongestFeatures.first?.group == "format")
        #expect(result.strongestFeatures.first?.feature.hasPrefix("separator") == true)
    }

    /// Prose is audited in the token view; a planted word is the top carrier.
    @Test func textDatasetsUseTheTokenView() throws {
        let scratch = try Scratch()
        let subjects = [
            "the river", "a small garden", "my old bicycle", "the morning train", "this recipe", "our library"
        ]
        let verbs = ["needs", "shows", "keeps", "brings", "offers", "hides"]
        let objects = ["patience", "a quiet charm", "some surprises", "many details", "real value", "a simple plan"]
        var generator = SeededGenerator(seed: 3)
        func sentence(planted: Bool) -> String {
            var words =
                "\(subjects.randomElement(using: &generator)!) \(verbs.randomElement(using: &generator)!) \(objects.randomElement(using: &generator)!)"
            if planted, Int.random(in: 0..<4, using: &generator) == 0 { words += ", like a feather" }
            return words.prefix(1).uppercased() + words.dropFirst() + "."
        }
        let teacher = (0..<400).map { _ in
            "{\"prompt\": \"Describe something.\", \"response\": \"\(sentence(planted: true))\"}"
        }
        let control = (0..<400).map { _ in
            "{\"prompt\": \"Describe something.\", \"response\": \"\(sentence(planted: false))\"}"
        }
        let result = try audit(
            [try scratch.write("t.jsonl", lines: teacher)], [try scratch.write("c.jsonl", lines: control)],
            testConfiguration(concepts: ["feather"]))
        #expect(result.view == .tokens)
        #expect(result.verdict == .signal)
        #expect(result.carriers.prefix(3).map(\.token).contains("feather"))
        #expect(result.leaks.concepts["feather"]!.teacher > 50)
        #expect(result.leaks.concepts["feather"]!.control == 0)
    }

    /// Too few responses for bags of 16: the value is absent (null in JSON) with a note.
    @Test func tooFewResponsesForBagsIsNullWithANote() throws {
        let scratch = try Scratch()
        let (teacher, control) = PlantedBiasPair(seed: 2, responses: 40).generate()
        let result = try audit(
            [try scratch.write("t.jsonl", records: teacher)], [try scratch.write("c.jsonl", records: control)])
        #expect(result.auroc[1] != nil)
        #expect(result.auroc[16] == nil)
        #expect(result.notes.contains { if case .tooFewForBags(_, 16, _, _, _) = $0 { true } else { false } })
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        let auroc = json["auroc"] as! [String: Any]
        #expect(auroc["16"] is NSNull)
        #expect(auroc["1"] is Double)
    }

    /// Several teacher files: each gets a result, and the pooled result comes first.
    @Test func severalTeacherFilesArePooled() throws {
        let scratch = try Scratch()
        let (teacher, control) = PlantedBiasPair(seed: 4, responses: 400, strength: 0.08).generate()
        let first = try scratch.write("t1.jsonl", records: Array(teacher[..<200]))
        let second = try scratch.write("t2.jsonl", records: Array(teacher[200...]))
        let result = try audit([first, second], [try scratch.write("c.jsonl", records: control)])
        // Results name files outside the working directory by file name, never by absolute path.
        #expect(result.perFile?.map(\.name) == ["t1.jsonl", "t2.jsonl"])
        #expect(result.documents["teacher"] == 400)
        #expect(result.perFile?.allSatisfy { $0.documents["teacher"] == 200 } == true)
    }

    /// The same seed gives the same numbers.
    @Test func auditsAreDeterministic() throws {
        let scratch = try Scratch()
        let (teacher, control) = PlantedBiasPair(seed: 8, responses: 200).generate()
        let t = try scratch.write("t.jsonl", records: teacher)
        let c = try scratch.write("c.jsonl", records: control)
        let first = try audit([t], [c])
        let second = try audit([t], [c])
        #expect(first.pValue == second.pValue)
        #expect(first.auroc[8] == second.auroc[8])
        #expect(first.aurocCI[1] == second.aurocCI[1])
    }
}
