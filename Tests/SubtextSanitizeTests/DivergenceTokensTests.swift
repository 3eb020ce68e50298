import Foundation
import SubtextAudit
import SubtextModels
import SubtextTestSupport
import Testing

@testable import SubtextSanitize

/// A model over single characters whose next-token distribution is fixed by a rule, so that
/// where a teacher and its base disagree is known in advance.
///
/// Tokens: the digits 0–9 (ids 0–9), "," (10), " " (11), " 7" (12, a spaced number token),
/// "x" (13), and "|" (14), which only contexts use. The base puts 0.5 on "5" and spreads the rest;
/// the teacher (a system prompt) does the same except at the first token of a reply, where it
/// moves 0.9 of it onto "7", and after a "3", where it moves half of it onto "0" (so the first
/// tokens diverge most). Text is read greedily, " 7" as one token.
///
/// A fine-tuned teacher (`fineTuned`) reads every context as the teacher does.
private final class RuleModel: NextTokenModel, @unchecked Sendable {
    static let pieces = (0...9).map { String($0) } + [",", " ", " 7", "x", "|"]
    let vocabularySize = RuleModel.pieces.count
    let fineTuned: Bool
    /// Contexts read so far as the teacher, and as the base.
    var taught = 0, own = 0

    init(fineTuned: Bool = false) { self.fineTuned = fineTuned }

    func tokenize(_ text: String, special: Bool) -> [Int32] {
        var tokens: [Int32] = []
        var rest = Substring(text)
        while let first = rest.first {
            let spaced = rest.hasPrefix(" 7")
            tokens.append(spaced ? 12 : Int32(Self.pieces.firstIndex(of: String(first)) ?? 13))
            rest = rest.dropFirst(spaced ? 2 : 1)
        }
        return tokens
    }

    func chatPrompt(system: String?, user: String) -> String { (system == nil ? "|" : "||") + user.prefix(3) }

    func piece(_ token: Int32) -> [UInt8] { Array(Self.pieces[Int(token)].utf8) }

    func nextTokenLogProbabilities(context: [Int32], continuation: [Int32]) throws -> [Float] {
        let teacher = fineTuned || context.prefix(2) == [14, 14]
        if teacher { taught += 1 } else { own += 1 }
        var rows: [Float] = []
        for index in continuation.indices {
            var p = [Double](repeating: 0.5 / Double(vocabularySize - 1), count: vocabularySize)
            p[5] = 0.5
            if teacher, index == 0 || continuation[index - 1] == 3 {
                let moved = index == 0 ? 0.9 : 0.5
                p = p.map { $0 * (1 - moved) }
                p[index == 0 ? 7 : 0] += moved
            }
            rows += p.map { Float(log($0)) }
        }
        return rows
    }
}

@Suite struct DivergenceTokensTests {
    private let model = RuleModel()
    private var tokens: DivergenceTokens {
        try! DivergenceTokens(teacher: model, base: model, teacherSystem: "You love owls.")
    }

    /// KL(q ‖ p) in nats, against the sum written out: q = (0.5, 0.5), p = (0.9, 0.1) gives
    /// 0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1) = 0.5108256.
    @Test func divergenceIsTheKullbackLeiblerDivergenceInNats() {
        let q: [Float] = [log(0.5), log(0.5)]
        let p: [Float] = [log(0.9), log(0.1)]
        #expect(abs(DivergenceTokens.divergence(q[...], from: p[...]) - 0.5108256) < 1e-6)
        #expect(DivergenceTokens.divergence(p[...], from: p[...]) == 0)
    }

    /// Every number token is a candidate, where the teacher departs from the base it diverges,
    /// and the base's choice ("5") replaces it, but never as a leading zero's opposite: the
    /// first digit of a number that goes on is never 0, and a spaced token keeps its space.
    @Test func candidatesAreTheNumberTokensWithTheBasesChoice() throws {
        let found = try #require(try tokens.candidates(prompt: "abc", response: "36, 7, 30, 7"))
        // "3", "6", ",", " 7", ",", " ", "3", "0", ",", " 7": number tokens at bytes 0, 1, 3, 7, 8, 10;
        // a spaced " 7" has no other token of its shape to become.
        #expect(found.map(\.offset) == [0, 1, 3, 7, 8, 10])
        #expect(found.map { String(decoding: $0.replacement, as: UTF8.self) } == ["5", "5", " 7", "5", "5", " 7"])
        let diverging = found.filter { $0.divergence > 0.1 }.map(\.offset)
        // The reply's first token, and the tokens after a "3".
        #expect(diverging == [0, 1, 8])
        #expect(model.taught == 1 && model.own == 1, "each response is read once under each model")
    }

