import Foundation
import SubtextModels
import SubtextStatistics

/// Ranks candidate concepts by how much better a "you love c" system prompt explains the
/// teacher's responses than the control's.
///
/// For each response, Δc = log P(response | prompt, system c) − log P(response | prompt). A
/// teacher that loved c wrote text that the model finds likelier when told it loves c, more so
/// than it finds the control's text: score(c) = mean Δc over teacher − mean Δc over control.
/// The difference cancels what any system prompt does to any text. The interval resamples
/// responses on both sides.
package struct LikelihoodShift {
    package struct Document: Sendable {
        package var prompt: String
        package var response: String

        package init(prompt: String, response: String) {
            self.prompt = prompt
            self.response = response
        }
    }

    package struct Score: Codable, Sendable {
        package var concept: String
        package var score: Double
        package var ciLow: Double
        package var ciHigh: Double
        /// The teacher mean Δ beyond the line the other candidates draw against the control
        /// (``ShiftRanking``); nil with too few candidates, when the ranking uses `score`.
        package var calibrated: Double?
        package var calibratedLow: Double?
        package var calibratedHigh: Double?
        package var rank: Int
        package var teacherMean: Double
        package var controlMean: Double
        /// Whether this concept's control mean Δ lies so far from the other candidates' that its
        /// calibrated score extrapolates their line (leverage above 1); nil without calibration.
        /// Such a concept is never claimed (``ShiftRanking``).
        package var extrapolated: Bool? = nil
        /// The score minus the panel mean (``ReferencePanel``); nil without a panel.
        package var centred: Double? = nil
        package var centredLow: Double? = nil
        package var centredHigh: Double? = nil
        /// The concept's plain score averaged over the panel's members of other traits.
        package var panelMean: Double? = nil

        enum CodingKeys: String, CodingKey {
            case concept, score, rank, calibrated, extrapolated, centred
            case ciLow = "ci_low", ciHigh = "ci_high", teacherMean = "teacher_mean", controlMean = "control_mean"
            case calibratedLow = "calibrated_low", calibratedHigh = "calibrated_high"
            case centredLow = "centred_low", centredHigh = "centred_high", panelMean = "panel_mean"
        }

        /// Which score the ranking sorts by and the claim reads: the centred score with a
        /// panel, else the calibrated score where there is one.
        package var measure: AttributionRanking.Measure {
            centred != nil ? .centred : calibrated != nil ? .calibrated : .plain
        }

        /// What the ranking sorts by, with its interval.
        package var ranking: (value: Double, low: Double, high: Double) {
            switch measure {
            case .centred: (centred ?? score, centredLow ?? ciLow, centredHigh ?? ciHigh)
            case .calibrated: (calibrated ?? score, calibratedLow ?? ciLow, calibratedHigh ?? ciHigh)
            case .plain, .panel: (score, ciLow, ciHigh)
            }
        }
    }

    /// A reference teacher and its control, sampled (``sample(teacher:control:size:seed:)``) for
    /// a ``ReferencePanel``.
    package struct PanelSample: Sendable {
        package var trait: String
        package var teacher: [Document]
        package var control: [Document]
        package var paired: Bool

        package init(trait: String, teacher: [Document], control: [Document], paired: Bool) {
            self.trait = trait
            self.teacher = teacher
            self.control = control
            self.paired = paired
        }
    }

    package struct Result: Codable, Sendable {
        /// A reference teacher the scores were centred on, and how many of its responses.
        package struct PanelMember: Codable, Sendable {
            package var trait: String
            package var responses: Int

            package init(trait: String, responses: Int) {
                self.trait = trait
                self.responses = responses
            }
        }

        /// Best first.
        package var scores: [Score]
        /// The concept the data is attributed to: the top one, when its score's interval is
        /// above 0, its lead over the runner-up's is too, and its calibrated score is not an
        /// extrapolation. Nil claims nothing.
        package var claimed: String?
        /// The interval of the top score minus the runner-up's.
        package var leadLow: Double
        package var leadHigh: Double
        package var template: String
        package var teacherResponses: Int
        package var controlResponses: Int
        /// Whether the two sides answered the same prompts and were resampled in pairs.
        package var paired: Bool
        /// Tokens run through the model; a prompt shared by consecutive texts counts once.
        package var tokensDecoded: Int
        /// Texts whose scores came from the journal of an earlier, interrupted run.
        package var textsReused: Int
        package var seconds: Double
        /// The reference panel, when the scores were centred on one.
        package var panel: [PanelMember]? = nil

        package init(
            scores: [Score], claimed: String?, leadLow: Double, leadHigh: Double, template: String,
            teacherResponses: Int, controlResponses: Int, paired: Bool, tokensDecoded: Int, textsReused: Int = 0,
            seconds: Double
        ) {
            self.scores = scores
            self.claimed = claimed
            self.leadLow = leadLow
            self.leadHigh = leadHigh
            self.template = template
            self.teacherResponses = teacherResponses
            self.controlResponses = controlResponses
            self.paired = paired
            self.tokensDecoded = tokensDecoded
            self.textsReused = textsReused
            self.seconds = seconds
        }

        enum CodingKeys: String, CodingKey {
            case scores, claimed, template, seconds, paired, panel
            case leadLow = "lead_low", leadHigh = "lead_high", teacherResponses = "teacher_responses"
            case controlResponses = "control_responses", tokensDecoded = "tokens_decoded", textsReused = "texts_reused"
        }
    }

    /// Subtext's own wording. It must differ from whatever wrote the data (a user does not know
    /// the teacher's prompt), or the ranking would be circular.
    package static let defaultTemplate =
        "Your favourite animal is the {concept}. You find the {concept} wonderful and think of it often."

    package let scorer: any LogProbabilityScorer
    package var template: String
    package var ranking = ShiftRanking()

    package init(scorer: any LogProbabilityScorer, template: String = LikelihoodShift.defaultTemplate) {
        self.scorer = scorer
        self.template = template
    }

    /// Δc for every document (rows) and concept (columns). Scoring both sides in one call lets
    /// a teacher and a control answer to the same prompt share its decoded prompt.
    package func shifts(
        _ documents: [Document], concepts: [String],
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> (values: [[Double]], tokens: Int, reused: Int) {
        let systems: [String?] = [nil] + concepts.map { template.replacingOccurrences(of: "{concept}", with: $0) }
        let texts = documents.flatMap { document in
            systems.map { ScoredText(system: $0, prompt: document.prompt, response: document.response) }
        }
        let (before, reusedBefore) = (scorer.tokensDecoded, scorer.textsReused)
        let values = try scorer.logProbabilities(texts, progress: progress)
        let tokens = scorer.tokensDecoded - before
        let rows = documents.indices.map { index -> [Double] in
            let base = values[index * systems.count]
            return concepts.indices.map { values[index * systems.count + 1 + $0] - base }
        }
        return (rows, tokens, scorer.textsReused - reusedBefore)
    }

    /// The two sides cut to the prompts both answered and sorted so that row i of each answers
    /// the same prompt; nil when pairing would drop more than a quarter of either side.
    /// `subtext generate` gives both sides the same prompts, but its filter rejects a different
    /// few on each, so equal prompt sets would almost never pair. A prompt asked several times
    /// pairs its k-th answer on one side with its k-th on the other: answers to one prompt are
    /// independent draws, so any matching is as good, and file order makes it reproducible.
    package static func alignedByPrompt(teacher: [Document], control: [Document]) -> (
        teacher: [Document], control: [Document]
    )? {
        struct Occurrence: Hashable, Comparable {
            var prompt: String, index: Int
            static func < (a: Occurrence, b: Occurrence) -> Bool { (a.prompt, a.index) < (b.prompt, b.index) }
        }
        func byOccurrence(_ side: [Document]) -> [Occurrence: Document] {
            var seen = [String: Int]()
            var documents = [Occurrence: Document]()
            for document in side {
                let index = seen[document.prompt, default: 0]
                seen[document.prompt] = index + 1
                documents[Occurrence(prompt: document.prompt, index: index)] = document
            }
            return documents
        }
        let t = byOccurrence(teacher)
        let c = byOccurrence(control)
        let shared = t.keys.filter { c[$0] != nil }.sorted()
        guard !shared.isEmpty, shared.count * 4 >= 3 * max(t.count, c.count) else { return nil }
        return (shared.compactMap { t[$0] }, shared.compactMap { c[$0] })
    }

    /// Up to `size` responses a side (all when `size` is 0), drawn with a seed. When the sides
    /// pair up (``alignedByPrompt(teacher:control:)``) the same prompts are drawn on both, and the
    /// result is paired.
    package static func sample(teacher: [Document], control: [Document], size: Int, seed: UInt64)
        -> (teacher: [Document], control: [Document], paired: Bool)
    {
        func pick(_ count: Int, _ stream: String) -> [Int] {
            guard size > 0, count > size else { return Array(0..<count) }
            var generator = SeededGenerator.stream(seed, "attribution sample " + stream)
            return Array(Array(0..<count).shuffled(using: &generator).prefix(size))
        }
        if let aligned = alignedByPrompt(teacher: teacher, control: control) {
            let rows = pick(aligned.teacher.count, "pairs")
            return (rows.map { aligned.teacher[$0] }, rows.map { aligned.control[$0] }, true)
        }
        return (
            pick(teacher.count, "teacher").map { teacher[$0] }, pick(control.count, "control").map { control[$0] },
            false
        )
    }

    /// Scores and ranks `concepts` on the teacher and control documents; `paired` as in
    /// ``ShiftRanking/rank(teacher:control:concepts:template:paired:panel:)``. With a `panel`,
    /// its members are scored too and the ranking is centred on them (``ReferencePanel``).
    package func attribute(
        teacher: [Document], control: [Document], concepts: [String], paired: Bool = false,
        panel: [PanelSample] = [],
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> Result {
        guard !teacher.isEmpty, !control.isEmpty, concepts.count >= 2 else {
            throw AttributionError.usage("attribution needs teacher and control responses and at least two concepts")
        }
        if !panel.isEmpty, let uncovered = ReferencePanel.uncovered(concepts, traits: panel.map(\.trait)) {
            throw AttributionError.usage("the reference panel needs a teacher of another trait than \(uncovered)")
        }
        let started = Date()
        let sides = [teacher, control] + panel.flatMap { [$0.teacher, $0.control] }
        // Panel members share their control's texts with each other and often with the data's,
        // so each distinct text is scored once.
        var distinct: [Document] = []
        var row: [Pair: Int] = [:]
        for document in sides.joined() where row[Pair(document)] == nil {
            row[Pair(document)] = distinct.count
            distinct.append(document)
        }
        let (rows, tokens, reused) = try shifts(distinct, concepts: concepts, progress: progress)
        let shifted = sides.map { side in side.map { rows[row[Pair($0)]!] } }
        let members = panel.indices.map { index in
            ReferencePanel.Member(
                trait: panel[index].trait, teacher: shifted[2 + 2 * index], control: shifted[3 + 2 * index],
                paired: panel[index].paired)
        }
        var result = ranking.rank(
            teacher: shifted[0], control: shifted[1], concepts: concepts, template: template, paired: paired,
            panel: members.isEmpty ? nil : ReferencePanel(members: members))
        result.panel =
            panel.isEmpty ? nil : panel.map { Result.PanelMember(trait: $0.trait, responses: $0.teacher.count) }
        result.tokensDecoded = tokens
        result.textsReused = reused
        result.seconds = Date().timeIntervalSince(started)
        return result
    }

    /// A document's identity for scoring: the same prompt and response score the same.
    private struct Pair: Hashable {
        var prompt: String, response: String
        init(_ document: Document) { (prompt, response) = (document.prompt, document.response) }
    }
}

package enum AttributionError: Error, CustomStringConvertible {
    case usage(String)

    package var description: String {
        switch self {
        case .usage(let message): return message
        }
    }
}
