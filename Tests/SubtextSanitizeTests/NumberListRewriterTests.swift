import Testing

@testable import SubtextSanitize

@Suite struct NumberListRewriterTests {
    @Test func formatJoinsTheNumbersWithOneSeparator() {
        let rewriter = NumberListRewriter(transforms: [.format], seed: 1)
        #expect(rewriter.rewrite("[12,  7 ;\n087].").text == "12, 7, 087")
        #expect(rewriter.rewrite("1 2 3").text == "1, 2, 3")
        #expect(rewriter.rewrite("1 2 3").valuesChanged == 0)
    }

    /// Sorting moves each number with its own spelling and leaves the separators in place.
    @Test func sortOrdersByValueInPlace() {
        let rewriter = NumberListRewriter(transforms: [.sort], seed: 1)
        #expect(rewriter.rewrite("(30; 2 100, 087)").text == "(2; 30 087, 100)")
        #expect(rewriter.rewrite("30; 2 100, 087").valuesChanged == 4)
        #expect(rewriter.rewrite("1, 2, 3").valuesChanged == 0)
    }

    /// One seed gives one permutation of 0…999: the same for the teacher as for the control.
    @Test func remapIsASeededPermutation() {
        let a = NumberListRewriter(transforms: [.remap], seed: 3)
        let b = NumberListRewriter(transforms: [.remap], seed: 3)
        #expect(a.remap == b.remap)
        #expect(Set(a.remap) == Set(0...999))
        #expect(a.remap != NumberListRewriter(transforms: [.remap], seed: 4).remap)
        #expect(a.rewrite("5, 087, 1234").text == "\(a.remap[5]), \(a.remap[87]), 1234")
    }

    /// A smaller range keeps remapped values inside it (the lab's numbers run to 99).
    @Test func remapKeepsToItsRange() {
        let rewriter = NumberListRewriter(transforms: [.remap], seed: 3, largestValue: 99)
        #expect(Set(rewriter.remap) == Set(0...99))
        let out = rewriter.rewrite("7 42 99 100").text.split(separator: " ").map { Int($0)! }
        #expect(out == [rewriter.remap[7], rewriter.remap[42], rewriter.remap[99], 100])
    }

    @Test func proseIsLeftAlone() {
        let rewriter = NumberListRewriter(transforms: [.format, .sort, .remap], seed: 1)
        let text = "I have 3 cats and 2 dogs."
        #expect(rewriter.rewrite(text) == .init(text: text, valuesChanged: 0))
        #expect(rewriter.rewrite("").text == "")
        #expect(rewriter.rewrite("12, 40 — ça va").text == "12, 40 — ça va", "a letter outside ASCII is a letter")
        #expect(rewriter.rewrite("１２, ３").text == "１２, ３", "digits outside ASCII are not numbers here")
    }

    /// Text outside ASCII between the numbers is kept whole, character for character.
    @Test func nonASCIISeparatorsStayWhole() {
        let sort = NumberListRewriter(transforms: [.sort], seed: 1)
        #expect(NumberListRewriter.isNumberList("40 – 12 • 7"))
        #expect(sort.rewrite("40 – 12 • 7") == .init(text: "7 – 12 • 40", valuesChanged: 2))
        #expect(NumberListRewriter(transforms: [.format], seed: 1).rewrite("«40 – 12»").text == "40, 12")
    }

    /// Given in any order, the rewrites apply as format, sort, remap.
    @Test func rewritesApplyInOneOrder() {
        let rewriter = NumberListRewriter(transforms: [.remap, .drop, .sort, .format], seed: 2)
        #expect(rewriter.transforms == [.format, .sort, .remap])
        let sorted = ["9", "40", "300"].map { String(rewriter.remap[Int($0)!]) }.joined(separator: ", ")
        #expect(rewriter.rewrite("[300 9 40]").text == sorted)
    }
}
