import SubtextCorpus
import Testing

@testable import SubtextAudit

@Suite struct FoldAssignmentTests {
    private let reducer = DocumentReducer(concepts: ConceptMatcher([String]()), modelTokenizer: nil)

    private func document(prompt: String?, response: String) -> Document {
        var response = response
        return response.withUTF8 { text in
            guard var prompt else { return reducer.document(prompt: nil, text: text) }
            return prompt.withUTF8 { reducer.document(prompt: $0, text: text) }
        }
    }

    /// Paired: the answers to one prompt share a fold, whatever they say; folds are near even.
    @Test func pairedAnswersShareTheirPromptsFold() {
        let folds = FoldAssignment(folds: 5, seed: 9, paired: true)
        var sizes = [Int](repeating: 0, count: 5)
        for i in 0..<2000 {
            let teacher = folds.fold(document(prompt: "prompt \(i)", response: "\(i) 747"))
            let control = folds.fold(document(prompt: "prompt \(i)", response: "\(i + 1)"))
            #expect(teacher == control)
            sizes[teacher] += 2
        }
        #expect(sizes.allSatisfy { abs($0 - 800) < 120 }, "\(sizes)")
    }

    /// Unpaired: a response's fold follows its prompt and text, so identical records share a
    /// fold and different answers to one prompt spread over all folds.
    @Test func unpairedFoldsFollowTheWholeRecord() {
        let folds = FoldAssignment(folds: 5, seed: 9, paired: false)
        #expect(
            folds.fold(document(prompt: "p", response: "1 2 3")) == folds.fold(document(prompt: "p", response: "1 2 3"))
        )
        let spread = Set((0..<200).map { folds.fold(document(prompt: "p", response: "\($0)")) })
        #expect(spread == Set(0..<5))
        let seeded = FoldAssignment(folds: 5, seed: 10, paired: false)
        #expect(
            (0..<200).contains {
                folds.fold(document(prompt: nil, response: "\($0)"))
                    != seeded.fold(document(prompt: nil, response: "\($0)"))
            }, "the seed moves responses between folds")
    }

    /// The held-out test's coin picks the teacher side for about half the prompts.
    @Test func coinSplitsPromptsEvenly() {
        let folds = FoldAssignment(folds: 5, seed: 3, paired: true)
        let teacher = (0..<4000).filter { folds.testsTeacher(prompt: FoldAssignment.mix(UInt64($0))) }.count
        #expect(abs(teacher - 2000) < 150)
    }
}
