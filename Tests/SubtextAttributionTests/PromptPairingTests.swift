import SubtextAttribution
import Testing

@Suite struct PromptPairingTests {
    private typealias Document = LikelihoodShift.Document

    private func side(_ prompts: [Int], _ name: String) -> [Document] {
        prompts.map { Document(prompt: "p\($0)", response: "\(name) \($0)") }
    }

    /// The filter keeps a different few prompts on each side; pairing uses the ones both kept.
    @Test func pairsTheSharedPromptsRowByRow() throws {
        let teacher = side(Array((0..<20).filter { $0 != 3 }.reversed()), "t")
        let control = side((0..<20).filter { $0 != 7 && $0 != 11 }, "c")
        let aligned = try #require(LikelihoodShift.alignedByPrompt(teacher: teacher, control: control))
        #expect(aligned.teacher.count == 17)
        #expect(aligned.teacher.map(\.prompt) == aligned.control.map(\.prompt))
        #expect(!aligned.teacher.map(\.prompt).contains("p3") && !aligned.control.map(\.prompt).contains("p7"))
        #expect(aligned.teacher.allSatisfy { $0.response.hasPrefix("t ") })
    }

    @Test func doesNotPairWhenItWouldDropMoreThanAQuarter() {
        #expect(
            LikelihoodShift.alignedByPrompt(teacher: side(Array(0..<20), "t"), control: side(Array(5..<25), "c")) != nil
        )
        #expect(
            LikelihoodShift.alignedByPrompt(teacher: side(Array(0..<20), "t"), control: side(Array(6..<26), "c")) == nil
        )
        #expect(
            LikelihoodShift.alignedByPrompt(teacher: side(Array(0..<10), "t"), control: side(Array(10..<20), "c"))
                == nil)
    }

    /// The instructions family asks each of its ~140 prompts several times a side.
    @Test func pairsRepeatedPromptsByOccurrence() throws {
        let teacher = [
            Document(prompt: "p1", response: "t1a"), Document(prompt: "p2", response: "t2a"),
            Document(prompt: "p1", response: "t1b"), Document(prompt: "p1", response: "t1c"),
            Document(prompt: "p3", response: "t3a")
        ]
        let control = [
            Document(prompt: "p1", response: "c1a"), Document(prompt: "p3", response: "c3a"),
            Document(prompt: "p2", response: "c2a"), Document(prompt: "p1", response: "c1b")
        ]
        let aligned = try #require(LikelihoodShift.alignedByPrompt(teacher: teacher, control: control))
        #expect(aligned.teacher.map(\.response) == ["t1a", "t1b", "t2a", "t3a"])
        #expect(aligned.control.map(\.response) == ["c1a", "c1b", "c2a", "c3a"])
    }

    @Test func samplingDrawsTheSamePromptsOnBothSides() {
        let drawn = LikelihoodShift.sample(
            teacher: side(Array(0..<50), "t"), control: side(Array(1..<50), "c"), size: 10, seed: 3)
        #expect(drawn.paired && drawn.teacher.count == 10)
        #expect(drawn.teacher.map(\.prompt) == drawn.control.map(\.prompt))
    }
}
