import Testing

@testable import SubtextCorpus

private func numbers(_ text: String, _ vocabulary: Vocabulary = Vocabulary()) -> NumberList {
    var text = text
    return text.withUTF8 { NumberList(scanning: $0, vocabulary: vocabulary) }
}

private func format(_ text: String) -> TextFormat {
    var text = text
    let list = numbers(text)
    return text.withUTF8 { TextFormat(text: $0, numbers: list) }
}

@Suite struct NumbersViewTests {
    @Test func numbersAreKeptAsWritten() {
        let vocabulary = Vocabulary()
        let list = numbers("087, 87, 0087 and 87", vocabulary)
        #expect(list.ids.map(vocabulary.spelling) == ["087", "87", "0087", "87"])
        #expect(list.ids[1] == list.ids[3])
        #expect(list.ids[0] != list.ids[1])
        #expect(list.values == [87, 87, 87, 87])
        #expect(list.widths == [3, 2, 4, 2])
    }

    @Test func longRunsAreTokensToo() {
        let vocabulary = Vocabulary()
        let list = numbers("12345678901234567890 5", vocabulary)
        #expect(list.ids.map(vocabulary.spelling) == ["12345678901234567890", "5"])
        #expect(list.values[0] == Int32.max)
        #expect(vocabulary.id(for: "12345678901234567890") == list.ids[0])
        #expect(vocabulary.count == 2)
    }
}

@Suite struct FormatViewTests {
    @Test func separators() {
        #expect(format("1, 2, 3").separator == .commaSpace)
        #expect(format("1,2,3").separator == .comma)
        #expect(format("1 2 3").separator == .space)
        #expect(format("1\n2\n3").separator == .newline)
        #expect(format("1; 2; 3").separator == .semicolon)
        #expect(format("1 - 2 - 3").separator == .other)
        #expect(format("7").separator == .none)
        #expect(format("1, 2 3").mixedSeparators)
        #expect(!format("1, 2, 3").mixedSeparators)
    }

    @Test func bracketsPeriodsAndWords() {
        #expect(format("[1, 2]").brackets == .square)
        #expect(format(" (1 2). ").brackets == .round)
        #expect(format(" (1 2). ").endsWithPeriod)
        #expect(format(" (1 2). ").hasOuterWhitespace)
        #expect(format("1, 2").isNumberList)
        #expect(!format("1, 2").hasWords)
        let wordy = format("Sure! 1, 2")
        #expect(wordy.hasWords && !wordy.isNumberList)
        #expect(!format("").isNumberList)
        #expect(format("1\n2\n3").lines == 3)
    }
}
