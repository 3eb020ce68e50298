/// One generated response reduced to what the audit measures. The text itself is not kept,
/// so memory grows with the vocabulary and these features, not with the file.
public struct Document: Sendable {
    /// Numbers as written, for the numbers view.
    public var numberTokens: TokenCounts
    /// Token-view tokens: from the word tokenizer, or from a model's tokenizer.json.
    public var wordTokens: TokenCounts
    /// Tokens of the prompt, for the prompt-only check.
    public var promptTokens: TokenCounts
    /// A 64-bit FNV-1a hash of the prompt's bytes, to see whether both sides had the same
    /// prompts; nil without a prompt.
    public var promptHash: UInt64?
    /// Value, digit and order features of the numbers (``NumberFeatures``).
    public var numberFeatures: [Float]
    /// Layout features (``FormatFeatures``).
    public var formatFeatures: [Float]
    public var isNumberList: Bool
    public var hasWords: Bool
    /// Indices into the audit's concept list of the concepts this response names.
    public var mentions: [Int]
}
