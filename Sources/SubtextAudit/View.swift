/// Which tokens a response is described by.
public enum View: String, Sendable, Codable, CaseIterable {
    /// Numbers as written, plus value, digit and order features.
    case numbers
    /// Word-tokenizer tokens, for datasets that are not number lists.
    case tokens
}
