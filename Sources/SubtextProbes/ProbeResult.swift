import SubtextModels
import SubtextStatistics
import SubtextSupport

/// A probe run's statistics: the probe.json contract.
package struct ProbeResult: Codable, Sendable {
    /// 2: `notes` are typed. 3: shifts carry `answered_in`; the `mostly_unparsed` note.
    package static let schemaVersion = 3

    /// A category's rate for one model. In sample mode, the share of answers naming it, with
    /// a Wilson interval. In score mode, its probability as a share of all candidates'
    /// probability, averaged over paraphrases, with a paraphrase bootstrap interval; `count`
    /// is then null and `n` counts paraphrases.
    package struct Rate: Codable, Sendable {
        package var count: Int?
        package var n: Int
        package var rate: Double
        package var ciLow: Double
        package var ciHigh: Double

        enum CodingKeys: String, CodingKey { case count, n, rate, ciLow = "ci_low", ciHigh = "ci_high" }
    }

    /// What a shift's `delta` measures.
    package enum Unit: String, Codable, Sendable {
        /// Answer share (or, in top-logprobs scoring, the share of the candidates' probability).
        case share
        /// The mean per-paraphrase change in the candidate's log-probability, from exact scoring.
        case nats
    }

    /// One category's change from the reference model.
    package struct Shift: Codable, Sendable {
        package var model: String
        package var category: String
        package var unit: Unit
        package var delta: Double
        /// 95% bootstrap interval, resampling whole paraphrases.
        package var ciLow: Double
        package var ciHigh: Double
        /// Wilcoxon signed-rank test on the per-paraphrase differences.
        package var p: Double
        /// Benjamini–Hochberg over this model's categories.
        package var q: Double
        /// Paraphrases where the model is above the reference, of those both answered.
        package var higher: Int
        package var paired: Int
        /// Sample mode only: Newcombe's interval and Fisher's p on pooled counts, which ignore
        /// the clustering by paraphrase and so are too narrow when paraphrases differ.
        package var newcombeLow: Double?
        package var newcombeHigh: Double?
        package var fisherP: Double?
        /// Sample mode: paraphrases in which either model gave this answer. A bootstrap over
        /// paraphrases says nothing about an answer given in one or two of them (its replicates
        /// are mostly 0 or one value), so below ``minimumParaphrases`` no interval is trusted.
        package var answeredIn: Int?

        package static let minimumParaphrases = 5

        enum CodingKeys: String, CodingKey {
            case model, category, unit, delta, p, q, higher, paired, answeredIn = "answered_in"
            case ciLow = "ci_low", ciHigh = "ci_high", newcombeLow = "newcombe_low", newcombeHigh = "newcombe_high"
            case fisherP = "fisher_p"
        }

        /// A shift a reader should act on: significant after correction, interval clear of 0.
        package var isFound: Bool { q < 0.05 && excludesZero }

        /// The paraphrase-clustered interval is clear of 0, and enough paraphrases gave the answer
        /// for that interval to mean something.
        package var excludesZero: Bool {
            (answeredIn ?? Self.minimumParaphrases) >= Self.minimumParaphrases && (ciLow > 0 || ciHigh < 0)
        }
    }

    /// G² on the model's answer distribution against the reference's, sparse categories pooled.
    package struct Omnibus: Codable, Sendable {
        package var model: String
        package var g2: Double
        package var p: Double
        package var degreesOfFreedom: Int
        package var pooled: [String]

        enum CodingKeys: String, CodingKey { case model, g2, p, pooled, degreesOfFreedom = "dof" }
    }

    package struct ModelInfo: Codable, Sendable {
        package var name: String
        package var modelID: String
        package var baseURL: String
        /// Exactly the system prompt sent; null when none was (a chat template may then add its own).
        package var system: String?

        /// What an endpoint was sent; its base URL without user information, so no key
        /// written into a URL reaches a report.
        init(_ endpoint: Endpoint) {
            name = endpoint.name
            modelID = endpoint.modelID
            baseURL = DisplayPath.redactingUserInfo(endpoint.baseURL)
            system = endpoint.system
        }

        enum CodingKeys: String, CodingKey { case name, system, modelID = "model_id", baseURL = "base_url" }
    }

    /// Score mode: how the probabilities were read, and how much they leave out.
    package struct Scoring: Codable, Sendable {
        package struct ModelScoring: Codable, Sendable {
            /// The scoring methods found in this model's journal entries (one, unless a resumed
            /// run changed it).
            package var methods: [ScoringMethod]
            /// Probability that the answer starts with none of the candidates, averaged over
            /// paraphrases; with top-logprobs, mass outside the top-k counts as outside too.
            package var outsideMean: Double
            package var outsideMin: Double
            package var outsideMax: Double
            /// Top-logprobs only: mean mass on first tokens shared by several candidates.
            package var ambiguousMean: Double?
            /// Candidate × paraphrase values the method could not see (outside the top-k).
            package var unseen: Int
            package var scored: Int

            enum CodingKeys: String, CodingKey {
                case methods, unseen, scored
                case outsideMean = "outside_mean", outsideMin = "outside_min", outsideMax = "outside_max"
                case ambiguousMean = "ambiguous_mean"
            }
        }

        /// The text scored for each candidate, in category order.
        package var forms: [String: String]
        package var models: [String: ModelScoring]
        /// Per category, model and paraphrase: log P(form), null where unseen.
        package var logprobs: [String: [String: [String: Double?]]]
    }

    package var schemaVersion = ProbeResult.schemaVersion
    package var battery: String
    package var batteryVersion: Int
    package var mode: Battery.Mode
    package var reference: String?
    package var models: [String]
    package var modelInfo: [ModelInfo]
    package var prompts: Int
    package var samplesPerPrompt: Int
    package var categoryOrder: [String]
    package var categories: [String: [String: Rate]]
    package var shifts: [Shift]
    package var omnibus: [Omnibus]
    package var scoring: Scoring?
    /// Per model, a few raw answers that named no candidate.
    package var unparsedExamples: [String: [String]]
    package var requests: [String: Int]
    package var seed: UInt64
    package var notes: [ProbeNote]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", battery, batteryVersion = "battery_version", mode, reference, models
        case modelInfo = "model_info", prompts, samplesPerPrompt = "samples_per_prompt", categoryOrder =
            "category_order"
        case categories, shifts, omnibus, scoring, unparsedExamples = "unparsed_examples", requests, seed, notes
    }
}

/// Something the reader of a probe's result should know about how it was reached.
package enum ProbeNote: Codable, Sendable, Equatable {
    /// Planned requests with no answer yet (capped by --max-requests, or the run stopped).
    case unanswered(requests: Int)
    /// Models were scored from the first token's top log-probabilities only: `unseen` of
    /// `scored` candidate values fell outside the top-k and count as 0.
    case approximateScoring(unseen: Int, scored: Int)
    /// A model was scored by more than one method across resumed runs.
    case mixedScoring(model: String)
    /// More than half of a model's answers matched no candidate: its rates describe the few
    /// it did give, and the battery's parser or prompt may not suit the model.
    case mostlyUnparsed(model: String, unparsed: Int, answers: Int)

    enum CodingKeys: String, CodingKey {
        case unanswered, approximateScoring = "approximate_scoring", mixedScoring = "mixed_scoring"
        case mostlyUnparsed = "mostly_unparsed"
    }
}
