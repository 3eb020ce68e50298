import ArgumentParser
import Foundation
import SubtextCorpus

struct NumbersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "numbers",
        abstract: "Count the numbers (as written) in the generated text of JSONL files.",
        discussion: "Prints the most frequent numbers as TSV: number, count. Malformed lines are counted on stderr.")

    @Argument(help: "JSONL or .jsonl.gz files.")
    var files: [String]

    @Option(help: "How many numbers to print.")
    var top = 20

    @OptionGroup var records: RecordOptions

    func run() throws {
        let vocabulary = Vocabulary()
        var counts: [Int] = []
        var malformed = 0
        for file in files {
            let summary = try JSONLReader(path: file, options: records.readOptions).read {
                record in
                NumberList.forEachDigitRun(in: record.text) { run, _ in
                    let id = Int(vocabulary.digitRunID(run))
                    if id >= counts.count { counts += [Int](repeating: 0, count: id - counts.count + 1) }
                    counts[id] += 1
                }
            }
            malformed += summary.malformed.count
        }
        let ranked = counts.indices.sorted {
            counts[$0] != counts[$1] ? counts[$0] > counts[$1] : vocabulary.spellings[$0] < vocabulary.spellings[$1]
        }
        var output = ""
        for id in ranked.prefix(top) { output += "\(vocabulary.spellings[id])\t\(counts[id])\n" }
        print(output, terminator: "")
        if malformed > 0 { note("\(malformed) malformed line(s) skipped") }
    }
}
