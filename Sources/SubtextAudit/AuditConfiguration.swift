import SubtextStatistics
import SubtextTokenizers

/// Everything that decides an audit's numbers. The defaults are what `subtext audit` uses.
public struct AuditConfiguration: Sendable {
    /// How the classifier is tested.
    public enum Test: String, Sendable, CaseIterable {
        /// The exact permutation test up to `exactTestLimit` responses, the held-out test above
        /// it or when sharded.
        case automatic = "auto"
        case permutation
        case heldOut = "held-out"
    }

    public var seed: UInt64 = 1
    /// Permutations for the exact test; its smallest p is 1 / (B + 1).
    public var permutations = 9999
    /// The significance level for the verdict.
    public var alpha = 0.01
    public var bagSizes = [1, 8, 16]
    public var folds = 5
    /// nil: numbers when most responses on both sides are number lists, else tokens.
    public var view: View?
    public var concepts: [String] = []
    /// A model's tokenizer for the token view; nil uses the word tokenizer.
    public var modelTokenizer: BPETokenizer?
    /// Token columns in the classifier, chosen by document frequency without labels.
    public var maximumTokens = 1500
    public var minimumDocuments = 3
    public var carriersShown = 25
    /// Bootstrap replicates for the exact test's AUROC intervals; each refits every fold.
    public var bootstrap = 200
    /// Permutations whose refitted AUROCs give the exact test's null spread, for the minimum
    /// detectable AUROC.
    public var nullDraws = 200
    /// False-positive rates at which operating points are reported.
    public var falsePositiveRates = [0.01, 0.05]
    /// The share of audited datasets assumed poisoned, for the precision of a flag.
    public var baseRate = 0.01
    public var test = Test.automatic
    /// The most responses (both sides together) for which `automatic` runs the exact test. Its
    /// feature matrix takes about 6 KB a response, and its permutations grow with it.
    public var exactTestLimit = 50_000

    public init() {}
}
