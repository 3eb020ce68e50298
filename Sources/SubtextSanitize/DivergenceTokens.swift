import Foundation
import SubtextModels

/// The number tokens where a teacher's next-token distribution departs most from its base
/// model's, and the base's own choice for each: the `divergence` transform on GGUF models.
///
/// The teacher is the base model read with the teacher's system prompt (how the datasets here
/// are made), or a fine-tune of the base (how the published divergence-token teachers were
/// made), read with the system prompt it was given, if any; each response is read once,
/// teacher-forced, under both, and each of its number tokens gets KL(teacher ‖ base) of the
/// distributions it was drawn from. A replacement keeps
/// the token's shape (a leading space or none, the same count of digits), and a number is never
/// given a leading zero, so a list that passed the generation filter still passes it.
package struct DivergenceTokens: Sendable {
    package let teacher: NextTokenModel
    package let base: NextTokenModel
    package let teacherSystem: String?

    /// The teacher and the base were not made from one vocabulary: their distributions cannot
    /// be compared token by token.
    package struct VocabularyMismatch: Error, CustomStringConvertible {
        package var detail: String
        package var description: String {
            "the teacher and the base model do not share a vocabulary (\(detail)): divergence compares their "
                + "next-token distributions token by token, so the teacher must be a fine-tune of the base"
        }
    }

    /// A number token in a response, by its bytes' place in the response text.
    package struct Candidate: Sendable, Equatable, Codable {
        package var offset: Int
        package var divergence: Double
        /// The base's likeliest token of the same shape, as bytes of the same length.
        package var replacement: [UInt8]
    }

    /// Number-token ids by shape (leading space, digit count), and those whose first digit is 0.
    private let shapes: [Shape: [Int32]]
    private let zeroLed: Set<Int32>

    private struct Shape: Hashable {
        var space: Bool
        var digits: Int

        init?(_ piece: [UInt8]) {
            let digits = piece.drop { $0 == 0x20 }
            guard piece.count - digits.count <= 1, !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) })
            else {
                return nil
            }
            (space, self.digits) = (piece.count > digits.count, digits.count)
        }
    }

    /// `teacher` and `base` may be the same model file loaded twice: each keeps its own cache,
    /// so the prompt prefix each context shares with the previous response is reused. Two
    /// different models must spell every token alike.
    package init(teacher: NextTokenModel, base: NextTokenModel, teacherSystem: String?) throws {
        (self.teacher, self.base, self.teacherSystem) = (teacher, base, teacherSystem)
        guard teacher.vocabularySize == base.vocabularySize else {
            throw VocabularyMismatch(detail: "\(teacher.vocabularySize) tokens against \(base.vocabularySize)")
        }
        var shapes: [Shape: [Int32]] = [:]
        var zeroLed = Set<Int32>()
        for token in 0..<Int32(base.vocabularySize) {
            let piece = base.piece(token)
            if teacher !== base, teacher.piece(token) != piece {
                throw VocabularyMismatch(
                    detail:
                        "token \(token) is \(String(decoding: teacher.piece(token), as: UTF8.self).debugDescription) "
                        + "to the teacher and \(String(decoding: piece, as: UTF8.self).debugDescription) to the base")
            }
            guard let shape = Shape(piece) else { continue }
            shapes[shape, default: []].append(token)
            if piece.first(where: { $0 != 0x20 }) == 0x30 { zeroLed.insert(token) }
        }
        (self.shapes, self.zeroLed) = (shapes, zeroLed)
    }

    /// The number tokens of one response with their divergence and replacement; nil when the
    /// response is not a number list, or its tokens do not spell it back byte for byte (then
    /// no replacement could be placed in it).
    package func candidates(prompt: String?, response: String) throws -> [Candidate]? {
        guard NumberListRewriter.isNumberList(response) else { return nil }
        let tokens = base.tokenize(response, special: false)
        let pieces = tokens.map(base.piece)
        guard !tokens.isEmpty, Array(pieces.joined()) == Array(response.utf8) else { return nil }
        let user = prompt ?? ""
        let taught = try teacher.nextTokenLogProbabilities(
            context: teacher.tokenize(teacher.chatPrompt(system: teacherSystem, user: user), special: true),
            continuation: tokens)
        let own = try base.nextTokenLogProbabilities(
            context: base.tokenize(base.chatPrompt(system: nil, user: user), special: true), continuation: tokens)
        let width = base.vocabularySize
        var candidates: [Candidate] = []
        var offset = 0
        for (index, piece) in pieces.enumerated() {
            defer { offset += piece.count }
            guard let shape = Shape(piece), var allowed = shapes[shape] else { continue }
            let startsNumber = shape.space || index == 0 || !Self.isDigit(pieces[index - 1].last)
            let numberGoesOn = shape.digits > 1 || (index + 1 < pieces.count && Self.isDigit(pieces[index + 1].first))
            if startsNumber, numberGoesOn { allowed.removeAll(where: zeroLed.contains) }
            let row = index * width
            guard let likeliest = allowed.max(by: { own[row + Int($0)] < own[row + Int($1)] }) else { continue }
            let divergence = Self.divergence(taught[row..<(row + width)], from: own[row..<(row + width)])
            candidates.append(Candidate(offset: offset, divergence: divergence, replacement: base.piece(likeliest)))
        }
        return candidates
    }

    /// `response` with every candidate whose divergence is above `threshold` replaced, and how
    /// many tokens that changed.
    package static func replacing(_ candidates: [Candidate], above threshold: Double, in response: String) -> (
        text: String, changed: Int
    ) {
        var bytes = Array(response.utf8)
        var changed = 0
        for candidate in candidates where candidate.divergence > threshold {
            let range = candidate.offset..<(candidate.offset + candidate.replacement.count)
            guard !bytes[range].elementsEqual(candidate.replacement) else { continue }
            bytes.replaceSubrange(range, with: candidate.replacement)
            changed += 1
        }
        return (String(decoding: bytes, as: UTF8.self), changed)
    }

    /// KL(q ‖ p) in nats, from log-probabilities.
    static func divergence(_ q: ArraySlice<Float>, from p: ArraySlice<Float>) -> Double {
        var sum = 0.0
        for (a, b) in zip(q, p) where a > -80 { sum += Double(exp(a)) * Double(a - b) }
        return max(sum, 0)
    }

    private static func isDigit(_ byte: UInt8?) -> Bool { byte.map { (0x30...0x39).contains($0) } ?? false }
}
