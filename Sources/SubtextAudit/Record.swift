/// One generated response and, when known, the prompt that asked for it: a record held in
/// memory, for programs that audit data they already have rather than files.
public struct Record: Sendable, Hashable, Codable {
    public var prompt: String?
    public var response: String

    public init(prompt: String? = nil, response: String) {
        self.prompt = prompt
        self.response = response
    }
}

/// Why records in memory cannot be audited.
public enum AuditError: Error, CustomStringConvertible, Equatable {
    /// One side holds no records.
    case emptySide(String)

    public var description: String {
        switch self {
        case .emptySide(let side): return "the \(side) side holds no records"
        }
    }
}
