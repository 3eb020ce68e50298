import Foundation
import SubtextAttribution
import SubtextProbes
import SubtextSanitize
import SubtextStudents
import SubtextSupport

/// The parts of a case read from the directories their commands wrote, each linked relative
/// to the case's own directory.
public struct CaseParts {
    public enum Failure: Error, CustomStringConvertible {
        case missing(String, command: String)
        public var description: String {
            switch self {
            case let .missing(path, command): "\(path): not found; give a directory that `subtext \(command)` wrote"
            }
        }
    }

    public var report: CaseReport
    /// The JSON files read, for the case's provenance.
    public var files: [String]

    public init(audit: String, attribution: String?, probes: [String], sanitize: String? = nil, transfer: String? = nil,
                out: String) throws {
        let auditFile = try Self.file(audit, "audit.json", command: "audit")
        var files = [auditFile]
        let ranked = try attribution.map { directory in
            let file = try Self.file(directory, "attribution.json", command: "attribute")
            files.append(file)
            return (try Self.decode(LikelihoodShift.Result.self, file), link: Self.relative(file, "attribution.md", from: out))
        }
        let probed = try probes.map { directory in
            let file = try Self.file(directory, "probe.json", command: "probe")
            files.append(file)
            return (try Self.decode(ProbeResult.self, file), link: Self.relative(file, "probe.md", from: out))
        }
        let sanitized = try sanitize.map { directory in
            let file = try Self.file(directory, "sanitize.json", command: "sanitize")
            files.append(file)
            return (try Self.decode(SanitizeResult.self, file), link: Self.relative(file, "sanitize.md", from: out))
        }
        let transferred = try transfer.map { directory in
            let file = try Self.file(directory, "transfer.json", command: "transfer")
            files.append(file)
            return (try Self.decode(TransferResult.self, file), link: Self.relative(file, "transfer.md", from: out))
        }
        report = CaseReport(audit: try AuditDocument.read(auditFile), auditLink: Self.relative(auditFile, "audit.md", from: out),
                            attribution: ranked, probes: probed, sanitize: sanitized, transfer: transferred)
        self.files = files
    }

    private static func file(_ directory: String, _ name: String, command: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else { throw Failure.missing(path, command: command) }
        return path
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(type, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The markdown report beside `json`, as a path relative to the directory `from`.
    static func relative(_ json: String, _ markdown: String, from directory: String) -> String {
        let target = URL(fileURLWithPath: json).deletingLastPathComponent().appendingPathComponent(markdown)
            .standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: directory).standardizedFileURL.pathComponents
        var shared = 0
        while shared < min(target.count, base.count), target[shared] == base[shared] { shared += 1 }
        return (Array(repeating: "..", count: base.count - shared) + target[shared...]).joined(separator: "/")
    }
}
