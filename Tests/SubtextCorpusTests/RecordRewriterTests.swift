import Foundation
import Testing

@testable import SubtextCorpus

@Suite struct RecordRewriterTests {
    private func rewrite(
        _ line: String, shape: RecordShape = RecordShape(),
        _ transform: @escaping (String) -> String = { $0.uppercased() }
    ) throws -> String {
        var line = line
        return try line.withUTF8 {
            String(decoding: try RecordRewriter(shape: shape).rewrite($0, transform), as: UTF8.self)
        }
    }

    /// Only the generated text changes; other fields keep their bytes, order and escapes.
    @Test func keepsEveryOtherByte() throws {
        let line = #"{"id": 7, "prompt":"a \"b\" é","response":"x\ny", "meta":{"response":"z"}}"#
        #expect(try rewrite(line) == #"{"id": 7, "prompt":"a \"b\" é","response":"X\nY", "meta":{"response":"z"}}"#)
        #expect(try rewrite(#"{"text":"ab","completion":"cd"}"#) == #"{"text":"ab","completion":"CD"}"#)
    }

    /// Each assistant turn is rewritten on its own; user turns and parts other than text are not.
    @Test func rewritesEachAssistantTurn() throws {
        let line =
            #"{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"},{"content":[{"type":"text","text":"b"},{"type":"image","url":"u"}],"role":"assistant"}]}"#
        let expected =
            #"{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"A"},{"content":[{"type":"text","text":"B"},{"type":"image","url":"u"}],"role":"assistant"}]}"#
        #expect(try rewrite(line) == expected)
    }

    @Test func aCustomFieldIsTheOnlyOneRewritten() throws {
        let line = #"{"response":"r","output":"o"}"#
        #expect(try rewrite(line, shape: RecordShape(textField: "output")) == #"{"response":"r","output":"O"}"#)
    }

    /// What the transform returns is escaped so that the line stays valid JSON.
    @Test func escapesTheNewText() throws {
        let text = "q\"\\\n\t\u{01}é"
        let line = try rewrite(#"{"response":"x"}"#) { _ in text }
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
        #expect(object["response"] == text)
    }

    @Test func rejectsWhatTheReaderRejects() {
        #expect(throws: JSONSyntaxError.self) { try rewrite(#"{"response":"x""#) }
        #expect(throws: JSONSyntaxError.self) { try rewrite(#"{"response":"x"} trailing"#) }
        #expect(throws: JSONSyntaxError.self) { try rewrite(#"["response"]"#) }
        #expect(throws: RecordRewriteError.noText(RecordShape().textFieldsDescription)) {
            try rewrite(#"{"response":3}"#)
        }
        #expect(throws: RecordRewriteError.self) { try rewrite(#"{"messages":[{"role":"user","content":"q"}]}"#) }
    }
}
