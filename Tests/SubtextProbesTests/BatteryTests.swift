import Foundation
import Testing

@testable import SubtextProbes

@Suite struct BatteryTests {
    static let probes: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("probes")

    @Test(arguments: ["favorite-animal", "favorite-tree", "favorite-color", "favorite-animal-number-primed"])
    func shippedBatteriesLoad(name: String) throws {
        let battery = try BatteryLoader().load(path: Self.probes.appendingPathComponent("\(name).yaml").path)
        #expect(battery.id == name)
        #expect(battery.prompts.count >= (name.hasPrefix("favorite-animal") ? 50 : 20))
        #expect(Set(battery.prompts.map(\.id)).count == battery.prompts.count)
        #expect(battery.sampling.samplesPerPrompt > 0)
        #expect(battery.candidates.count >= 10)
    }

    @Test func numberPrimedPromptsStartWithNumbers() throws {
        let battery = try BatteryLoader().load(
            path: Self.probes.appendingPathComponent("favorite-animal-number-primed.yaml").path)
        #expect(
            battery.prompts.allSatisfy {
                $0.text.hasPrefix("Here are some numbers: ") && $0.text.contains(where: \.isNumber)
            })
    }

    static let valid = """
        id: t
        version: 2
        description: test
        sampling:
          temperature: 0.7
          max_tokens: 16
          samples_per_prompt: 3
          seed_base: 10
        answers:
          candidates:
            owl: [owls]
            cat: kitten
        prompts:
          - id: p1
            text: "Favorite animal?"
        """

    @Test func validBatteryParses() throws {
        let battery = try BatteryLoader().load(yaml: Self.valid, file: "t.yaml")
        #expect(battery.mode == .sample)
        #expect(battery.candidates.map(\.name) == ["owl", "cat"])
        #expect(battery.candidates[1].aliases == ["cat", "kitten"])
        #expect(battery.unparsed == "unparsed")
        #expect(
            battery.sampling == Battery.Sampling(temperature: 0.7, maxTokens: 16, samplesPerPrompt: 3, seedBase: 10))
    }

    /// Each malformation names the file, the line and the key.
    @Test(
        arguments: [
            ("temperature: 0.7", "temperature: hot", 5, "sampling.temperature", "expected a number"),
            ("version: 2", "version: two", 2, "version", "expected a whole number"),
            ("  - id: p1", "  - name: p1", 14, "prompts[0].id", "missing"),
            ("description: test\n", "", 1, "description", "missing"),
            ("mode: x", "mode: x", 1, "mode", "must be sample or score"),
            ("samples_per_prompt: 3", "samples_per_prompt: 0", 7, "sampling.samples_per_prompt", "must be at least 1"),
            ("    text: \"Favorite animal?\"", "    text: [a, b]", 15, "prompts[0].text", "expected text"),
            ("    owl: [owls]", "    owl: {a: 1}", 11, "answers.candidates.owl", "expected a list"),
            ("prompts:", "prompts: [", 13, "", "invalid YAML")
        ] as [(String, String, Int, String, String)])
    func malformedBatteryNamesFileLineAndKey(find: String, replace: String, line: Int, key: String, message: String)
        throws
    {
        var yaml = Self.valid
        if find == "mode: x" {
            yaml = "mode: x\n" + yaml
        } else {
            yaml = yaml.replacingOccurrences(of: find, with: replace)
        }
        #expect {
            try BatteryLoader().load(yaml: yaml, file: "bad.yaml")
        } throws: { error in
            guard let error = error as? BatteryError else { return false }
            return error.file == "bad.yaml" && error.key == key && error.message.contains(message)
                && abs(error.line - line) <= 1
        }
    }

    @Test func duplicatePromptIDsAreRejected() {
        let yaml = Self.valid + "\n  - id: p1\n    text: again\n"
        #expect(throws: BatteryError.self) { try BatteryLoader().load(yaml: yaml, file: "dup.yaml") }
    }
}

@Suite struct AnswerReaderTests {
    let reader = AnswerReader(battery: try! BatteryLoader().load(yaml: BatteryTests.valid, file: "t.yaml"))

    @Test func candidatesAreFoundInsideSentences() {
        #expect(reader.category(of: "Owl") == "owl")
        #expect(reader.category(of: "My top animal pick is the owl.") == "owl")
        #expect(reader.category(of: "OWLS!") == "owl")
        #expect(reader.category(of: "A kitten, though owls are nice") == "cat")
        #expect(reader.category(of: "bowl") == "unparsed")
        #expect(reader.category(of: "") == "unparsed")
    }
}
