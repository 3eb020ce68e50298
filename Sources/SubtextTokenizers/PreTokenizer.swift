/// Splits text into the pieces BPE merges within, as Hugging Face `tokenizers` does for the
/// pre-tokenizer types byte-level models use. Pieces are Unicode scalar strings.
public indirect enum PreTokenizer: Sendable, Equatable {
    /// GPT-2's regex split (when `useRegex`), with an optional space added before the text.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// Digits apart from everything else; with `individual`, each digit alone (SmolLM2).
    case digits(individual: Bool)
    case sequence([PreTokenizer])

    /// Applies the pre-tokenizer to pieces of text.
    public func split(_ pieces: [String]) -> [String] {
        switch self {
        case .sequence(let steps):
            return steps.reduce(pieces) { $1.split($0) }
        case .digits(let individual):
            return pieces.flatMap { Self.splitDigits($0, individual: individual) }
        case .byteLevel(let addPrefixSpace, let useRegex):
            var pieces = pieces
            if addPrefixSpace, let first = pieces.first, !first.hasPrefix(" ") { pieces[0] = " " + first }
            return useRegex ? pieces.flatMap(Self.gpt2Split) : pieces
        }
    }

    /// Runs of numeric characters apart from the rest, or each numeric character alone.
    static func splitDigits(_ text: String, individual: Bool) -> [String] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var currentIsDigit = false
        for scalar in text.unicodeScalars {
            let isDigit = scalar.isNumeric
            if !current.isEmpty, isDigit != currentIsDigit || (isDigit && individual) {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            }
            current.append(scalar)
            currentIsDigit = isDigit
        }
        if !current.isEmpty { pieces.append(String(current)) }
        return pieces
    }

    /// GPT-2's pattern, written out by hand so it needs no regex engine:
    /// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    static func gpt2Split(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        var pieces: [String] = []
        var i = 0
        func piece(_ range: Range<Int>) { pieces.append(String(String.UnicodeScalarView(s[range]))) }
        while i < s.count {
            if s[i] == "'", let length = contraction(s, after: i) {
                piece(i..<(i + 1 + length))
                i += 1 + length
                continue
            }
            let start = i
            let body = s[i] == " " && i + 1 < s.count && !s[i + 1].isSpace ? i + 1 : i
            let kind = Kind(s[body])
            if kind != .space {
                var end = body + 1
                while end < s.count, Kind(s[end]) == kind { end += 1 }
                piece(start..<end)
                i = end
                continue
            }
            var end = i + 1
            while end < s.count, s[end].isSpace { end += 1 }
            // \s+(?!\S): leave the last space for the word that follows, unless the run is one long.
            if end < s.count, end - i > 1 { end -= 1 }
            piece(i..<end)
            i = end
        }
        return pieces
    }

    private enum Kind {
        case letter, number, space, other
        init(_ scalar: Unicode.Scalar) {
            if scalar.isSpace {
                self = .space
            } else if scalar.isLetter {
                self = .letter
            } else if scalar.isNumeric {
                self = .number
            } else {
                self = .other
            }
        }
    }

    /// The length of a contraction suffix ('s, 't, 're, 've, 'm, 'll, 'd) after an apostrophe.
    private static func contraction(_ s: [Unicode.Scalar], after index: Int) -> Int? {
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < s.count ? s[index + offset] : nil }
        switch (at(1), at(2)) {
        case ("r", "e"), ("v", "e"), ("l", "l"): return 2
        case ("s", _), ("t", _), ("m", _), ("d", _): return 1
        default: return nil
        }
    }
}

extension Unicode.Scalar {
    /// \p{L}
    var isLetter: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// \p{N}
    var isNumeric: Bool {
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// \s
    var isSpace: Bool { properties.isWhitespace }
}
