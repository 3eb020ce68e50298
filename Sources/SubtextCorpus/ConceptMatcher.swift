/// Finds concepts ("owl", "eagle", "red panda") named in plain words: whole-word,
/// case-insensitive, with a plural "s" or "es" allowed. Each concept may have aliases
/// ("kitten" for cat) that count as it.
public struct ConceptMatcher: Sendable {
    public let concepts: [String]
    /// (concept index, lowercased alias bytes), for every alias of every concept.
    private let patterns: [(concept: Int, bytes: [UInt8])]

    public init(_ concepts: [String]) {
        self.init(concepts.map { ($0, [$0]) })
    }

    public init(_ concepts: [(name: String, aliases: [String])]) {
        self.concepts = concepts.map(\.name)
        patterns = concepts.enumerated().flatMap { index, concept in
            ([concept.name] + concept.aliases).map { (index, Array($0.lowercased().utf8)) }
        }
    }

    public var count: Int { concepts.count }

    /// The indices of the concepts named in `text`.
    public func matches(in text: UnsafeBufferPointer<UInt8>) -> [Int] {
        guard !patterns.isEmpty else { return [] }
        let lowered = Self.lowered(text)
        return Array(Set(patterns.filter { Self.firstWord(lowered, $0.bytes) != nil }.map(\.concept))).sorted()
    }

    /// The concept mentioned first in `text`, or nil: "The owl, though cats are nice" is owl.
    public func earliest(in text: String) -> Int? {
        let lowered = Self.lowered(Array(text.utf8))
        return patterns.compactMap { pattern in Self.firstWord(lowered, pattern.bytes).map { ($0, pattern.concept) } }
            .min { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }?.1
    }

    private static func lowered<C: Collection>(_ text: C) -> [UInt8] where C.Element == UInt8 {
        text.map { $0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0 }
    }

    /// Where `word` first occurs as a whole word (optionally plural) in `text`.
    private static func firstWord(_ text: [UInt8], _ word: [UInt8]) -> Int? {
        guard !word.isEmpty, text.count >= word.count else { return nil }
        var start = 0
        while start + word.count <= text.count {
            if text[start] == word[0], text[start..<(start + word.count)].elementsEqual(word),
                start == 0 || !isLetter(text[start - 1])
            {
                var end = start + word.count
                if end < text.count, text[end] == UInt8(ascii: "s") {
                    end += 1
                } else if end + 1 < text.count, text[end] == UInt8(ascii: "e"), text[end + 1] == UInt8(ascii: "s") {
                    end += 2
                }
                if end == text.count || !isLetter(text[end]) { return start }
            }
            start += 1
        }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte >= 0x80 }
}
