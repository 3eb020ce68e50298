import SubtextStatistics

/// Turns per-response likelihood shifts into a ranking with intervals, and decides whether
/// the data can be attributed to one concept at all.
///
/// With at least ``minimumForCalibration`` candidates the ranking uses the calibrated score
/// rather than the plain one. The plain score assumes that what a concept's system prompt does
/// to any text cancels between teacher and control. It does not when the two are written in
/// different styles: text written under a persona loses less under every concept's persona
/// than plain assistant text does, and by how much depends on the concept (on SmolLM2's
/// instruction pairs the dolphin prompt cost the control 1.9 nats a response, the dog prompt
/// 1.1). Across candidates, teacher mean Δ then follows control mean Δ along a line with a
/// slope below 1, and the concepts that penalise the control most gain most. The calibrated
/// score is each concept's teacher mean Δ minus the fit of the line through the other
/// candidates (``LeaveOneOutLine``): what that concept explains beyond the pattern the others
/// set. The concept itself stays out of its own line, so a planted concept cannot flatten it.
/// When teacher and control share a style the slope is near 1 and the two rankings agree.
///
/// The top concept is claimed only when its ranking score's interval is above 0 and its lead
/// over the runner-up's is too: on two halves of one control every score hovers around 0 and
/// nothing should be claimed. Nor is it claimed when its calibrated score is an extrapolation:
/// when its control mean Δ lies so far from the other candidates' that its leverage on their
/// line, 1/m + (x − x̄)²/Sxx, exceeds 1, the line's own error there is larger than the scatter of
/// one candidate around it. On SmolLM2's dog teacher (1,120 prompts, 500 pairs) the dolphin
/// prompt cost the control 2.24 nats against the others' 1.30 to 1.77 (leverage 2.2), and
/// dolphin topped the dog teacher with an interval and a lead clear of 0: a false claim that
/// this rule withholds. The bootstrap cannot catch it, because it redraws responses, not
/// candidates.
///
/// Given a ``ReferencePanel`` the ranking uses the centred score instead: each concept's plain
/// score minus its panel mean. It measures the shared persona effect on teachers rather than
/// inferring it from the control, so it needs no line and cannot extrapolate one.
package struct ShiftRanking: Sendable {
    package var bootstrap = 1000
    package var seed: UInt64 = 1
    /// Fewer candidates leave too few points for the others' line to mean anything.
    package static let minimumForCalibration = 5

    package init() {}

    /// Ranks concepts from their per-response shifts (rows: responses, columns: concepts).
    /// `paired` says row i of each side answers the same prompt: the bootstrap then redraws
    /// prompts, keeping each pair together, so what a prompt does to both sides cancels.
    /// The bootstrap redraws each panel member's rows too, so the interval carries the
    /// panel's sampling error as well as the teacher's and control's.
    package func rank(
        teacher t: [[Double]], control c: [[Double]], concepts: [String], template: String,
        paired: Bool = false, panel: ReferencePanel? = nil
    ) -> LikelihoodShift.Result {
        precondition(!paired || t.count == c.count, "paired sides have one row per prompt each")
        precondition(panel?.covers(concepts) ?? true, "every concept needs a panel member of another trait")
        func means(_ rows: [[Double]], _ picks: [Int]) -> [Double] {
            concepts.indices.map { column in picks.reduce(0) { $0 + rows[$1][column] } / Double(picks.count) }
        }
        let calibrate = panel == nil && concepts.count >= Self.minimumForCalibration
        func measures(_ teacherMeans: [Double], _ controlMeans: [Double], _ panelMeans: [Double]?) -> Measures {
            let scores = zip(teacherMeans, controlMeans).map { $0 - $1 }
            return Measures(
                scores: scores,
                calibrated: calibrate ? LeaveOneOutLine.residuals(x: controlMeans, y: teacherMeans) : nil,
                centred: panelMeans.map { zip(scores, $0).map { $0 - $1 } })
        }
        let teacherMeans = means(t, Array(t.indices))
        let controlMeans = means(c, Array(c.indices))
        let panelMeans = panel?.means(concepts: concepts)
        let point = measures(teacherMeans, controlMeans, panelMeans)
        let order = concepts.indices.sorted { point.ranking[$0] > point.ranking[$1] }
        var generator = SeededGenerator.stream(seed, "attribution bootstrap")
        var replicates: [Measures] = []
        var leads: [Double] = []
        for _ in 0..<bootstrap {
            let tp = t.indices.map { _ in Int.random(in: 0..<t.count, using: &generator) }
            let cp = paired ? tp : c.indices.map { _ in Int.random(in: 0..<c.count, using: &generator) }
            let replicate = measures(
                means(t, tp), means(c, cp), panel?.means(concepts: concepts, resampledWith: &generator))
            replicates.append(replicate)
            leads.append(replicate.ranking[order[0]] - replicate.ranking[order[1]])
        }
        func interval(_ values: KeyPath<Measures, [Double]?>, _ index: Int) -> Interval? {
            point[keyPath: values].map { _ in
                Resampling.percentileInterval(replicates.map { $0[keyPath: values]![index] })
            }
        }
        let leverages = calibrate ? LeaveOneOutLine.leverages(x: controlMeans) : nil
        let ranked = order.enumerated().map { rank, index -> LikelihoodShift.Score in
            let plain = Resampling.percentileInterval(replicates.map { $0.scores[index] })
            let calibrated = interval(\.calibrated, index)
            let centred = interval(\.centred, index)
            return LikelihoodShift.Score(
                concept: concepts[index], score: point.scores[index], ciLow: plain.low, ciHigh: plain.high,
                calibrated: point.calibrated?[index], calibratedLow: calibrated?.low,
                calibratedHigh: calibrated?.high, rank: rank + 1,
                teacherMean: teacherMeans[index], controlMean: controlMeans[index],
                extrapolated: leverages.map { $0[index] > 1 },
                centred: point.centred?[index], centredLow: centred?.low, centredHigh: centred?.high,
                panelMean: panelMeans?[index])
        }
        let lead = Resampling.percentileInterval(leads)
        let claimed =
            ranked[0].ranking.low > 0 && lead.low > 0 && ranked[0].extrapolated != true ? ranked[0].concept : nil
        return LikelihoodShift.Result(
            scores: ranked, claimed: claimed, leadLow: lead.low, leadHigh: lead.high, template: template,
            teacherResponses: t.count, controlResponses: c.count, paired: paired, tokensDecoded: 0, seconds: 0)
    }

    /// One estimate (or bootstrap replicate) of every concept's scores.
    private struct Measures {
        var scores: [Double]
        var calibrated: [Double]?
        var centred: [Double]?
        /// What the ranking sorts by: centred with a panel, calibrated with enough candidates.
        var ranking: [Double] { centred ?? calibrated ?? scores }
    }
}
