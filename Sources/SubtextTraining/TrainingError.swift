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
        case .model(let path, let reason): return "\(path): \(reason)"
        case .checkpoint(let path, let reason): return "\(path): \(reason)"
        case .invalidConfig(let reason): return "invalid model config: \(reason)"
        }
    }
}
