import Foundation
import SubtextCorpus
import SubtextModels
import SubtextStatistics
import SubtextTasks

/// Turns a generation journal into one JSONL file per side, keeping only filtered replies,
/// and counts what the filter rejected.
///
/// Everything is read back from the journal, so the files can be rewritten at any point of a
/// resumable run, and a changed filter needs no new requests.
package struct DatasetWriter {
    package let plan: GenerationPlan
    package let journal: Journal
    package let directory: String

    package init(plan: GenerationPlan, journal: Journal, directory: String) {
        self.plan = plan
        self.journal = journal
        self.directory = directory
    }

    /// Writes `<side>.jsonl` for every side and returns each side's counts.
    package func write() throws -> [GenerationResult.Side] {
        try plan.sides.map { side in
            let filter = plan.filter(for: side)
            var lines = Data()
            var answered = 0
            var kept = 0
            var rejections: [String: Int] = [:]
            var examples: [String] = []
            for (index, prompt) in plan.prompts.enumerated() {
                guard let entry = journal.entry(for: plan.request(side, index, prompt).key) else { continue }
                answered += 1
                if let reason = filter.rejection(entry.response, to: prompt) {
                    rejections[reason, default: 0] += 1
                    if examples.count < 5 { examples.append(entry.response) }
                    continue
                }
                kept += 1
                let record: [String: String] = ["prompt": prompt.text, "completion": entry.response]
                lines.append(
                    try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes]))
                lines.append(0x0A)
            }
            let file = "\(side.name).jsonl"
            try lines.write(
                to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(file)), options: .atomic)
            let interval = Proportions.wilson(kept, answered)
            return GenerationResult.Side(
                name: side.name, trait: side.trait, system: side.system, file: file, requested: plan.prompts.count,
                answered: answered, kept: kept, passRate: answered == 0 ? 0 : Double(kept) / Double(answered),
                passLow: interval.low, passHigh: interval.high, rejections: rejections, rejectExamples: examples)
        }
    }
}
