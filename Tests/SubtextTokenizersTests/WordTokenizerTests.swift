import Testing

@testable import SubtextTokenizers

@Suite struct WordTokenizerTests {
    @Test func wordsAreLoweredNumbersKeptPunctuationSplit() {
        #expect(
            WordTokenizer().tokens("The OWL says 087, not 87!") == ["the", "owl", "says", "087", ",", "not", "87", "!"])
    }

    @Test func unicodeWordsStayWhole() {
        #expect(WordTokenizer().tokens("café 日本 snake_case") == ["café", "日本", "snake_case"])
    }

    @Test func whitespaceIsDroppedAndEmptyTextHasNoTokens() {
        #expect(WordTokenizer().tokens(" \t\n ").isEmpty)
        #expect(WordTokenizer().tokens("a\n\nb") == ["a", "b"])
    }
}
