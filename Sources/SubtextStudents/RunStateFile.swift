import Foundation
import SubtextSupport
import SubtextTraining

/// The layout of a run's resumable state on disk (its checkpoint, its soft labels): an 8-byte
/// little-endian header length, a JSON header padded to 8 bytes, then little-endian arrays.
/// Written to a temporary file and renamed, so a crash mid-write leaves the previous file whole.
enum RunStateFile {
    static func write<Header: Encodable>(_ header: Header, to path: String, payload: (inout Data) -> Void) throws {
        var json = try JSONCoding.line.encode(header)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        payload(&data)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The header of the file at `path`, the file mapped, and where its arrays start; `kind`
    /// names the file in the errors ("a student checkpoint").
    static func read<Header: Decodable>(
        _ type: Header.Type, from path: String,
        kind: String
    ) throws -> (header: Header, data: Data, start: Int) {
        func fail(_ reason: String) -> TrainingError { .checkpoint(path: path, reason: reason) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        guard data.count >= 8 else { throw fail("too short for \(kind) (\(data.count) bytes)") }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard length <= UInt64(data.count - 8) else { throw fail("its header runs past the end of the file") }
        let start = 8 + Int(length)
        guard let header = try? JSONDecoder().decode(Header.self, from: data.subdata(in: 8..<start)) else {
            throw fail("its header is not \(kind)'s")
        }
        return (header, data, start)
    }
}
