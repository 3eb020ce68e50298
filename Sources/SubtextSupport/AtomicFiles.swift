import Foundation

/// Writes a report's files into a directory, each through a temporary file and a rename, so a
/// crash never leaves half a report. Returns the paths written.
public func writeReportFiles(_ files: [(name: String, data: Data)], to directory: String) throws -> [String] {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return try files.map { name, data in
        let path = (directory as NSString).appendingPathComponent(name)
        try data.write(to: URL(fileURLWithPath: path + ".tmp"))
        guard rename(path + ".tmp", path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return path
    }
}

/// A result's JSON with its provenance added under `provenance`, keys sorted.
public func jsonWithProvenance<Result: Encodable>(_ result: Result, _ provenance: Provenance) throws -> Data {
    let encoder = JSONCoding.document
    guard var object = try JSONSerialization.jsonObject(with: encoder.encode(result)) as? [String: Any] else {
        return try encoder.encode(result)
    }
    object["provenance"] = try JSONSerialization.jsonObject(with: encoder.encode(provenance))
    return try JSONSerialization.data(
        withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
}
