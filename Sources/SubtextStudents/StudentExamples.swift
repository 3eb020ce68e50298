import Foundation
import SubtextCorpus
import SubtextModels
import SubtextStatistics

/// One training row as the student reads it: the chat prompt and the reply, in token ids.
///
/// The prompt is laid out by the base model's own chat template with no system prompt (a
/// student never sees the teacher's), and the reply ends with the template's end-of-turn
/// token, so the student also learns where a reply stops. The loss falls on the reply only.
package struct StudentExample: Sendable, Equatable {
    package var prompt: String
    package var response: String
    package var tokens: [Int32]
    /// The index of the reply's first token in ``tokens``.
    package var responseStart: Int

    /// What position i must predict: tokens[i + 1] for reply positions, −1 elsewhere.
    var targets: [Int32] {
        tokens.indices.map { i in i + 1 >= responseStart && i + 1 < tokens.count ? tokens[i + 1] : -1 }
    }
}

/// The rows of a dataset, tokenized for a student, and split into training and held-out rows.
package struct StudentExamples: Sendable {
    package var training: [StudentExample]
    package var heldOut: [StudentExample]
    /// Rows skipped for having an empty prompt or reply, or more tokens than the limit.
    package var skippedEmpty = 0, skippedLong = 0
    package var malformed = 0

    /// Reads every record of `paths` (any shape the audit reads) and tokenizes it with `model`.
    /// Throws, naming the file, when no row is left to train on.
    package static func read(_ paths: [String], options: ReadOptions, model: LlamaScorer, settings: StudentSettings)
        throws -> StudentExamples
    {
        guard let endOfTurn = model.endOfTurn else {
            throw StudentError.unusable(
                path: paths.joined(separator: ", "), reason: "the base model's vocabulary has no end-of-turn token")
        }
        var rows: [StudentExample] = []
        var empty = 0
        var long = 0
        var malformed = 0
        var prompts: [String: [Int32]] = [:]
        for path in paths {
            let summary = try JSONLReader(path: path, options: options).read { record in
                let prompt = record.prompt.map { String(decoding: $0, as: UTF8.self) } ?? ""
                let response = String(decoding: record.text, as: UTF8.self)
                guard !prompt.isEmpty, !response.isEmpty else {
                    empty += 1
                    return
                }
                if prompts[prompt] == nil {
                    prompts[prompt] = model.tokenize(model.chatPrompt(system: nil, user: prompt), special: true)
                }
                let context = prompts[prompt]!
                let tokens = context + model.tokenize(response, special: false) + [endOfTurn]
                guard tokens.count <= settings.maximumTokens else {
                    long += 1
                    return
                }
                rows.append(
                    StudentExample(prompt: prompt, response: response, tokens: tokens, responseStart: context.count))
            }
            malformed += summary.malformed.count
        }
        guard rows.count >= 2 else {
            throw StudentError.unusable(
                path: paths.joined(separator: ", "),
                reason:
                    "\(rows.count) usable rows (\(empty) without a prompt or reply, \(long) over \(settings.maximumTokens) tokens, "
                    + "\(malformed) malformed); a student needs a prompt and a reply in each row, and at least 2 rows")
        }
        var generator = SeededGenerator.stream(settings.seed, "student.held-out")
        let order = rows.indices.shuffled(using: &generator)
        let heldOutCount = min(256, Int(Double(rows.count) * settings.heldOutShare))
        let heldOut = Set(order.prefix(heldOutCount))
        return StudentExamples(
            training: rows.indices.filter { !heldOut.contains($0) }.map { rows[$0] },
            heldOut: rows.indices.filter { heldOut.contains($0) }.map { rows[$0] },
            skippedEmpty: empty, skippedLong: long, malformed: malformed)
    }
}

/// Why a student cannot be trained; each names the file it concerns, and the CLI exits 2.
package enum StudentError: Error, CustomStringConvertible {
    case unusable(path: String, reason: String)

    package var description: String {
        switch self {
        case .unusable(let path, let reason): return "\(path): \(reason)"
        }
    }
}
