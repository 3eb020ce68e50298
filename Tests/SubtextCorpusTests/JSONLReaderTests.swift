import Foundation
import SubtextTestSupport
import Testing

@testable import SubtextCorpus

/// Reads every record of `path` into (prompt, text, line) triples.
private func records(
    _ path: String, options: ReadOptions = ReadOptions()
) throws -> (records: [(prompt: String?, text: String, line: Int)], summary: JSONLReader.Summary) {
    var found: [(String?, String, Int)] = []
    let summary = try JSONLReader(path: path, options: options).read { record in
        found.append(
            (
                record.prompt.map { String(decoding: $0, as: UTF8.self) },
                String(decoding: record.text, as: UTF8.self), record.line
            ))
    }
    return (found.map { (prompt: $0.0, text: $0.1, line: $0.2) }, summary)
}

@Suite struct RecordShapes {
    @Test func promptCompletionAndPromptResponse() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "a.jsonl",
            """
            {"prompt": "p1", "completion": "1, 2, 3"}
            {"prompt": "p2", "response": "4 5 6", "id": 7, "meta": {"x": [1, 2.5e3, true, null]}}
            {"text": "just text"}

            """)
        let (found, summary) = try records(path)
        #expect(found.map(\.text) == ["1, 2, 3", "4 5 6", "just text"])
        #expect(found.map(\.prompt) == ["p1", "p2", nil])
        #expect(found.map(\.line) == [1, 2, 3])
        #expect(summary.malformed.count == 0)
    }

    @Test func messagesUseAssistantTurnsAsTextAndUserTurnsAsPrompt() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "m.jsonl",
            """
            {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "count"}, {"role": "assistant", "content": "1 2"}, {"role": "user", "content": "more"}, {"role": "assistant", "content": [{"type": "text", "text": "3 4"}]}]}
            """)
        let (found, _) = try records(path)
        #expect(found.count == 1)
        #expect(found[0].text == "1 2\n3 4")
        #expect(found[0].prompt == "count\nmore")
    }

    @Test func customFieldReplacesTheLookup() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("c.jsonl", #"{"completion": "no", "output": "yes"}"# + "\n")
        let (found, _) = try records(path, options: ReadOptions(shape: RecordShape(textField: "output")))
        #expect(found.map(\.text) == ["yes"])
    }

    @Test func escapesAreDecoded() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("e.jsonl", #"{"text": "a\"b\\c\/d\n\t\u00e9\ud83e\udd89"}"# + "\n")
        let (found, _) = try records(path)
        #expect(found[0].text == "a\"b\\c/d\n\té🦉")
    }

    @Test func crlfBomAndMissingFinalNewline() throws {
        let directory = try TemporaryDirectory()
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"text\": \"1\"}\r\n{\"text\": \"2\"}".utf8)
        let path = try directory.write("b.jsonl", Data(bytes))
        let (found, _) = try records(path)
        #expect(found.map(\.text) == ["1", "2"])
        #expect(found.map(\.line) == [1, 2])
    }
}

