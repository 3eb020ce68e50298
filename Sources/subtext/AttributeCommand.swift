import ArgumentParser
import Foundation
import SubtextSupport
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
            with a bootstrap interval over responses. With 5 or more concepts they are ranked by the \
            calibrated score: the teacher's mean Δc minus what a least-squares line through the other \
            concepts' (control mean Δ, teacher mean Δ) predicts. It removes what a teacher written in another \
            style than its control (a persona's text against plain answers) does to every concept's \
            score in proportion to how hard that concept's prompt penalises the control. The top concept \
            is claimed only when its interval and its lead over the runner-up both exclude 0, and, when \
            calibrated, its control mean Δ is not so far from the other concepts' that its score \
            extrapolates their line (leverage above 1; such a concept is marked †). With --panel DIR, \
            a `subtext generate` directory of persona teachers of several traits, concepts are ranked \
            instead by the centred score: the score minus its mean over the panel's teachers of other \
            traits, which measures what any persona's text gains under each concept's prompt. Writes OUT/attribution.md, OUT/attribution.json and OUT/attribution.svg. \
            Each text's score is journaled in OUT/attribution-scores.jsonl as it is made, so a run \
            stopped midway resumes where it stopped when run again with the same OUT. \
            When both files answer mostly the same prompts (as `subtext generate` writes them), answers \
            to one prompt are paired across the sides (a prompt's k-th answer on one with its k-th on \
            the other), sampled together and resampled in pairs.
            """)

    @Option(help: ArgumentHelp("The teacher dataset (JSONL).", valueName: "path"))
    var teacher: String

    @Option(help: ArgumentHelp("The control dataset (JSONL).", valueName: "path"))
    var control: String

    @Option(help: ArgumentHelp("Candidate concepts, comma-separated, or a battery file (its candidates).", valueName: "list"))
    var concepts: String

    @OptionGroup var scoring: AttributionOptions

    @Option(help: "Seed for the sample and the bootstrap.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Directory for attribution.md and attribution.json.", valueName: "dir"))
    var out: String

    func run() async throws {
        let started = Date()
        let run = try scoring.run(concepts: try ConceptList(concepts).names, seed: seed)
        let progress = Progress(quiet: false, unit: "texts scored")
        let (result, _) = try run.run(teacher: [teacher], control: [control], readOptions: ReadOptions(), directory: out,
                                      progress: progress.report)
        progress.finish()
        let provenance = try Provenance.ofThisRun(inputs: [teacher, control] + run.inputs(), seconds: Date().timeIntervalSince(started))
        try AttributionReportWriter(directory: out).write(result, provenance: provenance)
        print(result.claimed.map { "attributed to \($0)" } ?? "no concept claimed")
        for score in result.scores.prefix(5) {
            print("\(score.rank). \(score.concept) \(String(format: "%+.3f", score.score)) "
                + "[\(String(format: "%+.3f", score.ciLow)), \(String(format: "%+.3f", score.ciHigh))]")
        }
        print("\(result.tokensDecoded) tokens decoded in \(String(format: "%.1f", result.seconds)) s "
            + "(\(String(format: "%.0f", Double(result.tokensDecoded) / max(result.seconds, 1e-9))) tokens/s)")
    }
}
