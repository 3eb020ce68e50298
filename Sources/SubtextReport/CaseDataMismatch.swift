import Foundation
import SubtextSupport

/// A part of a case that did not read the data its audit read.
///
/// Every command records the SHA-256 of its inputs in its JSON's provenance, so a case can tell
/// an attribution, a sanitize run or a transfer test of the audited teacher and control data
/// from one of other data, which would otherwise join the chain without a word. Probes read
/// models, not data, and are not checked.
package struct CaseDataMismatch: Codable, Sendable, Equatable, CustomStringConvertible {
    /// "attribution", "sanitize" or "transfer".
    package var part: String
    /// The part's JSON, as given.
    package var file: String
    /// The audit's inputs that the part did not read.
    package var unread: [String]

    package var description: String {
        "\(part) (\(file)) did not read " + unread.joined(separator: ", ")
    }

    /// The mismatch of a part whose provenance lists `inputs`, or nil when it read every input
    /// of the audit. An audit input read in shards is matched by path: its digest is over its
    /// shards' digests and cannot equal the whole file's.
    static func of(part: String, file: String, inputs: [Provenance.Input]?, audit: [Provenance.Input])
        -> CaseDataMismatch?
    {
        let read = inputs ?? []
        let unread = audit.filter { wanted in
            !read.contains { $0.sha256 == wanted.sha256 || (wanted.shards != nil && $0.path == wanted.path) }
        }
        return unread.isEmpty
            ? nil : CaseDataMismatch(part: part, file: DisplayPath.of(file), unread: unread.map(\.path))
    }
}
