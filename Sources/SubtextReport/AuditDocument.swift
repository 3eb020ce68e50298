import Foundation
import SubtextAudit

/// audit.json: the audit result's keys at the top level, plus `provenance`. The markdown is
/// rendered from this alone, so `subtext report audit.json` re-renders a report.
public struct AuditDocument: Codable, Sendable {
    public var result: AuditResult
    public var provenance: Provenance

    public init(result: AuditResult, provenance: Provenance) {
        self.result = result
        self.provenance = provenance
    }

    enum CodingKeys: String, CodingKey { case provenance }

    public func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(provenance, forKey: .provenance)
    }

    public init(from decoder: Decoder) throws {
        result = try AuditResult(from: decoder)
        provenance = try decoder.container(keyedBy: CodingKeys.self).decode(Provenance.self, forKey: .provenance)
    }

    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    public static func read(_ path: String) throws -> AuditDocument {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(AuditDocument.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// Writes audit.json, audit.md and the charts into a directory, each through a temporary
/// file and a rename, so a crash never leaves half a report.
public struct AuditReportWriter {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Returns the paths written.
    @discardableResult
    public func write(_ result: AuditResult, provenance: Provenance) throws -> [String] {
        let document = AuditDocument(result: result, provenance: provenance)
        let rendered = AuditMarkdown(document: document).render()
        var files: [(name: String, data: Data)] = [("audit.json", try document.jsonData()),
                                                   ("audit.md", Data(rendered.markdown.utf8))]
        files += rendered.charts.map { ($0.name, Data($0.svg.utf8)) }
        return try writeReportFiles(files, to: directory)
    }
}
