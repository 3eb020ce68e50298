import Foundation
import SubtextCorpus

/// The audit's classifier as a portable rule: the centroid direction fitted on all of a
/// teacher–control pair, weights named by token spelling and feature name, so that it scores
/// responses it never saw — the rest of a dataset, or next week's batch — and can be saved.
///
/// A higher score means more teacher-like. Sanitizing drops the responses it scores highest.
public struct SignalRule: Sendable, Codable, Equatable {
    public var view: View
    /// Token spelling → weight on log(1 + count).
    public var tokens: [String: Double]
    /// Number and format feature name → weight on the feature's value.
    public var features: [String: Double]

    /// What fitting on one teacher–control pair gives.
    public struct Fit: Sendable {
        /// The classifier's centroid direction, fitted on every response.
        public var classifier: SignalRule
        /// The significant carriers (q < 0.05, over-represented in the teacher), each weighing 1:
        /// a response's score is its sum of log(1 + count) over them.
        public var carriers: SignalRule
        /// Responses fitted on, by side.
        public var teacherResponses: Int
        public var controlResponses: Int
    }

    /// Fits both rules on one teacher input against one control: the audit's first two
    /// passes, read in this process.
    public static func fit(
        teacher: ResponseInput, control: ResponseInput, configuration: AuditConfiguration = AuditConfiguration(),
        readOptions: ReadOptions = ReadOptions()
    ) throws -> Fit {
        let inputs = AuditInputs(teacher: [teacher], control: [control])
        let passes = AuditPasses(inputs: inputs, configuration: configuration, readOptions: readOptions)
        let counts = try Auditor.merge([passes.count(shard: .whole)], inputs: inputs)
        let plan = passes.plans(counts: counts, sharded: false)[0]
        let sums = try passes.fit(shard: .whole, plans: [plan])[0]
        let weights = CentroidScorer(plan: plan, sums: sums).wholeWeights
        let denseNames = plan.view.denseFeatureNames
        var tokens: [String: Double] = [:]
        var features: [String: Double] = [:]
        for (column, token) in plan.tokens.enumerated() where weights[column] != 0 { tokens[token] = weights[column] }
        for (offset, name) in denseNames.enumerated() where weights[plan.tokens.count + offset] != 0 {
            features[name] = weights[plan.tokens.count + offset]
        }
        let view = { (counts: InputCounts) in plan.view == .numbers ? counts.numberTokens : counts.wordTokens }
        let tally = TokenTally(
            teacher: [view(counts[0])], control: [view(counts[1])],
            teacherDocuments: counts[0].responses, controlDocuments: counts[1].responses)
        let carriers = CarrierFinder().carriers(tally).filter { $0.q < 0.05 && $0.z > 0 }
        return Fit(
            classifier: SignalRule(view: plan.view, tokens: tokens, features: features),
            carriers: SignalRule(
                view: plan.view, tokens: Dictionary(uniqueKeysWithValues: carriers.map { ($0.token, 1) }),
                features: [:]),
            teacherResponses: counts[0].responses, controlResponses: counts[1].responses)
    }

    public init(view: View, tokens: [String: Double], features: [String: Double]) {
        self.view = view
        self.tokens = tokens
        self.features = features
    }

    /// Scores responses one at a time; one per reading thread, since its vocabulary grows.
    public struct Scorer {
        private let view: View
        private var reducer: DocumentReducer
        private var tokenWeights: [Int32: Double] = [:]
        private let denseWeights: [Double]

        /// Throws when the rule names a feature this version does not compute.
        public init(_ rule: SignalRule) throws {
            view = rule.view
            reducer = DocumentReducer(concepts: ConceptMatcher([String]()), modelTokenizer: nil)
            reducer.readsWords = rule.view == .tokens
            reducer.readsPromptTokens = false
            let denseNames = rule.view.denseFeatureNames
            if let unknown = Set(rule.features.keys).subtracting(denseNames).sorted().first {
                throw SignalRuleError.unknownFeature(unknown)
            }
            denseWeights = denseNames.map { rule.features[$0] ?? 0 }
            for (token, weight) in rule.tokens { tokenWeights[reducer.vocabulary.id(for: token)] = weight }
        }

        public func score(prompt: UnsafeBufferPointer<UInt8>?, text: UnsafeBufferPointer<UInt8>) -> Double {
            let document = reducer.document(prompt: prompt, text: text)
            let tokens = document.tokens(view)
            var score = 0.0
            for (id, count) in zip(tokens.ids, tokens.counts) {
                if let weight = tokenWeights[id] { score += weight * log1p(Double(count)) }
            }
            for (weight, value) in zip(denseWeights, document.denseFeatures(view)) where value != 0 {
                score += weight * Double(value)
            }
            return score
        }

        public func score(prompt: String?, text: String) -> Double {
            var text = text
            return text.withUTF8 { text in
                guard var prompt else { return score(prompt: nil, text: text) }
                return prompt.withUTF8 { score(prompt: $0, text: text) }
            }
        }
    }
}

/// Why a saved rule cannot score.
public enum SignalRuleError: Error, CustomStringConvertible, Equatable {
    case unknownFeature(String)

    public var description: String {
        switch self {
        case .unknownFeature(let name):
            return
                "the rule weighs feature \"\(name)\", which this version of subtext does not compute; fit the rule again"
        }
    }
}
