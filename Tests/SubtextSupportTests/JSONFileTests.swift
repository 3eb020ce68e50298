import Foundation
import SubtextSupport
import Testing

/// A JSON file that cannot be read is named, with its field, in words a reader can act on.
@Suite struct JSONFileTests {
    struct Part: Decodable {
        struct Trait: Decodable {
            var name: String
            var shift: Double
        }
        var traits: [Trait]
        var seed: Int
    }

    private func failure(_ text: String?) throws -> JSONFile.Failure {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jsonfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("part.json").path
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        do {
            _ = try JSONFile.decode(Part.self, path: path)
        } catch let failure as JSONFile.Failure {
            return failure
        }
        Issue.record("\(text ?? "a missing file") was read")
        return JSONFile.Failure(path: "", reason: "")
    }

    @Test func aMissingFieldIsNamedWithItsPath() throws {
        let failure = try failure(#"{"traits": [{"name": "owl", "shift": 0.1}, {"name": "cat"}], "seed": 1}"#)
        #expect(failure.path == "part.json")
        #expect(failure.reason == "no field `traits.1.shift`")
        #expect(failure.description == "part.json: no field `traits.1.shift`")
    }

    @Test func aWrongTypeSaysWhatWasExpected() throws {
        let reasons = try [
            #"{"traits": [{"name": "owl", "shift": "big"}], "seed": 1}"#, #"{"traits": {}, "seed": 1}"#,
            #"{"traits": [], "seed": null}"#, "[1, 2]"
        ].map { try failure($0).reason }
        #expect(
            reasons == [
                "field `traits.0.shift` is not a number", "field `traits` is not a list", "field `seed` is null",
                "the top level is not an object"
            ])
    }

    @Test func textThatIsNotJSONOrNoFileIsSaidSo() throws {
        #expect(try failure(#"{"traits": [], "seed": 1"#).reason.hasPrefix("not valid JSON"))
        #expect(try failure("").reason.hasPrefix("not valid JSON"))
        #expect(try failure(nil).reason.hasPrefix("cannot be read"))
    }

    @Test func nonFiniteNumbersReadAsSubtextWritesThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jsonfile-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"traits": [{"name": "owl", "shift": "-inf"}], "seed": 2}"#.write(
            to: directory, atomically: true, encoding: .utf8)
        let part = try JSONFile.decode(Part.self, path: directory.path)
        #expect(part.traits[0].shift == -.infinity && part.seed == 2)
    }
}
