/// What either mode of `subtext attribute` concludes, in one shape: the traits best first, each
/// with the score the ranking sorted by and its interval, and the trait claimed, if any.
///
/// A model ranks the concepts it is given by a likelihood shift; a panel ranks known traits by
/// how well their writing models the data. A reader that needs only the conclusion (the case
/// report, the acceptance scripts) reads this, whichever mode wrote the file; each mode's own
/// fields stay beside it for its full report.
package struct AttributionRanking: Codable, Sendable, Equatable {
    /// Which score the ranking sorted by and the claim read.
    package enum Measure: String, Codable, Sendable {
        /// A model's likelihood shift minus the reference panel's mean (``ReferencePanel``).
        case centred
        /// A model's teacher shift beyond the other candidates' line (``ShiftRanking``).
        case calibrated
        /// A model's teacher-minus-control shift itself, with too few candidates to calibrate.
        case plain
        /// The data's mean log-likelihood under a panel trait's writing (``PanelAttribution``).
        case panel
    }

    package struct Entry: Codable, Sendable, Equatable {
        package var rank: Int
        package var name: String
        /// The score the ranking sorted by (nats per response) and its 95% interval, which
        /// contains it.
        package var score: Double
        package var low: Double
        package var high: Double
    }

    /// The version of this shape in attribution.json: 2, the first with `ranking`.
    package static let schemaVersion = 2

    package var measure: Measure
    /// Best first.
    package var entries: [Entry]
    /// The top trait when the mode's claim rule allows it; written as null when nil.
    package var claimed: String?

    package init(measure: Measure, entries: [Entry], claimed: String?) {
        (self.measure, self.entries, self.claimed) = (measure, entries, claimed)
    }

    enum CodingKeys: String, CodingKey { case measure, entries, claimed }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(measure, forKey: .measure)
        try container.encode(entries, forKey: .entries)
        try container.encode(claimed, forKey: .claimed)
    }
}

extension LikelihoodShift.Result {
    /// The concepts as the ranking sorted them, by the measure it used.
    package var ranking: AttributionRanking {
        let entries = scores.map { score in
            let (value, low, high) = score.ranking
            return AttributionRanking.Entry(rank: score.rank, name: score.concept, score: value, low: low, high: high)
        }
        return AttributionRanking(measure: scores.first?.measure ?? .plain, entries: entries, claimed: claimed)
    }
}

extension PanelAttribution.Result {
    /// The panel's traits by their scores.
    package var ranking: AttributionRanking {
        let entries = candidates.map {
            AttributionRanking.Entry(
                rank: $0.rank, name: $0.trait, score: $0.score, low: $0.scoreLow, high: $0.scoreHigh)
        }
        return AttributionRanking(measure: .panel, entries: entries, claimed: claimed)
    }
}

/// An attribution result as attribution.json holds it: the mode's own fields, then the shared
/// `ranking` and `schema_version`.
package struct RankedAttribution<Result: Encodable>: Encodable {
    package var result: Result
    package var ranking: AttributionRanking

    package init(_ result: Result, ranking: AttributionRanking) {
        (self.result, self.ranking) = (result, ranking)
    }

    enum CodingKeys: String, CodingKey { case ranking, schemaVersion = "schema_version" }

    package func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ranking, forKey: .ranking)
        try container.encode(AttributionRanking.schemaVersion, forKey: .schemaVersion)
    }
}
