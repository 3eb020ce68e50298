/// Why a lab checkpoint or corpus cannot be used.
package enum LabError: Error, CustomStringConvertible, Equatable {
    case checkpoint(path: String, reason: String)
    case corpus(String)

    package var description: String {
        switch self {
        case .checkpoint(let path, let reason): "\(path): \(reason)"
        case .corpus(let reason): reason
        }
    }
}
