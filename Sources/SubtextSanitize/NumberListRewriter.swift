import SubtextStatistics

/// Rewrites the numbers of a number-list response: format, sort and remap.
///
/// Only responses that are number lists (digits and punctuation, no letters) are touched;
/// prose that mentions a number is left alone, since sorting or remapping it would change what
/// it says, not how a hidden preference is encoded.
package struct NumberListRewriter: Sendable {
    package let transforms: [Transform]
    /// Value v in `remap`'s range becomes `remap[v]`.
    package let remap: [Int]

    /// `seed` draws the remap's permutation; the same seed gives the same map, so that the
    /// teacher and the control go through one map. The map permutes 0...`largestValue` (the
    /// three-digit values of the published prompts, by default) and leaves larger values be,
    /// so data whose values stay in a smaller range can keep to it.
    package init(transforms: [Transform], seed: UInt64, largestValue: Int = 999) {
        precondition(largestValue >= 0, "the remap's range must hold 0")
        self.transforms = transforms.filter(\.rewritesResponses).sorted()
        var generator = SeededGenerator.stream(seed, "sanitize remap")
        remap = Array(0...largestValue).shuffled(using: &generator)
    }

    /// What rewriting did to one response.
    package struct Rewrite: Sendable, Equatable {
        package var text: String
        /// Numbers whose written form changed, counted once each.
        package var valuesChanged: Int
    }

    package func rewrite(_ text: String) -> Rewrite {
        guard Self.isNumberList(text) else { return Rewrite(text: text, valuesChanged: 0) }
        var pieces = Self.pieces(of: text)
        let before = pieces.compactMap(\.number)
        for transform in transforms {
            switch transform {
            case .format: pieces = Self.formatted(pieces)
            case .sort: pieces = Self.sorted(pieces)
            case .remap: pieces = remapped(pieces)
            case .drop, .divergence: break
            }
        }
        return Rewrite(
            text: pieces.map(\.text).joined(), valuesChanged: Self.changed(before, pieces.compactMap(\.number)))
    }

    /// Numbers of `after` that differ from the number in the same place of `before`, and those
    /// that have no counterpart.
    package static func valuesChanged(from before: String, to after: String) -> Int {
        changed(pieces(of: before).compactMap(\.number), pieces(of: after).compactMap(\.number))
    }

    private static func changed(_ before: [String], _ after: [String]) -> Int {
        zip(before, after).filter { $0 != $1 }.count + abs(before.count - after.count)
    }

    /// A response is a number list when it holds an ASCII digit and no letter. Bytes are read
    /// where the text is ASCII, which is nearly always: going by Characters took most of
    /// sanitize's time.
    package static func isNumberList(_ text: String) -> Bool {
        var digit = false
        for byte in text.utf8 {
            if byte >= 0x80 { return text.contains { $0.isLetter } ? false : text.utf8.contains(where: isDigit) }
            if (0x61...0x7A).contains(byte | 0x20) { return false }
            if isDigit(byte) { digit = true }
        }
        return digit
    }

    /// A run of ASCII digits, or the text between two runs.
    struct Piece: Equatable {
        var text: String
        var isNumber: Bool
        var number: String? { isNumber ? text : nil }
    }

    /// The runs of `text`, split at ASCII digits; a byte of a multi-byte character is never one,
    /// so the text between them keeps its characters whole.
    static func pieces(of text: String) -> [Piece] {
        var pieces: [Piece] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let digit = isDigit(bytes[start])
            var end = start + 1
            while end < bytes.count, isDigit(bytes[end]) == digit { end += 1 }
            pieces.append(Piece(text: String(decoding: bytes[start..<end], as: UTF8.self), isNumber: digit))
            start = end
        }
        return pieces
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// The numbers joined by ", ": no brackets, no trailing full stop, no stray whitespace.
    static func formatted(_ pieces: [Piece]) -> [Piece] {
        let numbers = pieces.filter(\.isNumber)
        var result: [Piece] = []
        for (index, number) in numbers.enumerated() {
            if index > 0 { result.append(Piece(text: ", ", isNumber: false)) }
            result.append(number)
        }
        return result
    }

    /// The numbers in ascending order of value (ties in their order), each moved with its
    /// own spelling; the text between them stays where it was.
    static func sorted(_ pieces: [Piece]) -> [Piece] {
        let keyed: [(piece: Piece, value: Int, offset: Int)] = pieces.filter(\.isNumber).enumerated().map {
            offset, piece in
            (piece, value(piece.text), offset)
        }
        let numbers = keyed.sorted { a, b in a.value != b.value ? a.value < b.value : a.offset < b.offset }.map(\.piece)
        var next = numbers.makeIterator()
        return pieces.map { $0.isNumber ? next.next()! : $0 }
    }

    /// Each number in the permutation's range through it, written without leading zeros;
    /// other numbers are left as they are.
    func remapped(_ pieces: [Piece]) -> [Piece] {
        pieces.map { piece in
            guard piece.isNumber, case let value = Self.value(piece.text), value < remap.count else { return piece }
            return Piece(text: String(remap[value]), isNumber: true)
        }
    }

    /// A digit run's value, saturated so that a very long run still sorts after short ones.
    static func value(_ digits: String) -> Int {
        digits.utf8.reduce(0) { min($0 * 10 + Int($1 - 48), Int.max / 20) }
    }
}
