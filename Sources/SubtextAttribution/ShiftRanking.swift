import SubtextStatistics

/// Turns per-response likelihood shifts into a ranking with intervals, and decides whether
/// the data can be attributed to one concept at all.
///
/// The top concept is claimed only when its score's interval is above 0 and its lead over the
/// runner-up's is too: on two halves of one control every score hovers around 0 and nothing
/// should be claimed.
public struct ShiftRanking: Sendable {
    public var bootstrap = 1000
    public var seed: UInt64 = 1

    public init() {}

    /// Ranks concepts from their per-response shifts (rows: responses, columns: concepts).
    /// `paired` says row i of each side answers the same prompt: the bootstrap then redraws
    /// prompts, keeping each pair together, so what a prompt does to both sides cancels.
    public func rank(teacher t: [[Double]], control c: [[Double]], concepts: [String], template: String,
                     paired: Bool = false) -> LikelihoodShift.Result {
        precondition(!paired || t.count == c.count, "paired sides have one row per prompt each")
        func means(_ rows: [[Double]], _ picks: [Int]) -> [Double] {
            concepts.indices.map { column in picks.reduce(0) { $0 + rows[$1][column] } / Double(picks.count) }
        }
        let teacherMeans = means(t, Array(t.indices)), controlMeans = means(c, Array(c.indices))
        let scores = zip(teacherMeans, controlMeans).map { $0 - $1 }
        let order = concepts.indices.sorted { scores[$0] > scores[$1] }
        var generator = SeededGenerator.stream(seed, "attribution bootstrap")
        var replicates = [[Double]](repeating: [], count: concepts.count), leads: [Double] = []
        for _ in 0..<bootstrap {
            let tp = t.indices.map { _ in Int.random(in: 0..<t.count, using: &generator) }
            let cp = paired ? tp : c.indices.map { _ in Int.random(in: 0..<c.count, using: &generator) }
            let replicate = zip(means(t, tp), means(c, cp)).map { $0 - $1 }
            for index in concepts.indices { replicates[index].append(replicate[index]) }
            leads.append(replicate[order[0]] - replicate[order[1]])
        }
        let ranked = order.enumerated().map { rank, index -> LikelihoodShift.Score in
            let interval = Resampling.percentileInterval(replicates[index])
            return LikelihoodShift.Score(concept: concepts[index], score: scores[index], ciLow: interval.low, ciHigh: interval.high,
                         rank: rank + 1, teacherMean: teacherMeans[index], controlMean: controlMeans[index])
        }
        let lead = Resampling.percentileInterval(leads)
        let claimed = ranked[0].ciLow > 0 && lead.low > 0 ? ranked[0].concept : nil
        return LikelihoodShift.Result(scores: ranked, claimed: claimed, leadLow: lead.low, leadHigh: lead.high, template: template,
                      teacherResponses: t.count, controlResponses: c.count, paired: paired, tokensDecoded: 0, seconds: 0)
    }
}
