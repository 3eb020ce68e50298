import ArgumentParser
import Foundation
import SubtextSupport
import SubtextAttribution
import SubtextCorpus
import SubtextProbes
import SubtextModels

/// The scoring model and its settings, shared by `attribute` and `audit --model`.
struct AttributionOptions: ParsableArguments {
    @Option(name: [.customLong("model"), .customLong("model-file")],
            help: ArgumentHelp("A GGUF model to score responses with, in-process through llama.cpp's library "
                               + "(scripts/install_llama.sh builds it). On a CPU, prefer F16 weights to Q4_1: "
                               + "llama.cpp's fast kernels skip Q4_1 (scripts/dequantize_gguf.py converts).",
                               valueName: "gguf"))
    var model: String?

    @Option(help: "Responses per side scored for attribution, drawn with the seed (0: all).")
    var sample = 500

    @Option(help: ArgumentHelp("The system prompt scored for each concept, with {concept}. Keep it different from the "
                               + "wording that wrote the data, or the ranking is circular.", valueName: "text"))
    var template = LikelihoodShift.defaultTemplate

    @Option(help: ArgumentHelp("A reference panel: a `subtext generate` directory (its manifest.json names each "
                               + "teacher's trait and file, and control.jsonl) of persona teachers of several traits, "
                               + "made by the same kind of model on the same kind of prompts. Each concept is then "
                               + "ranked by its score minus its mean score over the panel's teachers of other traits. "
                               + "A panel file identical to a teacher under test is left out.", valueName: "dir"))
    var panel: String?

    @Option(help: ArgumentHelp("Threads for llama.cpp. Use fewer when a model server shares the machine: llama.cpp's "
                               + "threads spin while they wait, so oversubscribed cores slow it many times over."))
    var threads = ProcessInfo.processInfo.activeProcessorCount

    /// The panel's manifest and files, for a report's provenance; none without a panel.
    func panelFiles() throws -> [String] {
        guard let panel else { return [] }
        let manifest = try PanelManifest(directory: panel)
        return [manifest.path, manifest.control] + manifest.teachers.map(\.path)
    }

    func validate() throws {
        guard template.contains("{concept}") else { throw ValidationError("--template must contain {concept}") }
        guard sample >= 0 else { throw ValidationError("--sample must be 0 (all) or more") }
    }
}

/// Concepts from the command line: comma-separated names, or a battery file's candidates (and
/// its questions, for the entanglement scan).
struct ConceptList {
    var names: [String]
    var questions: [String]

    init(_ argument: String) throws {
        if argument.hasSuffix(".yaml") || argument.hasSuffix(".yml") {
            let battery = try BatteryLoader().load(path: argument)
            names = battery.candidates.map(\.name)
            questions = Array(battery.prompts.prefix(5).map(\.text))
        } else {
            names = argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            questions = [EntanglementScan.defaultQuestion(concepts: names)]
        }
    }
}

/// One attribution: read both sides, sample, score, rank.
struct AttributionRun {
    var options: AttributionOptions
    var concepts: [String]
    var seed: UInt64

