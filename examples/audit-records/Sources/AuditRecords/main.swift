import Foundation
import SubtextAudit

/// Reads {"prompt", "response"} JSONL into records: any source of records will do.
func records(_ path: String) throws -> [Record] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
        try JSONDecoder().decode(Record.self, from: Data($0.utf8))
    }
}

let arguments = CommandLine.arguments
let teacher = try records(arguments[1])
let control = try records(arguments[2])
let result = try Auditor().audit(teacher: teacher, control: control)
print("verdict: \(result.verdict)")
print("p = \(result.pValue), AUROC at K = 16: \(result.auroc[16].map { String($0) } ?? "n/a")")
print("carried by: \(result.carriedBy?.rawValue ?? "nothing")")
print("top carriers: \(result.carriers.prefix(3).map(\.token))")
exit(result.verdict == .signal ? 3 : 0)
