import Foundation
import SubtextSupport
import SubtextTraining

/// A lab model on disk, as Hugging Face lays one out: a directory with `model.safetensors`
/// (every tensor, F32, little-endian), `config.json` and `vocab.json` (the token list, so the
/// directory is enough to run the model).
package enum Checkpoint {
    package static func save(
        _ model: TinyGPT, vocabulary: LabVocabulary, to directory: URL,
        metadata: [String: String] = [:]
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Each file is written through a temporary and a rename, so a crash never leaves half a checkpoint.
        try Safetensors.encode(model, metadata: metadata).write(
            to: directory.appendingPathComponent("model.safetensors"), options: .atomic)
        let encoder = JSONCoding.document
        try encoder.encode(model.config).write(to: directory.appendingPathComponent("config.json"), options: .atomic)
        try encoder.encode(vocabulary.tokens).write(
            to: directory.appendingPathComponent("vocab.json"), options: .atomic)
    }

    package static func load(from directory: URL) throws -> (model: TinyGPT, vocabulary: LabVocabulary) {
        let configURL = directory.appendingPathComponent("config.json")
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: Data(contentsOf: configURL))
        } catch {
            throw LabError.checkpoint(path: configURL.path, reason: "cannot read the model config: \(error)")
        }
        let vocabURL = directory.appendingPathComponent("vocab.json")
        let tokens: [String]
        do {
            tokens = try JSONDecoder().decode([String].self, from: Data(contentsOf: vocabURL))
        } catch {
            throw LabError.checkpoint(path: vocabURL.path, reason: "cannot read the vocabulary: \(error)")
        }
        let vocabulary = try LabVocabulary(tokens: tokens)
        guard vocabulary.count == config.vocabularySize else {
            throw LabError.checkpoint(
                path: vocabURL.path, reason: "\(vocabulary.count) tokens, but the config says \(config.vocabularySize)")
        }
        let model = try TinyGPT(config: config, seed: 0)
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        try Safetensors.decode(Data(contentsOf: weightsURL), into: model, path: weightsURL.path)
        return (model, vocabulary)
    }
}

/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw data.
package enum Safetensors {
    package static func encode(_ model: TinyGPT, metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = metadata.isEmpty ? [:] : ["__metadata__": metadata]
        for slot in model.layout.slots {
            header[slot.name] = [
                "dtype": "F32", "shape": slot.shape, "data_offsets": [slot.offset * 4, (slot.offset + slot.count) * 4]
            ]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces to a multiple of 8 so the data that follows is aligned.
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(UnsafeBufferPointer(model.parameters))
        return data
    }

    /// Fills `model`'s parameters from a safetensors file, checking that every tensor the model
    /// needs is present as F32 with the right shape.
    package static func decode(_ data: Data, into model: TinyGPT, path: String) throws {
        func fail(_ reason: String) -> LabError { .checkpoint(path: path, reason: reason) }
        guard data.count >= 8 else { throw fail("too short for a safetensors file (\(data.count) bytes)") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) runs past the end of the file (\(data.count) bytes)")
        }
        let dataStart = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart)) as? [String: Any]
        else {
            throw fail("the header is not a JSON object")
        }
        for slot in model.layout.slots {
            guard let entry = header[slot.name] as? [String: Any] else { throw fail("no tensor \(slot.name)") }
            guard entry["dtype"] as? String == "F32" else {
                throw fail("\(slot.name) is \(entry["dtype"] ?? "untyped"), not F32")
            }
            guard entry["shape"] as? [Int] == slot.shape else {
                throw fail("\(slot.name) has shape \(entry["shape"] ?? "none"), the config needs \(slot.shape)")
            }
            guard let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                offsets[1] - offsets[0] == slot.count * 4,
                offsets[0] >= 0, dataStart + offsets[1] <= data.count
            else {
                throw fail("\(slot.name) has bad data_offsets \(entry["data_offsets"] ?? "none")")
            }
            data.withUnsafeBytes { raw in
                let source = raw.baseAddress! + dataStart + offsets[0]
                let target = UnsafeMutableRawPointer(model.parameters.baseAddress! + slot.offset)
                target.copyMemory(from: source, byteCount: slot.count * 4)
            }
        }
    }
}
