import SubtextAudit
import SubtextCorpus

/// What `drop` scores responses by.
package enum DropScore: String, Sendable, Codable, CaseIterable {
    /// The audit's classifier: responses fitted on are scored by the folds they are not in.
    case classifier
    /// The significant carriers each response holds (sum of log(1 + count)).
    case carriers
}

/// A saved drop rule: what scores responses, fitted on one teacher–control pair, for use on
/// another part of the data or on new batches (`drop-rule.json`).
///
/// The threshold is not saved: it is set on the teacher being sanitized, so that the budget's
/// share of it goes, and the control goes through the same threshold.
package struct DropRule: Sendable, Codable, Equatable {
    package static let schemaVersion = 1
    package var schemaVersion = DropRule.schemaVersion
    package var by: DropScore
    package var rule: SignalRule
    /// Responses it was fitted on, by side.
    package var fittedOn: [String: Int]

    enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version", by, rule, fittedOn = "fitted_on" }

    package init(by: DropScore, rule: SignalRule, fittedOn: [String: Int]) {
        (self.by, self.rule, self.fittedOn) = (by, rule, fittedOn)
    }

    /// The score above which at most `budget` of `scores` lie: with n scores, the
    /// ⌊budget · n⌋-th highest, so that ties at it are kept rather than overshooting the budget.
    static func threshold(_ scores: [Double], budget: Double) -> Double {
        let drop = Int((budget * Double(scores.count)).rounded(.down))
        guard drop > 0, !scores.isEmpty else { return .infinity }
        let descending = scores.sorted(by: >)
        return descending[min(drop, descending.count - 1)]
    }

    /// Every response's score under `rule`, in file order.
    static func scores(_ path: String, rule: SignalRule, readOptions: ReadOptions) throws -> [Double] {
        let scorer = try SignalRule.Scorer(rule)
        var scores: [Double] = []
        try JSONLReader(path: path, options: readOptions).read { record in
            scores.append(scorer.score(prompt: record.prompt, text: record.text))
        }
        return scores
    }
}
