import Foundation
import SubtextSupport

/// The bytes of a partial result on disk: one JSON header line, then the payload.
///
/// The header names the format, its version and the version of Subtext that wrote it, and
/// carries the payload's length and SHA-256. A partial truncated or altered after it was written
/// (a flipped digit on a shared volume) is refused by name before anything is decoded from it,
/// rather than merged into a report as a plausible wrong count. The header is read first, so a
/// partial of another version is named as such even when its payload's shape has changed.
package enum PartialFile {
    /// 2: a header line with the payload's length and SHA-256, then the payload as JSON.
    static let formatVersion = 2

    struct Header: Codable {
        var format = AuditPartial.format
        var formatVersion = PartialFile.formatVersion
        var subtextVersion = SubtextVersion.current
        var payloadBytes: Int
        var payloadSHA256: String

        enum CodingKeys: String, CodingKey {
            case format, formatVersion = "format_version", subtextVersion = "subtext_version"
            case payloadBytes = "payload_bytes", payloadSHA256 = "payload_sha256"
        }
    }

    package static func encode(_ partial: AuditPartial) throws -> Data {
        try frame(payload: JSONCoding.line.encode(partial))
    }

    /// A payload of this version's JSON with its header line before it.
    package static func frame(payload: Data) throws -> Data {
        let header = Header(payloadBytes: payload.count, payloadSHA256: FileHash.sha256(of: payload))
        return try JSONCoding.line.encode(header) + Data("\n".utf8) + payload
    }

    /// The bytes after a partial file's header line, unchecked: what a fuzzer mutates.
    package static func payload(of data: Data) -> Data? { split(data)?.payload }

    /// A file's header line and the bytes after it.
    private static func split(_ data: Data) -> (header: Data, payload: Data)? {
        data.firstIndex(of: UInt8(ascii: "\n")).map { (data[data.startIndex..<$0], data[($0 + 1)...]) }
    }

    package static func decode(_ data: Data, path: String) throws -> AuditPartial {
        guard let (headerLine, payload) = split(data) else {
            throw PartialError.unreadable(path: path, reason: "no header line")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: headerLine)
        } catch {
            throw PartialError.unreadable(path: path, reason: "\(error)".prefix(200).description)
        }
        guard header.format == AuditPartial.format else {
            throw PartialError.foreignFormat(path: path, found: header.format)
        }
        guard header.formatVersion == formatVersion, header.subtextVersion == SubtextVersion.current else {
            throw PartialError.otherVersion(
                path: path, found: "subtext \(header.subtextVersion) (partial format \(header.formatVersion))",
                expected: "subtext \(SubtextVersion.current) (partial format \(formatVersion))")
        }
        guard payload.count == header.payloadBytes else {
            throw PartialError.unreadable(
                path: path,
                reason: "holds \(payload.count) payload bytes of \(header.payloadBytes)")
        }
        guard FileHash.sha256(of: payload) == header.payloadSHA256 else {
            throw PartialError.checksum(path: path)
        }
        do {
            return try JSONDecoder().decode(AuditPartial.self, from: payload)
        } catch {
            throw PartialError.unreadable(path: path, reason: "\(error)".prefix(200).description)
        }
    }
}
