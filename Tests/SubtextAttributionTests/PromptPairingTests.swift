import Testing
import SubtextAttribution

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
        #expect(LikelihoodShift.alignedByPrompt(teacher: side(Array(0..<20), "t"), control: side(Array(5..<25), "c")) != nil)
        #expect(LikelihoodShift.alignedByPrompt(teacher: side(Array(0..<20), "t"), control: side(Array(6..<26), "c")) == nil)
        #expect(LikelihoodShift.alignedByPrompt(teacher: side(Array(0..<10), "t"), control: side(Array(10..<20), "c")) == nil)
    }

    @Test func doesNotPairWhenASideRepeatsAPrompt() {
        #expect(LikelihoodShift.alignedByPrompt(teacher: side([1, 2, 2, 3], "t"), control: side([1, 2, 3], "c")) == nil)
    }

    @Test func samplingDrawsTheSamePromptsOnBothSides() {
        let drawn = LikelihoodShift.sample(teacher: side(Array(0..<50), "t"), control: side(Array(1..<50), "c"), size: 10, seed: 3)
        #expect(drawn.paired && drawn.teacher.count == 10)
        #expect(drawn.teacher.map(\.prompt) == drawn.control.map(\.prompt))
    }
}
