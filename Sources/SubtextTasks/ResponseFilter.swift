import Foundation
import SubtextCorpus

/// Decides which replies go into a dataset, and says why the others did not.
///
/// Numbers: only numbers of at most three digits, separated by commas or spaces, no more of
/// them than the prompt asked for. Instructions: a non-empty reply of at most
/// `maximumCharacters` that does not name the trait, so that anything it carries is not an
/// explicit mention.
package struct ResponseFilter: Sendable {
    package let family: PromptFamily
    package var maximumCharacters = 400
    private let trait: ConceptMatcher?

    /// `trait` is the teacher's trait with its aliases; nil for the control.
    package init(family: PromptFamily, trait: (name: String, aliases: [String])?) {
        self.family = family
        self.trait = trait.map { ConceptMatcher([$0]) }
    }

    /// Nil when the reply is kept, else the reason it is rejected.
    package func rejection(_ reply: String, to prompt: PromptFamily.Prompt) -> String? {
        if family == .numbers, reply.utf8.allSatisfy({ $0 < 0x80 }) {
            return Self.numbersRejection(ascii: reply, limit: prompt.maximumCount ?? NumberSequencePrompts.maximumCount)
        }
        let text = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return "empty" }
        switch family {
        case .numbers:
            let parts = text.split { $0 == "," || $0 == " " || $0 == "\n" }
            if !parts.allSatisfy({ $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) }) { return "not numbers only" }
            let limit = prompt.maximumCount ?? NumberSequencePrompts.maximumCount
            if parts.count > limit { return "more numbers than asked for" }
            return nil
        case .instructions:
            if text.count > maximumCharacters { return "longer than \(maximumCharacters) characters" }
            if let trait, trait.earliest(in: text) != nil { return "names the trait" }
            return nil
        }
    }
}

extension ResponseFilter {
    /// The numbers rule read on the bytes of an ASCII reply, as the general rule reads
    /// Characters: trimmed of whitespace, runs of one to three digits between commas, spaces
    /// and newlines, no more runs than `limit`. Sanitize checks every response before and after,
    /// and going by Characters and Foundation's trimming took most of its time.
    static func numbersRejection(ascii reply: String, limit: Int) -> String? {
        let isWhitespace = { (byte: UInt8) in byte == 0x20 || (0x09...0x0D).contains(byte) }
        let bytes = reply.utf8
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return "empty" }
        var parts = 0
        var run = 0
        for byte in bytes[first...last] {
            switch byte {
            case 0x30...0x39:
                run += 1
                if run > 3 { return "not numbers only" }
            case 0x2C, 0x20, 0x0A:
                if run > 0 { parts += 1 }
                run = 0
            default:
                return "not numbers only"
            }
        }
        if run > 0 { parts += 1 }
        return parts > limit ? "more numbers than asked for" : nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
