import Foundation
import SubtextTraining

/// Where a run stands, on disk: the trained values, the optimiser's moments, the step and the
/// loss curve so far, so that a run killed at any moment resumes from its last checkpoint and
/// ends with the weights an uninterrupted run ends with.
///
/// The file is an 8-byte little-endian header length, a JSON header, then the values, the first
/// moments and the second moments as little-endian F32. It is written to a temporary file and
/// renamed, so a crash mid-write leaves the previous checkpoint whole.
struct StudentCheckpoint: Codable {
    /// The run this belongs to (``StudentRun/key``): a checkpoint of other data, settings or base is refused.
    var key: String
    var step: Int
    var optimizerStep: Int
    var values: Int
    var loss: [LossPoint]

    enum CodingKeys: String, CodingKey {
        case key, step, optimizerStep = "optimizer_step", values, loss
    }

    static func write(_ header: StudentCheckpoint, values: UnsafeBufferPointer<Float>, optimizer: AdamW, to path: String) throws {
        let state = optimizer.state
        var json = try JSONEncoder().encode(header)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data(capacity: 8 + json.count + 12 * values.count)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(values)
        state.m.withUnsafeBufferPointer { data.append($0) }
        state.v.withUnsafeBufferPointer { data.append($0) }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads the checkpoint at `path` into `values` and `optimizer`, refusing one of another run.
    static func read(from path: String, key: String, into values: UnsafeMutableBufferPointer<Float>,
                     optimizer: inout AdamW) throws -> StudentCheckpoint {
        func fail(_ reason: String) -> TrainingError { .checkpoint(path: path, reason: reason) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        guard data.count >= 8 else { throw fail("too short for a checkpoint (\(data.count) bytes)") }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(data.count - 8) else { throw fail("its header runs past the end of the file") }
        let start = 8 + Int(length)
        guard let header = try? JSONDecoder().decode(StudentCheckpoint.self, from: data.subdata(in: 8..<start)) else {
            throw fail("its header is not a student checkpoint's")
        }
        guard header.key == key else {
            throw fail("it belongs to another run (its base model, data or settings differ); delete it or choose another --out")
        }
        guard header.values == values.count, data.count == start + 12 * values.count else {
            throw fail("it holds \(header.values) values in \(data.count) bytes; this run trains \(values.count)")
        }
        var m = [Float](repeating: 0, count: values.count), v = m
        data.withUnsafeBytes { raw in
            let floats = raw.baseAddress! + start
            UnsafeMutableRawPointer(values.baseAddress!).copyMemory(from: floats, byteCount: 4 * values.count)
            m.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: floats + 4 * values.count, count: 4 * values.count)) }
            v.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: floats + 8 * values.count, count: 4 * values.count)) }
        }
        guard optimizer.restore(step: header.optimizerStep, m: m, v: v) else { throw fail("its optimiser state does not fit this run") }
        return header
    }
}

/// One point of the loss curve: the mean training loss since the previous point, and the loss
/// on the held-out rows (nil when none are held out).
public struct LossPoint: Codable, Equatable, Sendable {
    public var step: Int
    public var train: Double
    public var heldOut: Double?

    enum CodingKeys: String, CodingKey {
        case step, train, heldOut = "held_out"
    }
}