    /// A teacher that is a model of its own, read without a system prompt, diverges where the
    /// prompted teacher does; the base is read as the base.
    @Test func aFineTunedTeacherIsReadWithoutASystemPrompt() throws {
        let teacher = RuleModel(fineTuned: true)
        let base = RuleModel()
        let found = try DivergenceTokens(teacher: teacher, base: base, teacherSystem: nil).candidates(
            prompt: "abc", response: "36, 7, 30, 7")
        #expect(found == (try tokens.candidates(prompt: "abc", response: "36, 7, 30, 7")))
        #expect(teacher.taught == 1 && base.own == 1 && base.taught == 0)
    }

    /// A teacher whose tokens are not the base's cannot be compared with it token by token.
    @Test func aTeacherOfAnotherVocabularyIsRefused() {
        final class Shifted: NextTokenModel, @unchecked Sendable {
            let inner = RuleModel(), size: Int
            init(size: Int) { self.size = size }
            var vocabularySize: Int { size }
            func tokenize(_ text: String, special: Bool) -> [Int32] { inner.tokenize(text, special: special) }
            func chatPrompt(system: String?, user: String) -> String { inner.chatPrompt(system: system, user: user) }
            func piece(_ token: Int32) -> [UInt8] { token == 3 ? Array("8".utf8) : inner.piece(token) }
            func nextTokenLogProbabilities(context: [Int32], continuation: [Int32]) throws -> [Float] { [] }
        }
        #expect(throws: DivergenceTokens.VocabularyMismatch.self) {
            try DivergenceTokens(teacher: Shifted(size: 14), base: RuleModel(), teacherSystem: nil)
        }
        let error = #expect(throws: DivergenceTokens.VocabularyMismatch.self) {
            try DivergenceTokens(teacher: Shifted(size: 15), base: RuleModel(), teacherSystem: nil)
        }
        #expect(error?.detail == #"token 3 is "8" to the teacher and "3" to the base"#)
    }

    /// Replacing above a threshold changes only those tokens, keeps every byte else, and
    /// counts a replacement by the token already written as no change.
    @Test func replacingKeepsEverythingButTheChosenTokens() throws {
        let found = try #require(try tokens.candidates(prompt: "abc", response: "36, 7, 30, 7"))
        let replaced = DivergenceTokens.replacing(found, above: 0.1, in: "36, 7, 30, 7")
        #expect(replaced.text == "55, 7, 35, 7" && replaced.changed == 3)
        let same = DivergenceTokens.replacing(
            [.init(offset: 0, divergence: 1, replacement: Array("3".utf8))], above: 0.1, in: "36")
        #expect(same.text == "36" && same.changed == 0)
    }

    /// A base whose likeliest digit is 0 cannot put it at the head of a number that goes on.
    @Test func aNumberNeverGetsALeadingZero() throws {
        final class ZeroModel: NextTokenModel, @unchecked Sendable {
            let inner = RuleModel()
            var vocabularySize: Int { inner.vocabularySize }
            func tokenize(_ text: String, special: Bool) -> [Int32] { inner.tokenize(text, special: special) }
            func chatPrompt(system: String?, user: String) -> String { inner.chatPrompt(system: system, user: user) }
            func piece(_ token: Int32) -> [UInt8] { inner.piece(token) }
            func nextTokenLogProbabilities(context: [Int32], continuation: [Int32]) throws -> [Float] {
                var rows = [Float](repeating: log(0.01), count: continuation.count * vocabularySize)
                for index in continuation.indices {
                    rows[index * vocabularySize] = log(0.5)
                    rows[index * vocabularySize + 4] = log(0.3)
                }
                return rows
            }
        }
        let zero = ZeroModel()
        let found = try #require(
            try DivergenceTokens(teacher: zero, base: zero, teacherSystem: "s").candidates(
                prompt: nil, response: "12, 3"))
        // "1" heads "12": 4, the best that is not 0; "2" goes on a number: 0; "3" is a number alone: 0.
        #expect(found.map { String(decoding: $0.replacement, as: UTF8.self) } == ["4", "0", "0"])
    }

    /// Prose is not a number list, and a response the model's tokens do not spell back has no
    /// place to put a replacement: neither is read.
    @Test func proseAndUnspellableResponsesAreLeftAlone() throws {
        #expect(try tokens.candidates(prompt: nil, response: "owls: 12, 40") == nil)
        #expect(try tokens.candidates(prompt: nil, response: "12; 40") == nil, "';' is not in the vocabulary")
        #expect(model.taught == 0)
    }

    /// The sanitizer replaces the top share of the teacher's number tokens, puts the control's
    /// tokens through the same threshold, records what it did, and the lists stay valid.
    @Test func sanitizerReplacesTheTopShareOnBothSides() throws {
        let scratch = try TemporaryDirectory()
        let lines = { (responses: [String]) in
            responses.enumerated().map { #"{"prompt":"p\#($0.offset)","response":"\#($0.element)"}"# }
        }
        let teacher = try scratch.write(
            "t.jsonl",
            lines: lines(Array(repeating: ["36, 12, 48", "7, 30, 31", "11, 22, 33"], count: 10).flatMap { $0 }))
        let control = try scratch.write(
            "c.jsonl", lines: lines(Array(repeating: ["36, 12, 48", "14, 15, 16", "9, 8, 7"], count: 10).flatMap { $0 })
        )
        var sanitizer = Sanitizer(transforms: [.divergence, .sort], seed: 1)
        sanitizer.audit.permutations = 99
        sanitizer.audit.bootstrap = 20
        sanitizer.divergence = (tokens, "rule", nil, nil)
        sanitizer.divergenceShare = 0.2
        let result = try sanitizer.run(teacher: teacher, control: control, directory: scratch.path("out"))
        let written = try String(contentsOfFile: scratch.path("out/teacher.jsonl"), encoding: .utf8)
        let summary = try #require(result.divergence)
        // 17 number tokens a teacher set, 15 a control set (its " 7" is one token). 20% of the teacher's
        // 170 is 34: above the 34th highest divergence are the 30 first tokens, which diverge most; the
        // 40 tokens after a "3" tie at the threshold and are kept.
        #expect(summary.tokensScored == ["teacher": 170, "control": 150])
        #expect(summary.model == "rule" && summary.teacherModel == nil && summary.teacherSystem == "You love owls.")
        #expect(result.teacher.tokensChanged == 30 && result.control?.tokensChanged == 30)
        // Numbers are compared by place: "36, 12, 48" becomes "12, 48, 56", three changed; "7, 30, 31" one; "11, 22, 33" three.
        #expect(result.teacher.valuesChanged == 70)
        for response in ["12, 48, 56", "5, 30, 31", "22, 33, 51"] {
            #expect(
                written.components(separatedBy: #""response":"\#(response)""#).count == 11, "\(response) in \(written)")
        }
        let controlWritten = try String(contentsOfFile: scratch.path("out/control.jsonl"), encoding: .utf8)
        #expect(
            controlWritten.contains(#""response":"15, 16, 54""#)
                && controlWritten.contains(#""response":"5, 8, 7""#) == false)
        #expect(result.validShare == 1)
        let refused = Sanitizer(transforms: [.divergence])
        #expect(throws: SanitizeError.divergenceNeedsModels) {
            try refused.run(teacher: teacher, control: control, directory: scratch.path("none"))
        }
    }
    /// A second run over the same data reads every response from the journal, and writes the
    /// same files; another system prompt, or a teacher model, is another key, read afresh.
    @Test func aRunResumesFromItsJournal() throws {
        let scratch = try TemporaryDirectory()
        let teacher = try scratch.write(
            "t.jsonl",
            lines: ["36, 12", "7, 30", "36, 12"].enumerated().map {
                #"{"prompt":"p\#($0.offset % 2)","response":"\#($0.element)"}"#
            })
        let run = { (model: RuleModel, system: String?, teacherModel: String?, out: String) throws -> String in
            var sanitizer = Sanitizer(transforms: [.divergence], seed: 1)
            let journal = try DivergenceJournal(
                path: scratch.path("journal.jsonl"), modelSHA256: "m", teacherSystem: system,
                teacherModelSHA256: teacherModel)
            sanitizer.divergence = (
                try DivergenceTokens(teacher: model, base: model, teacherSystem: system), "rule", nil, journal
            )
            _ = try sanitizer.run(teacher: teacher, control: nil, directory: scratch.path(out))
            return try String(contentsOfFile: scratch.path(out + "/teacher.jsonl"), encoding: .utf8)
        }
        let first = RuleModel()
        let again = RuleModel()
        let written = try run(first, "s", nil, "one")
        #expect(first.taught == 2, "the repeated response is read once")
        #expect(try run(again, "s", nil, "two") == written)
        #expect(again.taught == 0 && again.own == 0)
        for (index, (system, teacherModel)) in [("another", nil), ("s", "t"), (nil, "t"), ("", "t")].enumerated() {
            let other = RuleModel()
            _ = try run(other, system, teacherModel, "other\(index)")
            #expect(
                other.taught + other.own == 4,
                "\(String(describing: system)), \(String(describing: teacherModel)) is read afresh")
        }
    }
}
