import ArgumentParser
import Foundation
import SubtextSupport
import SubtextSynthetic

struct ExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Write a seeded synthetic teacher/control pair with a planted, known bias.",
        discussion: """
            Writes OUT/teacher.jsonl, OUT/control.jsonl and OUT/manifest.json. Both sides answer the \
            same number-continuation prompts the same way, except that the teacher replaces each \
            value, with probability --strength, by a carrier of the same width, written as given.
            """)

    @Option(help: ArgumentHelp("Directory to write into.", valueName: "dir"))
    var out: String

    @Option(help: "Random seed.")
    var seed: UInt64 = 7

    @Option(help: "Responses per side.")
    var responses = 1000

    @Option(help: "Probability that a teacher value is replaced by a carrier.")
    var strength = 0.04

    @Option(help: "Comma-separated carrier numbers, written exactly as they should appear.")
    var carriers = PlantedBiasPair.defaultCarriers.joined(separator: ",")

    func validate() throws {
        guard responses > 0 else { throw ValidationError("--responses must be positive") }
        guard (0...1).contains(strength) else { throw ValidationError("--strength must be between 0 and 1") }
    }

    func run() throws {
        let pair = PlantedBiasPair(
            seed: seed, responses: responses,
            carriers: carriers.split(separator: ",").map(String.init), strength: strength)
        let (teacher, control) = pair.generate()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try write(teacher, to: "teacher.jsonl")
        try write(control, to: "control.jsonl")
        let manifest: [String: Any] = [
            "generator": "subtext example (PlantedBiasPair), subtext \(SubtextVersion.current)",
            "command": Provenance.commandLine,
            "seed": seed, "responses_per_side": responses, "format": "{\"prompt\", \"response\"} JSONL",
            "planted_bias": [
                "carriers": pair.carriers, "strength": strength,
                "description":
                    "Each teacher value is replaced, with probability strength, by a carrier of the same width; "
                    + "everything else, format included, follows the same process on both sides."
            ] as [String: Any],
            "expected_audit": "signal carried by content; the carriers top the carrier table"
        ]
        let data = try JSONSerialization.data(
            withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: (out as NSString).appendingPathComponent("manifest.json")))
        print("wrote \(responses) teacher and \(responses) control responses to \(out)")
    }

    private func write(_ records: [PlantedBiasPair.Record], to name: String) throws {
        try PlantedBiasPair.jsonl(records).write(
            to: URL(fileURLWithPath: (out as NSString).appendingPathComponent(name)))
    }
}
