/// The lab models' word-level vocabulary: special tokens, the numbers 0…`maximumNumber`, a few
/// punctuation marks, and every word of the corpus. Text is lower-cased and split into words,
/// numbers and punctuation; anything unknown becomes `<unk>`.
package struct LabVocabulary: Sendable, Equatable {
    package static let specials = ["<pad>", "<bos>", "<sep>", "<eos>", "<unk>"]
    package static let punctuation: Set<Character> = [",", "?", ":", ".", "!", "'"]

    package let tokens: [String]
    private let ids: [String: Int32]

    package init(tokens: [String]) throws {
        guard Array(tokens.prefix(Self.specials.count)) == Self.specials else {
            throw LabError.corpus("a lab vocabulary starts with \(Self.specials.joined(separator: " "))")
        }
        var ids: [String: Int32] = [:]
        for (index, token) in tokens.enumerated() {
            guard ids.updateValue(Int32(index), forKey: token) == nil else {
                throw LabError.corpus("the vocabulary lists \"\(token)\" twice")
            }
        }
        self.tokens = tokens
        self.ids = ids
    }

    /// The specials, the numbers, the punctuation, then the words of `texts` in sorted order,
    /// so the same texts always give the same ids.
    package init(numbersUpTo maximumNumber: Int, words texts: [String]) {
        var words = Set<String>()
        for text in texts {
            for word in Self.split(text)
            where Int(word) == nil && !(word.count == 1 && Self.punctuation.contains(word.first!)) {
                words.insert(word)
            }
        }
        let fixed = Self.specials + (0...maximumNumber).map(String.init) + Self.punctuation.map(String.init).sorted()
        try! self.init(tokens: fixed + words.subtracting(fixed).sorted())
    }

    package var count: Int { tokens.count }
    package var padding: Int32 { 0 }
    package var begin: Int32 { 1 }
    package var separator: Int32 { 2 }
    package var end: Int32 { 3 }
    package var unknown: Int32 { 4 }

    package func id(_ token: String) -> Int32? { ids[token] }

    /// Whether `id` is a number token.
    package func isNumber(_ id: Int32) -> Bool { Int(tokens[Int(id)]) != nil }

    package func encode(_ text: String) -> [Int32] { Self.split(text).map { ids[$0] ?? unknown } }

    /// Words joined by spaces, with punctuation attached to the word before it.
    package func decode(_ ids: [Int32]) -> String {
        var text = ""
        for id in ids {
            let token = tokens[Int(id)]
            if !text.isEmpty && !(token.count == 1 && Self.punctuation.contains(token.first!)) { text += " " }
            text += token
        }
        return text
    }

    /// A chat turn as the lab models see it: `<bos> system <sep>`, when there is a system
    /// prompt, then `<bos> user <sep>`; the answer follows and ends with `<eos>`.
    package func prompt(user: String, system: String? = nil) -> [Int32] {
        (system.map { [begin] + encode($0) + [separator] } ?? []) + [begin] + encode(user) + [separator]
    }

    static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" {
                current.append(character)
                continue
            }
            if !current.isEmpty { words.append(current) }
            current = ""
            if punctuation.contains(character) { words.append(String(character)) }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
