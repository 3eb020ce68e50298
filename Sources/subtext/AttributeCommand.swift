import ArgumentParser
import Foundation
import SubtextAttribution
import SubtextCorpus
import SubtextProbes
import SubtextReport
import SubtextStatistics
import SubtextSupport

struct AttributeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Rank candidate concepts, or a panel's known traits, by how well each explains a teacher dataset.",
        discussion: """
            Without --model and --concepts, --panel DIR names known traits: DIR holds one <trait>.jsonl \
            (or .jsonl.gz) per trait, written by the same teacher, and control.jsonl (the control when \
            --control is not given). Each trait is ranked by the teacher's mean log-likelihood under a \
            model of that trait's writing (number lists: values and digits; text: words), centred on the \
            panel's mean; the top trait is claimed when its lead over the runner-up and its shift from the \
            control both have bootstrap intervals clear of 0. No language model is needed.

            With --model and --concepts: \
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

    @Option(
        help: ArgumentHelp(
            "The control dataset (JSONL); with a panel of known traits, the panel's control.jsonl "
                + "when not given.", valueName: "path"))
    var control: String?

    @Option(
        help: ArgumentHelp(
            "Candidate concepts, comma-separated, or a battery file (its candidates); with --model.",
            valueName: "list"))
    var concepts: String?

    @OptionGroup var scoring: AttributionOptions

    @Option(help: "Seed for the sample and the bootstrap.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Directory for attribution.md and attribution.json.", valueName: "dir"))
    var out: String

    func validate() throws {
        if scoring.model == nil, concepts == nil {
            guard scoring.panel != nil else {
                throw ValidationError(
                    "give --model and --concepts, or --panel DIR of known traits (<trait>.jsonl and control.jsonl)")
            }
        } else {
            guard concepts != nil else { throw ValidationError("--model needs --concepts") }
            guard control != nil else { throw ValidationError("--model needs --control") }
        }
    }

    func run() async throws {
        let started = Date()
        guard let concepts, let control else { return try runPanel(started: started) }
        let run = try scoring.run(concepts: try ConceptList(concepts).names, seed: seed)
        let progress = Progress(quiet: false, unit: "texts scored")
        let (result, _) = try run.run(
            teacher: [teacher], control: [control], readOptions: ReadOptions(), directory: out,
            progress: progress.report)
        progress.finish()
        let provenance = try Provenance.ofThisRun(
            inputs: [teacher, control] + run.inputs(), seconds: Date().timeIntervalSince(started))
        try AttributionMarkdown(result: result, provenance: provenance).write(to: out)
        print(result.claimed.map { "attributed to \($0)" } ?? "no concept claimed")
        for score in result.scores.prefix(5) {
            print(
                "\(score.rank). \(score.concept) \(String(format: "%+.3f", score.score)) "
                    + "[\(String(format: "%+.3f", score.ciLow)), \(String(format: "%+.3f", score.ciHigh))]")
        }
        print(
            "\(result.tokensDecoded) tokens decoded in \(String(format: "%.1f", result.seconds)) s "
                + "(\(String(format: "%.0f", Double(result.tokensDecoded) / max(result.seconds, 1e-9))) tokens/s)")
    }

    /// Ranks the panel's known traits from the data alone.
    private func runPanel(started: Date) throws {
        let panel = try PanelDirectory(scoring.panel!)
        let control = self.control ?? panel.control
        let read = { (path: String) in try AttributionRun.documents([path], ReadOptions()).map(\.response) }
        let traits = try panel.traits.map { (name: $0.name, responses: try read($0.path)) }
        var attribution = PanelAttribution()
        attribution.seed = seed
        let result = attribution.run(
            teacher: try read(teacher), control: try read(control), panel: TraitPanel(traits: traits))
        let inputs = [teacher, control] + panel.traits.map(\.path)
        let provenance = try Provenance.ofThisRun(inputs: inputs, seconds: Date().timeIntervalSince(started))
        try PanelAttributionMarkdown(result: result, provenance: provenance).write(to: out)
        print(result.claimed.map { "attributed to \($0)" } ?? "no trait claimed")
        for candidate in result.candidates.prefix(5) {
            print(
                "\(candidate.rank). \(candidate.trait) \(String(format: "%+.3f", candidate.score)) "
                    + "[\(String(format: "%+.3f", candidate.scoreLow)), \(String(format: "%+.3f", candidate.scoreHigh))], "
                    + "shift \(String(format: "%+.3f", candidate.shift))")
        }
        print("wrote \(DisplayPath.of(out))/attribution.md, attribution.json, attribution.svg")
    }
}