    /// Scores are journaled in `directory`/attribution-scores.jsonl as they are made, so a run
    /// stopped midway resumes there.
    func attribute(teacher: [String], control: [String], readOptions: ReadOptions,
                   directory: String) throws -> (LikelihoodShift.Result, LlamaScorer) {
        guard let model = options.model else { throw ValidationError("attribution needs --model GGUF") }
        guard concepts.count >= 2 else { throw ValidationError("attribution needs at least two --concepts") }
        let sample = LikelihoodShift.sample(teacher: try Self.documents(teacher, readOptions),
                                            control: try Self.documents(control, readOptions), size: options.sample, seed: seed)
        note("attribution: scoring \(sample.teacher.count) + \(sample.control.count) responses under \(concepts.count + 1) "
            + "system prompts" + (sample.paired ? ", paired by the prompts both sides answered" : ""))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let journal = try ScoreJournal(path: (directory as NSString).appendingPathComponent("attribution-scores.jsonl"),
                                       modelSHA256: try FileHash.sha256(model))
        if journal.droppedTornLine { note("attribution: dropped a torn last line of \(journal.path) (a run was cut short)") }
        if journal.count > 0 { note("attribution: \(journal.count) scores from an earlier run in \(journal.path)") }
        let panel = try options.panel.map { try panelSamples($0, excluding: teacher, readOptions: readOptions) } ?? []
        let scorer = try LlamaScorer(model: model, threads: options.threads)
        scorer.journal = journal
        var shift = LikelihoodShift(scorer: scorer, template: options.template)
        shift.ranking.seed = seed
        let progress = Progress(quiet: false, unit: "texts scored")
        let result = try shift.attribute(teacher: sample.teacher, control: sample.control, concepts: concepts,
                                         paired: sample.paired, panel: panel, progress: progress.report)
        progress.finish()
        return (result, scorer)
    }

    /// The panel's teachers, each sampled against the panel's control as the data is.
    private func panelSamples(_ directory: String, excluding teachers: [String],
                              readOptions: ReadOptions) throws -> [LikelihoodShift.PanelSample] {
        let manifest = try PanelManifest(directory: directory)
        let excluded = Set(try teachers.map(FileHash.sha256))
        let control = try Self.documents([manifest.control], readOptions)
        var samples: [LikelihoodShift.PanelSample] = []
        for (trait, path) in manifest.teachers {
            if excluded.contains(try FileHash.sha256(path)) {
                note("attribution: panel teacher \(path) is the data under test; left out of the panel")
                continue
            }
            let drawn = LikelihoodShift.sample(teacher: try Self.documents([path], readOptions), control: control,
                                               size: options.sample, seed: seed)
            samples.append(.init(trait: trait, teacher: drawn.teacher, control: drawn.control, paired: drawn.paired))
        }
        guard samples.count >= 2 else {
            throw ValidationError("--panel \(directory) has \(samples.count) teacher(s) besides the data under test; it needs at least 2")
        }
        note("attribution: centring on a panel of \(samples.count) teachers (\(samples.map(\.trait).joined(separator: ", ")))")
        return samples
    }

    static func documents(_ paths: [String], _ readOptions: ReadOptions) throws -> [LikelihoodShift.Document] {
        var documents: [LikelihoodShift.Document] = []
        for path in paths {
            _ = try JSONLReader(path: path, options: readOptions).read { record in
                documents.append(.init(prompt: record.prompt.map { String(decoding: $0, as: UTF8.self) } ?? "",
                                       response: String(decoding: record.text, as: UTF8.self)))
            }
        }
        guard !documents.isEmpty else {
            throw CorpusError.cannotOpen(path: paths.joined(separator: ", "), reason: "no records")
        }
        return documents
    }
}

/// What attribution reads of a `subtext generate` manifest.json: each side's trait and file.
struct PanelManifest {
    var path: String
    var control: String
    var teachers: [(trait: String, path: String)]

    private struct File: Decodable {
        struct Side: Decodable {
            var name: String
            var trait: String?
            var file: String
        }
        var sides: [Side]
    }

    init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorpusError.cannotOpen(path: path, reason: "a panel is a `subtext generate` directory with a manifest.json")
        }
        let sides: [File.Side]
        do {
            sides = try JSONDecoder().decode(File.self, from: data).sides
        } catch {
            throw CorpusError.cannotOpen(path: path, reason: "not a generate manifest (sides with name, trait and file): \(error)")
        }
        let file = { (side: File.Side) in (directory as NSString).appendingPathComponent(side.file) }
        guard let control = sides.first(where: { $0.trait == nil }) else {
            throw CorpusError.cannotOpen(path: path, reason: "no control side (a side without a trait)")
        }
        self.control = file(control)
        teachers = sides.compactMap { side in side.trait.map { ($0, file(side)) } }
    }
}
