/// Which tokens a response is described by.
public enum View: String, Sendable, Codable, CaseIterable {
    /// Numbers as written, plus value, digit and order features.
    case numbers
    /// Word-tokenizer tokens, for datasets that are not number lists.
    case tokens
}

extension View {
    /// The dense feature columns' names in this view: the number features (numbers view only),
    /// then the format features, as ``Document/denseFeatures(_:)`` orders their values.
    var denseFeatureNames: [String] { (self == .numbers ? NumberFeatures.names : []) + FormatFeatures.names }
}
