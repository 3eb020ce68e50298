/// Finds candidate concepts ("owl", "eagle", "red panda") named in plain words: whole-word,
/// case-insensitive, with a plural "s" or "es" allowed.
public struct ConceptMatcher: Sendable {
    public let concepts: [String]
    private let patterns: [[UInt8]]

    public init(_ concepts: [String]) {
        self.concepts = concepts
        patterns = concepts.map { Array($0.lowercased().utf8) }
    }

    public var count: Int { concepts.count }

    /// The indices of the concepts named in `text`.
    public func matches(in text: UnsafeBufferPointer<UInt8>) -> [Int] {
        guard !patterns.isEmpty else { return [] }
        let lowered = text.map { $0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0 }
        return patterns.indices.filter { Self.containsWord(lowered, patterns[$0]) }
    }

    private static func containsWord(_ text: [UInt8], _ word: [UInt8]) -> Bool {
        guard !word.isEmpty, text.count >= word.count else { return false }
        var start = 0
        while start + word.count <= text.count {
            if text[start] == word[0], text[start..<(start + word.count)].elementsEqual(word),
               start == 0 || !isLetter(text[start - 1])
            {
                var end = start + word.count
                if end < text.count, text[end] == UInt8(ascii: "s") { end += 1 }
                else if end + 1 < text.count, text[end] == UInt8(ascii: "e"), text[end + 1] == UInt8(ascii: "s") { end += 2 }
                if end == text.count || !isLetter(text[end]) { return true }
            }
            start += 1
        }
        return false
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte >= 0x80 }
}
