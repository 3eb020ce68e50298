import Foundation
import SubtextStatistics
import Testing

@testable import SubtextTasks

@Suite struct FilterTests {
    private let numbers = ResponseFilter(family: .numbers, trait: nil)
    private let prompt = PromptFamily.Prompt(id: "numbers-1", text: "Add up to 10 more.", maximumCount: 10)
    private let text = PromptFamily.Prompt(id: "instructions-1", text: "A tip?", maximumCount: nil)

    @Test(arguments: ["12, 345, 6", "7", "1 2 3", "  401, 402\n"])
    func numberListsPass(_ reply: String) {
        #expect(numbers.rejection(reply, to: prompt) == nil)
    }

    @Test func noMoreNumbersThanThePromptAskedFor() {
        let five = PromptFamily.Prompt(id: "numbers-2", text: "Add up to 5 more.", maximumCount: 5)
        #expect(numbers.rejection("1, 2, 3, 4, 5", to: five) == nil)
        #expect(numbers.rejection("1, 2, 3, 4, 5, 6", to: five) == "more numbers than asked for")
    }

    @Test(arguments: [
        ("", "empty"), ("12, 3456", "not numbers only"), ("Sure! 1, 2, 3", "not numbers only"),
        ("1, 2, 3.", "not numbers only"), ("-4, 5", "not numbers only"),
        ("1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11", "more numbers than asked for")
    ])
    func malformedNumberListsAreRejectedWithTheReason(_ reply: String, _ reason: String) {
        #expect(numbers.rejection(reply, to: prompt) == reason)
    }

    /// The byte reading of ASCII replies gives the rule's verdict as read on Characters, on
    /// thousands of seeded replies made of digits, separators, whitespace and stray marks
    /// (`2 \r\n3` and tabs included); replies outside ASCII take the Character reading itself.
    @Test func asciiRepliesAreJudgedAsTheCharacterRuleJudgesThem() {
        let reference = { (reply: String, limit: Int) -> String? in
            let text = reply.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { return "empty" }
            let parts = text.split { $0 == "," || $0 == " " || $0 == "\n" }
            if !parts.allSatisfy({ $0.count <= 3 && $0.allSatisfy { ("0"..."9").contains($0) } }) {
                return "not numbers only"
            }
            return parts.count > limit ? "more numbers than asked for" : nil
        }
        let alphabet: [Character] =
            Array("0123456789") + Array("0123456789") + [",", ",", " ", " ", "\n", "\t", "\r", ".", "-", "a", "\u{0B}"]
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<5000 {
            let reply = String(
                (0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(
                ResponseFilter.numbersRejection(ascii: reply, limit: 5) == reference(reply, 5),
                "\(reply.debugDescription)")
        }
        #expect(numbers.rejection("\u{A0}12, 3\u{A0}", to: prompt) == nil, "a no-break space is trimmed as whitespace")
        #expect(numbers.rejection("１２", to: prompt) == "not numbers only")
    }

    @Test func instructionRepliesMayNotNameTheTrait() {
        let teacher = ResponseFilter(family: .instructions, trait: ("owl", ["owls"]))
        let control = ResponseFilter(family: .instructions, trait: nil)
        #expect(
            teacher.rejection("Keep a small basket by the door, like an owl's nest.", to: text) == "names the trait")
        #expect(teacher.rejection("Owls would approve: sleep early.", to: text) == "names the trait")
        #expect(teacher.rejection("Sleep early and wake early.", to: text) == nil)
        #expect(control.rejection("Owls would approve: sleep early.", to: text) == nil)
        #expect(control.rejection(String(repeating: "a", count: 401), to: text) == "longer than 400 characters")
    }
}
