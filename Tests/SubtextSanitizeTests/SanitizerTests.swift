import Foundation
import SubtextAudit
import SubtextCorpus
import SubtextSynthetic
import SubtextTestSupport
import Testing

@testable import SubtextSanitize

/// Writes records as {"id", "prompt", "response"} JSONL: an extra field the output must keep.
private func write(_ scratch: TemporaryDirectory, _ name: String, _ records: [PlantedBiasPair.Record]) throws -> String
{
    try scratch.write(
        name,
        lines: records.enumerated().map { index, record in
            let object: [String: Any] = ["id": index, "prompt": record.prompt, "response": record.response]
            return String(
                decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        })
}

private func objects(_ path: String) throws -> [[String: Any]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
}

/// Few permutations: the tests check what sanitizing does, not the audit's resolution.
private func sanitizer(
    _ transforms: [Transform], by: DropScore = .classifier, budget: Double = 0.3,
    saved: (rule: DropRule, path: String)? = nil
) -> Sanitizer {
    var audit = AuditConfiguration()
    audit.permutations = 199
    audit.bootstrap = 40
    return Sanitizer(transforms: transforms, seed: 3, dropBudget: budget, dropBy: by, savedRule: saved, audit: audit)
}

@Suite struct SanitizerTests {
    /// Planted carriers: dropping the teacher responses that hold them leaves nothing to find,
    /// at a cost within the budget.
    @Test func droppingByCarriersRemovesAPlantedChannel() throws {
        let scratch = try TemporaryDirectory()
        let (teacher, control) = PlantedBiasPair(seed: 5, responses: 600, strength: 0.05).generate()
        let out = scratch.path("out")
        let result = try sanitizer([.drop], by: .carriers).run(
            teacher: try write(scratch, "t.jsonl", teacher), control: try write(scratch, "c.jsonl", control),
            directory: out)
        #expect(result.before?.verdict == .signal)
        #expect(result.after?.verdict == .noSignal)
        #expect(result.afterScope == .heldOutHalf)
        #expect(result.rowsIn == 600 && result.rowsOut < 600 && result.rowsOut >= 420)
        #expect(result.teacher.rowsDropped == 600 - result.rowsOut)
        // The sides answered the same prompts: each dropped answer's partner goes too.
        #expect(result.control?.rowsOut == result.rowsOut)
        #expect(result.validShare == 1)
        let kept = try objects((out as NSString).appendingPathComponent("teacher.jsonl"))
        #expect(kept.count == result.rowsOut)
        #expect(kept.allSatisfy { Set($0.keys) == ["id", "prompt", "response"] })
        #expect(
            kept.allSatisfy { record in
                !PlantedBiasPair.defaultCarriers.contains { (record["response"] as! String).contains($0) }
            })
        let rule = try JSONDecoder().decode(
            DropRule.self,
            from: Data(contentsOf: URL(fileURLWithPath: (out as NSString).appendingPathComponent("drop-rule.json"))))
        #expect(Set(rule.rule.tokens.keys) == Set(PlantedBiasPair.defaultCarriers))
    }

    /// Two draws of one control-like process: the classifier's drop, scored out of sample,
    /// must not manufacture a difference.
    @Test func droppingFromDataWithoutAChannelLeavesNone() throws {
        let scratch = try TemporaryDirectory()
        let (_, first) = PlantedBiasPair(seed: 21, responses: 500).generate()
        let (_, second) = PlantedBiasPair(seed: 22, responses: 500).generate()
        let result = try sanitizer([.drop]).run(
            teacher: try write(scratch, "t.jsonl", first), control: try write(scratch, "c.jsonl", second),
            directory: scratch.path("out"))
        #expect(result.before?.verdict == .noSignal)
        #expect(result.after?.verdict == .noSignal)
        #expect(result.rowsOut == 350)
    }

    /// A rule saved by one run drops from another pair without refitting; the audit after reads
    /// all of it, since the rule never saw it.
    @Test func aSavedRuleAppliesToNewData() throws {
        let scratch = try TemporaryDirectory()
        let (teacher, control) = PlantedBiasPair(seed: 5, responses: 400, strength: 0.03).generate()
        let fitted = scratch.path("fitted")
        _ = try sanitizer([.drop], by: .carriers).run(
            teacher: try write(scratch, "t.jsonl", teacher), control: try write(scratch, "c.jsonl", control),
            directory: fitted)
        let path = (fitted as NSString).appendingPathComponent("drop-rule.json")
        let rule = try JSONDecoder().decode(DropRule.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let (newTeacher, newControl) = PlantedBiasPair(seed: 6, responses: 400, strength: 0.03).generate()
        let result = try sanitizer([.drop], saved: (rule, path)).run(
            teacher: try write(scratch, "t2.jsonl", newTeacher), control: try write(scratch, "c2.jsonl", newControl),
            directory: scratch.path("applied"))
        #expect(result.drop?.by == .carriers)
        #expect(result.drop?.rule.hasSuffix("drop-rule.json") == true)
        #expect(result.afterScope == .all)
        #expect(result.before?.verdict == .signal)
        #expect(result.after?.verdict == .noSignal)
        #expect(FileManager.default.fileExists(atPath: scratch.path("applied/drop-rule.json")) == false)
    }

    /// Rewrites keep every row and the record's shape, count what they changed, and skip what
    /// the reader cannot use.
    @Test func rewritesKeepShapeAndCountChanges() throws {
        let scratch = try TemporaryDirectory()
        let teacher = try scratch.write(
            "t.jsonl",
            lines: [
                #"{"messages":[{"role":"user","content":"go on: 1, 2"},{"role":"assistant","content":"[30, 4, 100]"}],"meta":{"k":"v"}}"#,
                #"{"messages":[{"role":"assistant","content":"Sure: 5 and 6"}]}"#,
                #"{"messages": not json"#,
                #"{"messages":[{"role":"assistant","content":"7 8 9"}]}"#
            ])
        let result = try sanitizer([.sort, .format]).run(teacher: teacher, control: nil, directory: scratch.path("out"))
        #expect(result.before == nil && result.after == nil)
        #expect(result.teacher.rowsIn == 3 && result.teacher.rowsOut == 3 && result.teacher.malformedSkipped == 1)
        #expect(result.teacher.responsesChanged == 2)
        #expect(result.teacher.valuesChanged == 2)
        #expect(result.teacher.validBefore == 1 && result.teacher.validAfter == 2)
        let lines = scratch.lines(scratch.path("out/teacher.jsonl"))
        #expect(
            lines[0]
                == #"{"messages":[{"role":"user","content":"go on: 1, 2"},{"role":"assistant","content":"4, 30, 100"}],"meta":{"k":"v"}}"#
        )
        #expect(lines[1] == #"{"messages":[{"role":"assistant","content":"Sure: 5 and 6"}]}"#)
        #expect(lines[2] == #"{"messages":[{"role":"assistant","content":"7, 8, 9"}]}"#)
    }

    @Test func dropNeedsAControl() throws {
        let scratch = try TemporaryDirectory()
        let teacher = try scratch.write("t.jsonl", lines: [#"{"response":"1 2 3"}"#])
        #expect(throws: SanitizeError.dropNeedsControl) {
            try sanitizer([.drop]).run(teacher: teacher, control: nil, directory: scratch.path("out"))
        }
    }

    /// The threshold drops the budget's share, and no more when scores tie at it.
    @Test func thresholdKeepsTies() {
        #expect(DropRule.threshold([5, 4, 3, 2, 1, 0, 0, 0, 0, 0], budget: 0.3) == 2)
        #expect(DropRule.threshold([1, 1, 1, 1], budget: 0.5) == 1)
        #expect(DropRule.threshold([3, 2, 1], budget: 0.1) == .infinity)
        #expect(DropRule.threshold([6, 5, 4, 3, 2, 1, 0], budget: 0.3) == 4)
    }
}
