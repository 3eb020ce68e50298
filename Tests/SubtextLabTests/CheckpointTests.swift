import Foundation
import Testing

@testable import SubtextLab
@testable import SubtextTraining

@Suite struct CheckpointTests {
    static let vocabulary = LabVocabulary(numbersUpTo: 9, words: ["What is your favorite animal?", "owl cat"])

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("subtext-lab-\(UUID().uuidString)")
    }

    @Test func aCheckpointRoundTripsBitForBit() throws {
        let config = ModelConfig(vocabularySize: Self.vocabulary.count, context: 8, layers: 2, heads: 2, width: 8)
        let model = try TinyGPT(config: config, seed: 4)
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Checkpoint.save(model, vocabulary: Self.vocabulary, to: directory, metadata: ["seed": "4"])
        let (loaded, vocabulary) = try Checkpoint.load(from: directory)
        #expect(loaded.config == config)
        #expect(vocabulary == Self.vocabulary)
        #expect(Array(loaded.parameters) == Array(model.parameters))
        // The header is the standard one: 8-byte length, then JSON naming every tensor.
        let data = try Data(contentsOf: directory.appendingPathComponent("model.safetensors"))
        let length = Int(
            data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try #require(
            try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
        #expect(Set(header.keys) == Set(model.layout.slots.map(\.name) + ["__metadata__"]))
        #expect(data.count == 8 + length + 4 * model.parameterCount)
    }

    @Test func malformedWeightsAreRefusedWithThePathAndReason() throws {
        let config = ModelConfig(vocabularySize: Self.vocabulary.count, context: 8, layers: 1, heads: 2, width: 8)
        let model = try TinyGPT(config: config, seed: 1)
        let good = try Safetensors.encode(model)
        let headerLength = Int(
            good.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        var wrongShape = good
        let header = String(decoding: good.subdata(in: 8..<(8 + headerLength)), as: UTF8.self)
            .replacingOccurrences(
                of: "\"shape\":[\(config.vocabularySize),8]", with: "\"shape\":[8,\(config.vocabularySize)]")
        wrongShape.replaceSubrange(8..<(8 + headerLength), with: Data(header.utf8))
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "too short"),
            (Data([255, 255, 0, 0, 0, 0, 0, 0]) + Data(count: 16), "runs past the end"),
            (Data([2, 0, 0, 0, 0, 0, 0, 0]) + Data("[]".utf8), "not a JSON object"),
            (good.prefix(good.count - 4), "bad data_offsets"),
            (wrongShape, "has shape")
        ]
        for (data, reason) in cases {
            let error = try #require(throws: LabError.self, "\(reason)") {
                try Safetensors.decode(data, into: model, path: "x.safetensors")
            }
            #expect(error.description.hasPrefix("x.safetensors: "), "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test func vocabularyEncodesTheBatteryWordingAndDecodesNumbers() {
        let v = Self.vocabulary
        let ids = v.encode("What is your favorite animal?")
        #expect(!ids.contains(v.unknown))
        #expect(v.decode(ids) == "what is your favorite animal?")
        #expect(v.encode("owl zebra 12").last == v.unknown, "12 is above the largest number, 9")
        #expect(v.decode(v.encode("3 1 4")) == "3 1 4")
        #expect(v.encode("3 1 4").allSatisfy(v.isNumber))
        #expect(throws: LabError.self) { try LabVocabulary(tokens: ["owl"]) }
    }
}
