import Foundation
import SubtextAttribution
import SubtextProbes
import SubtextSanitize
import SubtextStudents
import SubtextSupport

/// The parts of a case read from the directories their commands wrote, each linked relative
/// to the case's own directory.
package struct CaseParts {
    package enum Failure: Error, CustomStringConvertible {
        case missing(String, command: String)
        case otherData([CaseDataMismatch])
        package var description: String {
            switch self {
            case .missing(let path, let command): "\(path): not found; give a directory that `subtext \(command)` wrote"
            case .otherData(let mismatches):
                "the parts describe other data than the audit: " + mismatches.map(\.description).joined(separator: "; ")
                    + ". Give parts run on the audit's teacher and control files, or --allow-mismatch to join them anyway"
            }
        }
    }

    package var report: CaseReport
    /// The JSON files read, for the case's provenance.
    package var files: [String]

    /// Reads the parts. Parts run on other data than the audit's are refused unless
    /// `allowMismatch`, which joins them with the mismatch stated in the case.
    package init(
        audit: String, attribution: String?, probes: [String], sanitize: String? = nil, transfer: String? = nil,
        out: String, allowMismatch: Bool = false
    ) throws {
        let auditFile = try Self.file(audit, "audit.json", command: "audit")
        let document = try JSONFile.decode(AuditDocument.self, path: auditFile)
        var files = [auditFile]
        var mismatches: [CaseDataMismatch] = []
        /// Reads one data part and checks it read the audit's data.
        func read<T: Decodable>(_ directory: String, _ name: String, command: String, part: String, as: T.Type) throws
            -> (T, String)
        {
            let file = try Self.file(directory, name, command: command)
            files.append(file)
            let stamped = try JSONFile.decode(Stamped<T>.self, path: file)
            if let mismatch = CaseDataMismatch.of(
                part: part, file: file, inputs: stamped.provenance?.inputs,
                audit: document.provenance.inputs)
            {
                mismatches.append(mismatch)
            }
            return (stamped.result, file)
        }
        let ranked = try attribution.map { directory in
            let (result, file) = try read(
                directory, "attribution.json", command: "attribute", part: "attribution",
                as: CaseReport.AttributionFile.self)
            return (result.ranking, link: Self.relative(file, "attribution.md", from: out))
        }
        let probed = try probes.map { directory in
            let file = try Self.file(directory, "probe.json", command: "probe")
            files.append(file)
            return (try JSONFile.decode(ProbeResult.self, path: file), link: Self.relative(file, "probe.md", from: out))
        }
        let sanitized = try sanitize.map { directory in
            let (result, file) = try read(
                directory, "sanitize.json", command: "sanitize", part: "sanitize", as: SanitizeResult.self)
            return (result, link: Self.relative(file, "sanitize.md", from: out))
        }
        let transferred = try transfer.map { directory in
            let (result, file) = try read(
                directory, "transfer.json", command: "transfer", part: "transfer", as: TransferResult.self)
            return (result, link: Self.relative(file, "transfer.md", from: out))
        }
        if !mismatches.isEmpty, !allowMismatch { throw Failure.otherData(mismatches) }
        report = CaseReport(
            audit: document, auditLink: Self.relative(auditFile, "audit.md", from: out),
            attribution: ranked, probes: probed, sanitize: sanitized, transfer: transferred)
        report.mismatches = mismatches.isEmpty ? nil : mismatches
        self.files = files
    }

    /// A part's result and the provenance every command writes beside it (absent from
    /// hand-made files), read in one pass.
    private struct Stamped<Result: Decodable>: Decodable {
        var result: Result
        var provenance: Provenance?

        enum CodingKeys: String, CodingKey { case provenance }

        init(from decoder: Decoder) throws {
            result = try Result(from: decoder)
            provenance = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(
                Provenance.self, forKey: .provenance)
        }
    }

    private static func file(_ directory: String, _ name: String, command: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else { throw Failure.missing(path, command: command) }
        return path
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
