/// One generated response reduced to what the audit measures. Documents live only while a
/// pass reads them, so memory grows with the vocabulary and the statistics, not the file.
public struct Document: Sendable {
    /// Numbers as written, for the numbers view (ids of the reading shard's vocabulary).
    public var numberTokens: TokenCounts
    /// Token-view tokens: from the word tokenizer, or from a model's tokenizer.json.
    public var wordTokens: TokenCounts
    /// Tokens of the prompt, for the prompt-only check.
    public var promptTokens: TokenCounts
    /// A 64-bit FNV-1a hash of the prompt's bytes, to pair the sides by prompt; nil without one.
    public var promptHash: UInt64?
    /// A hash of the prompt and the response together: a response's identity for folds when
    /// the design is not paired, so identical records always share a fold.
    public var contentHash: UInt64
    /// Value, digit and order features of the numbers (``NumberFeatures``).
    public var numberFeatures: [Float]
    /// Layout features (``FormatFeatures``).
    public var formatFeatures: [Float]
    public var isNumberList: Bool
    public var hasWords: Bool
    /// Indices into the audit's concept list of the concepts this response names.
    public var mentions: [Int]

    /// The tokens of a view.
    func tokens(_ view: View) -> TokenCounts { view == .numbers ? numberTokens : wordTokens }

    /// The dense feature values in `view`, in the order of ``View/denseFeatureNames``.
    func denseFeatures(_ view: View) -> [Float] { view == .numbers ? numberFeatures + formatFeatures : formatFeatures }
}