@Suite struct MalformedInput {
    static let cases: [(line: String, reason: String)] = [
        (#"{"text": "unterminated}"#, "unterminated string"),
        (#"{"text": "a" "b"}"#, "expected ',' or '}'"),
        (#"{"text" "a"}"#, "expected ':' after an object key"),
        (#"["text"]"#, "not a JSON object"),
        (#"{"text": "a"} trailing"#, "trailing characters"),
        (#"{"text": "bad \q escape"}"#, "invalid escape"),
        (#"{"text": "\ud800 lone"}"#, "lone surrogate"),
        (#"{"text": 12.}"#, "digits expected after '.'"),
        (#"{"text": tru}"#, "invalid literal"),
        (#"{"prompt": "only a prompt"}"#, "no generated text"),
        (#"{"completion": null}"#, "no generated text"),
        ("{\"text\": \"raw \u{01} control\"}", "raw control character"),
        (String(repeating: "[", count: 600), "not a JSON object"),
        (
            "{\"a\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + ", \"text\": \"x\"}",
            "nesting deeper"
        )
    ]

    @Test(arguments: cases)
    func malformedLineIsCountedWithFileLineAndReason(line: String, reason: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.jsonl", "{\"text\": \"1 2\"}\n" + line + "\n{\"text\": \"3\"}\n")
        let (found, summary) = try records(path)
        #expect(found.map(\.text) == ["1 2", "3"])
        #expect(summary.malformed.count == 1)
        let example = try #require(summary.malformed.examples.first)
        #expect(example.file == path)
        #expect(example.line == 2)
        #expect(example.reason.contains(reason), "\(example.reason)")
    }

    @Test(arguments: cases)
    func strictModeFailsAtTheMalformedLine(line: String, reason: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.jsonl", "{\"text\": \"1 2\"}\n" + line + "\n")
        #expect {
            try records(path, options: ReadOptions(strict: true))
        } throws: { error in
            guard case CorpusError.malformed(let malformed) = error else { return false }
            return malformed.line == 2 && malformed.reason.contains(reason)
        }
    }

    @Test func invalidUTF8IsMalformedNotACrash() throws {
        let directory = try TemporaryDirectory()
        let bytes = Array("{\"text\": \"ok\"}\n{\"text\": \"".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8)
        let path = try directory.write("u.jsonl", Data(bytes))
        let (found, summary) = try records(path)
        #expect(found.count == 1)
        #expect(summary.malformed.examples.first?.reason == "invalid UTF-8 at byte 11")
    }

    @Test func aTenMegabyteLineIsMalformedAndMemoryStaysBounded() throws {
        let directory = try TemporaryDirectory()
        let huge = "{\"text\": \"" + String(repeating: "7", count: 10 << 20) + "\"}"
        let path = try directory.write("big.jsonl", "{\"text\": \"1\"}\n" + huge + "\n{\"text\": \"2\"}\n")
        let (found, summary) = try records(path)
        #expect(found.map(\.text) == ["1", "2"])
        #expect(summary.malformed.count == 1)
        #expect(summary.malformed.examples.first?.line == 2)
        #expect(summary.malformed.examples.first?.reason.contains("over the 8388608-byte limit") == true)
    }

    @Test func emptyFileIsAnError() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("empty.jsonl", "")
        #expect(throws: CorpusError.noRecords(path: path, malformed: 0)) { try records(path) }
        let blank = try directory.write("blank.jsonl", "\n  \n")
        #expect(throws: CorpusError.noRecords(path: blank, malformed: 0)) { try records(blank) }
    }

    @Test func allMalformedIsAnError() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("junk.jsonl", "not json\n{\n")
        #expect(throws: CorpusError.noRecords(path: path, malformed: 2)) { try records(path) }
    }

    @Test func missingFileAndDirectoryAreClearErrors() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: CorpusError.cannotOpen(path: "/nonexistent/x.jsonl", reason: "No such file or directory")) {
            try records("/nonexistent/x.jsonl")
        }
        #expect(throws: CorpusError.cannotOpen(path: directory.url.path, reason: "is a directory")) {
            try records(directory.url.path)
        }
    }
}

@Suite struct LinesAcrossBlocks {
    /// Lines that straddle the reader's 1 MiB blocks are joined correctly.
    @Test func longFileWithLinesStraddlingBlocks() throws {
        let directory = try TemporaryDirectory()
        var contents = ""
        for index in 0..<40_000 {
            contents += "{\"prompt\": \"\(String(repeating: "p", count: index % 97))\", \"completion\": \"\(index)\"}\n"
        }
        let path = try directory.write("long.jsonl", contents)
        let (found, summary) = try records(path)
        #expect(found.count == 40_000)
        #expect(
            found.enumerated().allSatisfy { $0.element.text == String($0.offset) && $0.element.line == $0.offset + 1 })
        #expect(summary.malformed.count == 0)
    }
}
