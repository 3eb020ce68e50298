/// Why a model cannot be read, trained or written; each names the file it concerns.
package enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The file is missing, unreadable or not a model this trainer supports.
    case model(path: String, reason: String)
    /// A checkpoint that belongs to another run, or is damaged.
    case checkpoint(path: String, reason: String)
    /// A model shape that cannot be built.
    case invalidConfig(String)

    package var description: String {
        switch self {
        case let .model(path, reason): return "\(path): \(reason)"
        case let .checkpoint(path, reason): return "\(path): \(reason)"
        case let .invalidConfig(reason): return "invalid model config: \(reason)"
        }
    }
}
