import ArgumentParser
import Foundation
import SubtextAttribution
import SubtextCorpus
import SubtextProbes
import SubtextReport
import SubtextStatistics

struct AttributeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Rank candidate concepts by how well each explains a teacher dataset against its control.",
        discussion: """
            For each concept c and response, Δc = log P(response | prompt, "you love c") − \
            log P(response | prompt), scored in-process by llama.cpp's library (scripts/install_llama.sh \
            builds it). A concept's score is mean Δc over the teacher minus mean Δc over the control, \
            with a bootstrap interval over responses. The top concept is claimed only when its interval \
            and its lead over the runner-up both exclude 0. Writes OUT/attribution.md and OUT/attribution.json.
            """)

    @Option(help: ArgumentHelp("The teacher dataset (JSONL).", valueName: "path"))
    var teacher: String

    @Option(help: ArgumentHelp("The control dataset (JSONL).", valueName: "path"))
    var control: String

    @Option(help: ArgumentHelp("The GGUF model to score with.", valueName: "path"))
    var modelFile: String

    @Option(help: ArgumentHelp("Candidate concepts, comma-separated, or a battery file (its candidates).", valueName: "list"))
    var concepts: String

    @Option(help: "Score a random sample of this many responses per side (0: all).")
    var sample = 500

    @Option(help: ArgumentHelp("The system prompt scored for each concept, with {concept}.", valueName: "text"))
    var template = LikelihoodShift.defaultTemplate

    @Option(help: ArgumentHelp("Threads for llama.cpp (default: all cores). Use fewer when a model server shares the "
                               + "machine: llama.cpp's threads spin while they wait, so oversubscribed cores slow it many times over."))
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seed for the sample and the bootstrap.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Directory for attribution.md and attribution.json.", valueName: "dir"))
    var out: String

    func run() async throws {
        let candidates = concepts.hasSuffix(".yaml") || concepts.hasSuffix(".yml")
            ? try BatteryLoader().load(path: concepts).candidates.map(\.name)
            : concepts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard candidates.count >= 2 else { throw ValidationError("--concepts needs at least two concepts") }
        guard template.contains("{concept}") else { throw ValidationError("--template must contain {concept}") }
        let teacherDocuments = try sampled(try Self.documents(teacher), stream: "teacher")
        let controlDocuments = try sampled(try Self.documents(control), stream: "control")
        note("scoring \(teacherDocuments.count) + \(controlDocuments.count) responses under \(candidates.count + 1) system prompts")
        var shift = LikelihoodShift(scorer: try LlamaScorer(model: modelFile, threads: threads), template: template)
        shift.ranking.seed = seed
        let result = try shift.attribute(teacher: teacherDocuments, control: controlDocuments, concepts: candidates)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(result).write(to: URL(fileURLWithPath: (out as NSString).appendingPathComponent("attribution.json")),
                                         options: .atomic)
        let command = (["subtext"] + CommandLine.arguments.dropFirst()).map(shellQuoted).joined(separator: " ")
        try Data(AttributionMarkdown(result: result, command: command).render().utf8)
            .write(to: URL(fileURLWithPath: (out as NSString).appendingPathComponent("attribution.md")), options: .atomic)
        print(result.claimed.map { "attributed to \($0)" } ?? "no concept claimed")
        for score in result.scores.prefix(5) {
            print("\(score.rank). \(score.concept) \(String(format: "%+.3f", score.score)) "
                + "[\(String(format: "%+.3f", score.ciLow)), \(String(format: "%+.3f", score.ciHigh))]")
        }
        print("\(result.tokensScored) tokens scored in \(String(format: "%.1f", result.seconds)) s "
            + "(\(String(format: "%.0f", Double(result.tokensScored) / max(result.seconds, 1e-9))) tokens/s)")
    }

    /// A seeded sample without replacement, or everything when --sample is 0 or larger.
    private func sampled(_ documents: [LikelihoodShift.Document], stream: String) throws -> [LikelihoodShift.Document] {
        guard sample > 0, documents.count > sample else { return documents }
        var generator = SeededGenerator.stream(seed, "attribution sample \(stream)")
        return Array(documents.shuffled(using: &generator).prefix(sample))
    }

    private static func documents(_ path: String) throws -> [LikelihoodShift.Document] {
        var documents: [LikelihoodShift.Document] = []
        _ = try JSONLReader(path: path, options: ReadOptions()).read { record in
            documents.append(.init(prompt: record.prompt.map { String(decoding: $0, as: UTF8.self) } ?? "",
                                   response: String(decoding: record.text, as: UTF8.self)))
        }
        guard !documents.isEmpty else { throw CorpusError.cannotOpen(path: path, reason: "no records") }
        return documents
    }
}
