import Foundation
import SubtextCorpus

/// Decides which replies go into a dataset, and says why the others did not.
///
/// Numbers: only numbers of at most three digits, separated by commas or spaces, no more of
/// them than the prompt asked for. Instructions: a non-empty reply of at most
/// `maximumCharacters` that does not name the trait, so that anything it carries is not an
/// explicit mention.
public struct ResponseFilter: Sendable {
    public let family: PromptFamily
    public var maximumCharacters = 400
    private let trait: ConceptMatcher?

    /// `trait` is the teacher's trait with its aliases; nil for the control.
    public init(family: PromptFamily, trait: (name: String, aliases: [String])?) {
        self.family = family
        self.trait = trait.map { ConceptMatcher([$0]) }
    }

    /// Nil when the reply is kept, else the reason it is rejected.
    public func rejection(_ reply: String, to prompt: PromptFamily.Prompt) -> String? {
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

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
