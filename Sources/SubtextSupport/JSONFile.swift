import Foundation

/// Reads a JSON file that a Subtext command wrote, and says in plain words what is wrong with
/// one it cannot read: the file, the field, and what the field lacks.
///
/// Foundation's own message (`keyNotFound(CodingKeys(stringValue: "scores", ...`) names neither
/// the file nor the field as a reader of the message would write them.
public enum JSONFile {
    /// A file that is missing, not JSON, or not of the expected shape.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }

        public init(path: String, reason: String) {
            (self.path, self.reason) = (path, reason)
        }
    }

    /// Decodes `path` as `T`, reading non-finite numbers as Subtext writes them ("inf", "nan").
    public static func decode<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(
                path: DisplayPath.of(path), reason: "cannot be read (\((error as NSError).localizedDescription))")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw Failure(path: DisplayPath.of(path), reason: describe(error))
        }
    }

    /// What a decoding error is about, with the field as a dotted path (`traits.3.shift`).
    public static func describe(_ error: Error) -> String {
        let field = { (path: [CodingKey]) in
            path.isEmpty
                ? "the top level"
                : "field `" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "`"
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "no \(field(context.codingPath + [key]))"
        case .valueNotFound(_, let context)?:
            return "\(field(context.codingPath)) is null"
        case .typeMismatch(let type, let context)?:
            return "\(field(context.codingPath)) is not \(Self.name(of: type))"
        case .dataCorrupted(let context)?:
            let cause = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return context.codingPath.isEmpty
                ? "not valid JSON" + (cause.map { " (\($0))" } ?? "")
                : "\(field(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is UInt64.Type, is Int64.Type, is UInt.Type: "a whole number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array")
                ? "a list" : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a \(type)"
        }
    }
}
