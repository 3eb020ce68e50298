import Foundation
import SubtextTraining

/// Where a run stands, on disk: the trained values, the optimiser's moments, the step and the
/// loss curve so far, so that a run killed at any moment resumes from its last checkpoint and
/// ends with the weights an uninterrupted run ends with.
///
/// A ``RunStateFile`` whose arrays are the values, the first moments and the second moments, F32.
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

    static func write(
        _ header: StudentCheckpoint, values: UnsafeBufferPointer<Float>, optimizer: AdamW, to path: String
    ) throws {
        let state = optimizer.state
        try RunStateFile.write(header, to: path) { data in
            data.append(values)
            state.m.withUnsafeBufferPointer { data.append($0) }
            state.v.withUnsafeBufferPointer { data.append($0) }
        }
    }

    /// Reads the checkpoint at `path` into `values` and `optimizer`, refusing one of another run.
    static func read(
        from path: String, key: String, into values: UnsafeMutableBufferPointer<Float>,
        optimizer: inout AdamW
    ) throws -> StudentCheckpoint {
        func fail(_ reason: String) -> TrainingError { .checkpoint(path: path, reason: reason) }
        let (header, data, start) = try RunStateFile.read(
            StudentCheckpoint.self, from: path, kind: "a student checkpoint")
        guard header.key == key else {
            throw fail(
                "it belongs to another run (its base model, data or settings differ); delete it or choose another --out"
            )
        }
        guard header.values == values.count, data.count == start + 12 * values.count else {
            throw fail("it holds \(header.values) values in \(data.count) bytes; this run trains \(values.count)")
        }
        var m = [Float](repeating: 0, count: values.count)
        var v = m
        data.withUnsafeBytes { raw in
            let floats = raw.baseAddress! + start
            UnsafeMutableRawPointer(values.baseAddress!).copyMemory(from: floats, byteCount: 4 * values.count)
            m.withUnsafeMutableBytes {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: floats + 4 * values.count, count: 4 * values.count))
            }
            v.withUnsafeMutableBytes {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: floats + 8 * values.count, count: 4 * values.count))
            }
        }
        guard optimizer.restore(step: header.optimizerStep, m: m, v: v) else {
            throw fail("its optimiser state does not fit this run")
        }
        return header
    }
}

/// One point of the loss curve: the mean training loss since the previous point, and the loss
/// on the held-out rows (nil when none are held out).
package struct LossPoint: Codable, Equatable, Sendable {
    package var step: Int
    package var train: Double
    package var heldOut: Double?

    enum CodingKeys: String, CodingKey {
        case step, train, heldOut = "held_out"
    }
}
