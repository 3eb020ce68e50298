/// One teacher side compared with the control: all teacher inputs pooled, or one of them.
public struct Comparison: Sendable, Codable, Equatable {
    public var name: String
    /// Indices of the teacher inputs on this side.
    public var teacher: [Int]
}

/// Which classifier test an audit ran, and why.
public struct ClassifierTest: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// Labels permuted, every fold refitted under every permutation: exact, but it keeps
        /// every response's features in memory.
        case permutation
        /// A one-sided Mann–Whitney test on the responses of one fold, scored by centroids fitted
        /// on the other folds only: valid by construction, and it needs only score sketches.
        case heldOut = "held-out"
    }

    public enum Reason: String, Sendable, Codable {
        /// Few enough responses for the exact test.
        case small
        /// More responses than the exact test's limit.
        case large
        /// The audit ran in shards, and the exact test needs every response in one process.
        case sharded
        /// Chosen with `--test`.
        case requested
    }

    public var kind: Kind
    public var reason: Reason
    /// For the held-out test: the responses it ranked, by side.
    public var tested: [String: Int]?

    enum CodingKeys: String, CodingKey { case kind, reason, tested }
}

/// What the later passes need to know about one comparison, decided from the first pass's
/// counts alone: the view, the feature columns, whether the design is paired, and the test.
/// Every shard derives the same plan from the same counts.
public struct ComparisonPlan: Sendable, Codable, Equatable {
    public var comparison: Comparison
    public var view: View
    /// Token columns, by document frequency over both sides (labels unused).
    public var tokens: [String]
    /// Prompt-token columns, for the prompt-only check of an unpaired design.
    public var promptTokens: [String]
    public var paired: Bool
    /// Whether the prompt-only check runs: prompts present, design not paired.
    public var checksPrompts: Bool
    public var test: ClassifierTest.Kind
    public var testReason: ClassifierTest.Reason

    /// Columns: tokens, then the number features (numbers view), then the format features,
    /// then prompt tokens.
    public var numberColumns: Int { view == .numbers ? NumberFeatures.count : 0 }
    public var formatStart: Int { tokens.count + numberColumns }
    public var promptStart: Int { formatStart + FormatFeatures.count }
    public var columns: Int { promptStart + promptTokens.count }

    /// Feature groups, each a range of columns; `prompt` only when prompts are checked.
    public enum Group: Int, CaseIterable, Sendable {
        case all, content, format, prompt

        public var name: String { ["all", "content", "format", "prompt"][rawValue] }
    }

    public var groups: [Group] { checksPrompts ? Group.allCases : [.all, .content, .format] }

    public func range(_ group: Group) -> Range<Int> {
        switch group {
        case .all: return 0..<promptStart
        case .content: return 0..<formatStart
        case .format: return formatStart..<promptStart
        case .prompt: return promptStart..<columns
        }
    }

    /// The feature names, column by column, for explaining a difference.
    public var columnNames: [String] {
        tokens.map { "token \($0)" } + view.denseFeatureNames
            + promptTokens.map { "prompt token \($0)" }
    }

    init(
        comparison: Comparison, teacher: [InputCounts], control: [InputCounts], configuration: AuditConfiguration,
        sharded: Bool
    ) {
        self.comparison = comparison
        let sum = { (side: [InputCounts], value: (InputCounts) -> Int) in side.reduce(0) { $0 + value($1) } }
        let responses = (sum(teacher, \.responses), sum(control, \.responses))
        let numberShare = { (side: [InputCounts]) in
            Double(sum(side, \.numberLists)) / Double(max(sum(side, \.responses), 1))
        }
        let view =
            configuration.view ?? (numberShare(teacher) >= 0.8 && numberShare(control) >= 0.8 ? .numbers : .tokens)
        self.view = view
        let fingerprint = { (side: [InputCounts]) in side.reduce(UInt64(0)) { $0 &+ $1.promptFingerprint } }
        let paired =
            sum(teacher, \.withoutPrompt) == 0 && sum(control, \.withoutPrompt) == 0 && responses.0 == responses.1
            && fingerprint(teacher) == fingerprint(control)
        self.paired = paired
        let everything = teacher + control
        tokens = Self.frequent(
            everything.map { view == .numbers ? $0.numberTokens : $0.wordTokens },
            maximum: configuration.maximumTokens, minimumDocuments: configuration.minimumDocuments)
        checksPrompts = !paired && everything.contains { $0.withoutPrompt < $0.responses }
        promptTokens =
            checksPrompts
            ? Self.frequent(
                everything.map(\.promptTokens), maximum: configuration.maximumTokens,
                minimumDocuments: configuration.minimumDocuments)
            : []
        switch configuration.test {
        case .permutation:
            (test, testReason) = (.permutation, .requested)
        case .heldOut:
            (test, testReason) = (.heldOut, .requested)
        case .automatic:
            if sharded {
                (test, testReason) = (.heldOut, .sharded)
            } else if responses.0 + responses.1 > configuration.exactTestLimit {
                (test, testReason) = (.heldOut, .large)
            } else {
                (test, testReason) = (.permutation, .small)
            }
        }
    }

    /// The `maximum` tokens in most responses (and in at least `minimumDocuments`), ties
    /// broken by spelling so that every shard and every order of merging agrees.
    static func frequent(_ tables: [TokenTable], maximum: Int, minimumDocuments: Int) -> [String] {
        var merged = TokenTable()
        for table in tables { merged.merge(table) }
        return merged.counts.filter { $0.value.documents >= minimumDocuments }
            .sorted {
                $0.value.documents != $1.value.documents ? $0.value.documents > $1.value.documents : $0.key < $1.key
            }
            .prefix(maximum).map(\.key)
    }
}
