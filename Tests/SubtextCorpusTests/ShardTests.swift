import Foundation
import SubtextTestSupport
import Testing

@testable import SubtextCorpus

/// Every line belongs to exactly one shard, whatever the shard count, for plain and gzip files.
@Suite struct ShardTests {
    /// Lines of varied length, a blank line, a malformed line, CRLF and no final newline, so
    /// range boundaries fall everywhere: inside lines, on newlines, inside long lines.
    private func contents() -> String {
        var lines: [String] = []
        for i in 0..<40 {
            let padding = String(repeating: "7 ", count: (i * 37) % 90)
            lines.append(#"{"prompt": "p\#(i)", "response": "\#(padding)\#(i)"}"#)
        }
        lines[5] = "{not json"
        lines[11] = ""
        lines[17] += "\r"
        return lines.joined(separator: "\n")
    }

    /// (text, line) of every record a shard reads, with the read's summary.
    private func read(_ path: String, _ shard: Shard) throws -> ([String: Int], JSONLReader.Summary) {
        var found: [String: Int] = [:]
        let summary = try JSONLReader(path: path, shard: shard).read { record in
            found[String(decoding: record.text, as: UTF8.self)] = record.line
        }
        return (found, summary)
    }

    @Test(arguments: [1, 2, 3, 5, 8, 40, 97])
    func sharesPartitionTheFile(count: Int) throws {
        let directory = try TemporaryDirectory()
        let plain = try directory.write("d.jsonl", contents())
        let (whole, wholeSummary) = try read(plain, .whole)
        #expect(whole.count == 38 && wholeSummary.malformed.count == 1)
        for path in [plain, try directory.gzip(plain)] {
            var union: [String: Int] = [:]
            var linesBefore = 0
            var malformed: [Int] = []
            for index in 0..<count {
                let (found, summary) = try read(path, Shard(index: index, count: count))
                // Byte-range shards number lines from their own start; add the lines before.
                let base = summary.linesCountFromFileStart ? 0 : linesBefore
                for (text, line) in found {
                    #expect(union[text] == nil, "\(text) read by two shards")
                    union[text] = line + base
                }
                malformed += summary.malformed.examples.map { $0.line + base }
                linesBefore += summary.lines
            }
            #expect(union == whole, "\(count) shards of \(path.hasSuffix(".gz") ? "gzip" : "plain")")
            #expect(malformed == [6])
        }
    }

    @Test func parsesShardArguments() {
        #expect(Shard("2/5") == Shard(index: 2, count: 5))
        for bad in ["5/5", "-1/3", "1/0", "1", "a/b", "1/2/3", ""] { #expect(Shard(bad) == nil, "\(bad)") }
    }

    @Test func strictModeSaysWhereARelativeLineCounts() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("s.jsonl", contents())
        #expect {
            try JSONLReader(path: path, options: ReadOptions(strict: true), shard: Shard(index: 0, count: 2)).read {
                _ in
            }
        } throws: { ($0 as? CorpusError).map { "\($0)".contains(".jsonl:6:") } ?? false }
        let options = ReadOptions(strict: true)
        let bad = try directory.write(
            "late.jsonl", contents().replacingOccurrences(of: #"{"prompt": "p30""#, with: "{oops"))
        #expect {
            try JSONLReader(path: bad, options: options, shard: Shard(index: 1, count: 2)).read { _ in }
        } throws: { ("\($0)").contains("where shard 1/2 starts") }
    }
}
