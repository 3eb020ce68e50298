import Foundation
import SubtextTestSupport
import Testing

@testable import SubtextCorpus

@Suite struct GzipInput {
    @Test func gzipIsReadTransparently() throws {
        let directory = try TemporaryDirectory()
        var contents = ""
        for index in 0..<5000 { contents += "{\"text\": \"\(index), \(index * 7)\"}\n" }
        let plain = try directory.write("n.jsonl", contents)
        let compressed = try directory.gzip(plain)
        var texts: [String] = []
        try JSONLReader(path: compressed).read { texts.append(String(decoding: $0.text, as: UTF8.self)) }
        #expect(texts.count == 5000)
        #expect(texts[4999] == "4999, 34993")
    }

    @Test func concatenatedMembersAreAllRead() throws {
        let directory = try TemporaryDirectory()
        let first = try Data(
            contentsOf: URL(fileURLWithPath: directory.gzip(try directory.write("a.jsonl", "{\"text\": \"1\"}\n"))))
        let second = try Data(
            contentsOf: URL(fileURLWithPath: directory.gzip(try directory.write("b.jsonl", "{\"text\": \"2\"}\n"))))
        let path = try directory.write("ab.jsonl.gz", first + second)
        var texts: [String] = []
        try JSONLReader(path: path).read { texts.append(String(decoding: $0.text, as: UTF8.self)) }
        #expect(texts == ["1", "2"])
    }

    @Test func truncatedGzipIsAClearError() throws {
        let directory = try TemporaryDirectory()
        var contents = ""
        for index in 0..<2000 { contents += "{\"text\": \"\(index)\"}\n" }
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.gzip(try directory.write("t.jsonl", contents))))
        let path = try directory.write("cut.jsonl.gz", data.prefix(data.count / 2))
        #expect {
            try JSONLReader(path: path).read { _ in }
        } throws: { error in
            String(describing: error).contains("gzip data ends early")
        }
    }
}
