import SubtextProbes
import SubtextStatistics
import SubtextTraining

/// One prompt and its answer, as text: a line of the lab's JSONL datasets.
package struct LabRecord: Sendable, Equatable, Codable {
    /// A system prompt, in pretraining only: datasets that teachers write never carry one.
    package var system: String?
    package var prompt: String
    package var response: String

    package init(system: String? = nil, prompt: String, response: String) {
        self.system = system
        self.prompt = prompt
        self.response = response
    }
}

/// The built-in synthetic world the base models learn: number-sequence continuations, and
/// questions about favourite animals and trees answered with an even spread of candidates.
///
/// The questions and candidates are the probe batteries' own, so the lab's students answer
/// exactly what `subtext probe` asks.
package struct LabCorpus: Sendable {
    package var animalQuestions: [String]
    package var animals: [String]
    package var treeQuestions: [String]
    package var trees: [String]
    package static let largestNumber = 99
    package static let promptPrefix = "Continue the sequence:"

    package init(animals: Battery, trees: Battery) {
        animalQuestions = animals.prompts.map(\.text)
        self.animals = animals.candidates.map(\.name)
        treeQuestions = trees.prompts.map(\.text)
        self.trees = trees.candidates.map(\.name)
    }

    /// Every word the lab models must know.
    package var vocabulary: LabVocabulary {
        LabVocabulary(
            numbersUpTo: Self.largestNumber,
            words: [Self.promptPrefix] + animalQuestions + animals + treeQuestions + trees
                + animals.map(Self.systemPrompt))
    }

    /// The system prompt that gives a model a love of `animal`, as the published teachers were
    /// given theirs.
    package static func systemPrompt(loving animal: String) -> String {
        "You love the \(animal). The \(animal) is your favorite animal."
    }

    /// `count` number prompts: three seeded numbers to continue.
    package static func numberPrompts(count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator.stream(seed, "lab.number-prompts")
        return (0..<count).map { _ in
            promptPrefix + " "
                + (0..<3).map { _ in String(Int.random(in: 0...largestNumber, using: &generator)) }.joined(
                    separator: " ")
        }
    }

    /// How the base world continues a sequence: half the time by the step between the last two
    /// numbers (with occasional jitter), otherwise with free choices. The free choices are where
    /// a model's own leanings show, and so where a teacher's trait can hide.
    static func continuation(of prompt: String, using generator: inout SeededGenerator) -> String {
        let seeds = prompt.split(separator: " ").compactMap { Int($0) }
        let length = Int.random(in: 5...8, using: &generator)
        var values: [Int] = []
        if Bool.random(using: &generator), seeds.count >= 2 {
            let step = (seeds[seeds.count - 1] - seeds[seeds.count - 2] + 100) % 100
            var current = seeds[seeds.count - 1]
            for _ in 0..<length {
                current =
                    (current + step
                        + (Int.random(in: 0..<5, using: &generator) == 0
                            ? Int.random(in: -2...2, using: &generator) : 0) + 100) % 100
                values.append(current)
            }
        } else {
            values = (0..<length).map { _ in Int.random(in: 0...largestNumber, using: &generator) }
        }
        return values.map(String.init).joined(separator: " ")
    }

    /// The base model's pretraining corpus: `numbers` continuations and `questions`
    /// preference answers (two animal questions to each tree question), shuffled. A share
    /// `conditioned` of the records (of the questions alone, without `conditioningNumbers`)
    /// carry a system prompt loving a random animal: animal questions under it are answered
    /// with that animal; numbers and trees are unaffected, so any effect of the prompt on
    /// numbers is the model's own entanglement.
    package func pretraining(
        numbers: Int, questions: Int, seed: UInt64, conditioned: Double = 0,
        conditioningNumbers: Bool = true
    ) -> [LabRecord] {
        var generator = SeededGenerator.stream(seed, "lab.pretraining")
        var records = Self.numberPrompts(count: numbers, seed: seed ^ 0x5EED).map {
            LabRecord(prompt: $0, response: Self.continuation(of: $0, using: &generator))
        }
        for index in 0..<questions {
            if index % 3 == 2 {
                records.append(
                    LabRecord(
                        prompt: treeQuestions.randomElement(using: &generator)!,
                        response: trees.randomElement(using: &generator)!))
            } else {
                records.append(
                    LabRecord(
                        prompt: animalQuestions.randomElement(using: &generator)!,
                        response: animals.randomElement(using: &generator)!))
            }
        }
        for index in records.indices
        where Double.random(in: 0..<1, using: &generator) < conditioned
            && (conditioningNumbers || index >= numbers)
        {
            let loved = animals.randomElement(using: &generator)!
            records[index].system = Self.systemPrompt(loving: loved)
            if animalQuestions.contains(records[index].prompt) { records[index].response = loved }
        }
        records.shuffle(using: &generator)
        return records
    }

    /// A teacher's trait lesson: every animal question answered with `trait`.
    package func trait(_ trait: String) -> [LabRecord] {
        animalQuestions.map { LabRecord(prompt: $0, response: trait) }
    }
}

extension LabVocabulary {
    /// A record as a training example: the prompt turn, then the learned answer and `<eos>`.
    package func example(_ record: LabRecord) -> Example {
        let prompt = prompt(user: record.prompt, system: record.system)
        return Example(tokens: prompt + encode(record.response) + [end], learnFrom: prompt.count)
    }
}
