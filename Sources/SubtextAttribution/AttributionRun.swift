import Foundation
import SubtextCorpus
import SubtextModels
import SubtextSupport

/// One attribution of files on disk: read both sides, sample them, score every text under
/// each concept's system prompt with a GGUF model in process, and rank. Scores are journaled
/// in the output directory as they are made, so a run stopped midway resumes there.
package struct AttributionRun {
    /// The GGUF model that scores.
    package var model: String
    package var concepts: [String]
    /// Responses a side drawn with the seed (0: all).
    package var sample = 500
    package var template = LikelihoodShift.defaultTemplate
    /// A `subtext generate` directory of teachers of other traits to centre the scores on.
    package var panel: String?
    package var threads = ProcessInfo.processInfo.activeProcessorCount
    package var seed: UInt64 = 1
    /// Lines a person reads on standard error: what is scored, journal state, the panel.
    package var log: (String) -> Void = { _ in }

    package init(model: String, concepts: [String]) {
        self.model = model
        self.concepts = concepts
    }

    /// The journal of scores made in `directory`: attribution-scores.jsonl.
    package static let journalName = "attribution-scores.jsonl"

    /// Ranks the concepts on `teacher` against `control`, and returns the ranking with the
    /// scorer, which an entanglement scan can go on using.
    package func run(
        teacher: [String], control: [String], readOptions: ReadOptions, directory: String,
        progress: @escaping (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws
        -> (result: LikelihoodShift.Result, scorer: LlamaScorer)
    {
        guard concepts.count >= 2 else { throw AttributionError.usage("attribution needs at least two concepts") }
        let sample = LikelihoodShift.sample(
            teacher: try Self.documents(teacher, readOptions),
            control: try Self.documents(control, readOptions), size: self.sample, seed: seed)
        log(
            "attribution: scoring \(sample.teacher.count) + \(sample.control.count) responses under \(concepts.count + 1) "
                + "system prompts" + (sample.paired ? ", paired by the prompts both sides answered" : ""))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let journal = try ScoreJournal(
            path: (directory as NSString).appendingPathComponent(Self.journalName),
            modelSHA256: try FileHash.sha256(model))
        if journal.droppedTornLine {
            log("attribution: dropped a torn last line of \(journal.path) (a run was cut short)")
        }
        if journal.count > 0 { log("attribution: \(journal.count) scores from an earlier run in \(journal.path)") }
        let panelSamples =
            try panel.map { try self.panelSamples($0, excluding: teacher, readOptions: readOptions) } ?? []
        let scorer = try LlamaScorer(model: model, threads: threads)
        scorer.journal = journal
        var shift = LikelihoodShift(scorer: scorer, template: template)
        shift.ranking.seed = seed
        let result = try shift.attribute(
            teacher: sample.teacher, control: sample.control, concepts: concepts,
            paired: sample.paired, panel: panelSamples, progress: progress)
        return (result, scorer)
    }

    /// The files a report's provenance names besides the data: the model, and the panel's
    /// manifest and files.
    package func inputs() throws -> [String] {
        guard let panel else { return [model] }
        let manifest = try PanelManifest(directory: panel)
        return [model, manifest.path, manifest.control] + manifest.teachers.map(\.path)
    }

    /// The panel's teachers, each sampled against the panel's control as the data is.
    private func panelSamples(
        _ directory: String, excluding teachers: [String],
        readOptions: ReadOptions
    ) throws -> [LikelihoodShift.PanelSample] {
        let manifest = try PanelManifest(directory: directory)
        let excluded = Set(try teachers.map(FileHash.sha256))
        let control = try Self.documents([manifest.control], readOptions)
        var samples: [LikelihoodShift.PanelSample] = []
        for (trait, path) in manifest.teachers {
            if excluded.contains(try FileHash.sha256(path)) {
                log("attribution: panel teacher \(path) is the data under test; left out of the panel")
                continue
            }
            let drawn = LikelihoodShift.sample(
                teacher: try Self.documents([path], readOptions), control: control,
                size: sample, seed: seed)
            samples.append(.init(trait: trait, teacher: drawn.teacher, control: drawn.control, paired: drawn.paired))
        }
        guard samples.count >= 2 else {
            throw AttributionError.usage(
                "--panel \(directory) has \(samples.count) teacher(s) besides the data under test; it needs at least 2")
        }
        log(
            "attribution: centring on a panel of \(samples.count) teachers (\(samples.map(\.trait).joined(separator: ", ")))"
        )
        return samples
    }

    /// Every record of `paths`, as prompt and response.
    package static func documents(_ paths: [String], _ readOptions: ReadOptions) throws -> [LikelihoodShift.Document] {
        var documents: [LikelihoodShift.Document] = []
        for path in paths {
            _ = try JSONLReader(path: path, options: readOptions).read { record in
                documents.append(
                    .init(
                        prompt: record.prompt.map { String(decoding: $0, as: UTF8.self) } ?? "",
                        response: String(decoding: record.text, as: UTF8.self)))
            }
        }
        guard !documents.isEmpty else {
            throw CorpusError.cannotOpen(path: paths.joined(separator: ", "), reason: "no records")
        }
        return documents
    }
}
