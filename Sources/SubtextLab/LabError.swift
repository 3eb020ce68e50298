/// Why a lab checkpoint or corpus cannot be used.
public enum LabError: Error, CustomStringConvertible, Equatable {
    case checkpoint(path: String, reason: String)
    case corpus(String)

    public var description: String {
        switch self {
        case .checkpoint(let path, let reason): "\(path): \(reason)"
        case .corpus(let reason): reason
        }
    }
}
