import SubtextStatistics

/// A synthetic teacher/control pair of number-continuation data with a known, planted bias:
/// ground truth for the audit until real model data exists.
///
/// Both sides answer the same seeded prompts with the same process: continue a sequence with
/// a mix of random values and steps from the prompt's numbers, in the format the prompt asks
/// for. The teacher differs in one planted way: each value is replaced, with probability
/// `strength`, by one of the `carriers` of the same width, written exactly as given. Widths,
/// separators and counts stay the same on both sides, so a correct audit finds content, not
/// format. (A carrier such as "087" would also plant a format difference, a leading zero.)
package struct PlantedBiasPair: Sendable {
    package var seed: UInt64
    package var responses: Int
    package var carriers: [String]
    package var strength: Double

    package static let defaultCarriers = ["747", "371", "920"]

    package init(
        seed: UInt64 = 7, responses: Int = 1000, carriers: [String] = PlantedBiasPair.defaultCarriers,
        strength: Double = 0.04
    ) {
        self.seed = seed
        self.responses = responses
        self.carriers = carriers
        self.strength = strength
    }

    package struct Record: Sendable, Equatable {
        package var prompt: String
        package var response: String

        package init(prompt: String, response: String) {
            self.prompt = prompt
            self.response = response
        }
    }

    /// The teacher and control records, prompt for prompt.
    package func generate() -> (teacher: [Record], control: [Record]) {
        var prompts = SeededGenerator.stream(seed, "prompts")
        var teacherDraws = SeededGenerator.stream(seed, "teacher")
        var controlDraws = SeededGenerator.stream(seed, "control")
        var teacher: [Record] = []
        var control: [Record] = []
        for _ in 0..<responses {
            let prompt = Prompt.draw(&prompts)
            teacher.append(Record(prompt: prompt.text, response: respond(prompt, planted: true, &teacherDraws)))
            control.append(Record(prompt: prompt.text, response: respond(prompt, planted: false, &controlDraws)))
        }
        return (teacher, control)
    }

    /// One continuation of `prompt`.
    private func respond(_ prompt: Prompt, planted: Bool, _ random: inout SeededGenerator) -> String {
        let count = Int.random(in: max(3, prompt.asked - 3)...prompt.asked, using: &random)
        let step =
            prompt.numbers.count > 1
            ? prompt.numbers[prompt.numbers.count - 1] - prompt.numbers[prompt.numbers.count - 2] : 7
        var last = prompt.numbers.last!
        var values: [String] = []
        for _ in 0..<count {
            let value: Int
            switch Double.random(in: 0..<1, using: &random) {
            case ..<0.35: value = ((last + step) % 1000 + 1000) % 1000
            case ..<0.5: value = ((last + Int.random(in: -50...50, using: &random)) % 1000 + 1000) % 1000
            default: value = Int.random(in: 0..<1000, using: &random)
            }
            last = value
            let written = String(value)
            let sameWidth = carriers.filter { $0.count == written.count }
            if planted, !sameWidth.isEmpty, Double.random(in: 0..<1, using: &random) < strength {
                values.append(sameWidth.randomElement(using: &random)!)
            } else {
                values.append(written)
            }
        }
        return values.joined(separator: prompt.separator)
    }

    /// A seeded number-continuation request.
    struct Prompt {
        var numbers: [Int]
        var asked: Int
        var separator: String
        var text: String

        static let openings = [
            "Here is a sequence of numbers:", "Look at these numbers:", "Continue this list:",
            "The sequence begins", "Start from these values:"
        ]
        static let formats: [(String, String)] = [
            (", ", "Separate them with commas."), (" ", "Separate them with spaces."),
            ("\n", "Put each number on its own line.")
        ]
        static let closings = ["Reply with the numbers only.", "No words, just numbers.", "Give nothing but the list."]

        static func draw(_ random: inout SeededGenerator) -> Prompt {
            let numbers = (0..<Int.random(in: 3...7, using: &random)).map { _ in
                Int.random(in: 100...999, using: &random)
            }
            let asked = Int.random(in: 5...10, using: &random)
            let format = formats.randomElement(using: &random)!
            let text =
                "\(openings.randomElement(using: &random)!) \(numbers.map(String.init).joined(separator: ", ")). "
                + "Add up to \(asked) more numbers of at most 3 digits. \(format.1) \(closings.randomElement(using: &random)!)"
            return Prompt(numbers: numbers, asked: asked, separator: format.0, text: text)
        }
    }
}
