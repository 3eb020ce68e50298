/// The format view of a text: how it is laid out, apart from what it says.
///
/// On one real pair an owl teacher wrote ", " in 40% of responses against 31% for its
/// control, so format alone can separate two datasets. The audit keeps these features apart
/// from content so the verdict can say which of the two carries a signal.
public struct TextFormat: Sendable, Equatable {
    /// The separator written between consecutive numbers.
    public enum Separator: Int, CaseIterable, Sendable {
        case none, commaSpace, comma, space, newline, semicolon, other
    }

    public enum Brackets: Int, CaseIterable, Sendable {
        case none, square, round
    }

    /// The most common separator between numbers; `.none` with fewer than two numbers.
    public var separator = Separator.none
    /// More than one kind of separator appears.
    public var mixedSeparators = false
    public var brackets = Brackets.none
    /// Only digits, separators, brackets, whitespace and a final period.
    public var isNumberList = true
    /// Any ASCII letter or non-ASCII character, i.e. words where numbers were asked for.
    public var hasWords = false
    public var endsWithPeriod = false
    public var hasOuterWhitespace = false
    public var lines = 1
    public var bytes = 0

    public init() {}

    public init(text: UnsafeBufferPointer<UInt8>, numbers: NumberList) {
        bytes = text.count
        var tally = [Int](repeating: 0, count: Separator.allCases.count)
        for index in 1..<max(numbers.count, 1) {
            let gapStart = Int(numbers.starts[index - 1]) + Int(numbers.widths[index - 1])
            let gap = UnsafeBufferPointer(rebasing: text[gapStart..<Int(numbers.starts[index])])
            tally[Self.classify(gap).rawValue] += 1
        }
        let used = tally.indices.filter { tally[$0] > 0 }
        mixedSeparators = used.count > 1
        if let most = used.max(by: { tally[$0] < tally[$1] }) { separator = Separator(rawValue: most)! }

        var first = 0
        var last = text.count - 1
        hasOuterWhitespace = text.first.map(Self.isSpace) == true || text.last.map(Self.isSpace) == true
        while first <= last, Self.isSpace(text[first]) { first += 1 }
        while last >= first, Self.isSpace(text[last]) { last -= 1 }
        if last >= first, text[last] == UInt8(ascii: ".") {
            endsWithPeriod = true
            last -= 1
        }
        if last > first {
            switch (text[first], text[last]) {
            case (UInt8(ascii: "["), UInt8(ascii: "]")): brackets = .square
            case (UInt8(ascii: "("), UInt8(ascii: ")")): brackets = .round
            default: break
            }
        }
        for byte in text {
            if byte == 0x0A { lines += 1 }
            if byte >= 0x80 || (byte | 0x20) &- UInt8(ascii: "a") < 26 {
                hasWords = true
                isNumberList = false
            } else if !Self.isListByte(byte) {
                isNumberList = false
            }
        }
        if numbers.count == 0 { isNumberList = false }
    }

    private static func classify(_ gap: UnsafeBufferPointer<UInt8>) -> Separator {
        switch gap.count {
        case 1:
            switch gap[0] {
            case UInt8(ascii: ","): return .comma
            case UInt8(ascii: " "): return .space
            case 0x0A: return .newline
            case UInt8(ascii: ";"): return .semicolon
            default: return .other
            }
        case 2 where gap[0] == UInt8(ascii: ",") && gap[1] == UInt8(ascii: " "): return .commaSpace
        case 2 where gap[0] == UInt8(ascii: ";") && gap[1] == UInt8(ascii: " "): return .semicolon
        case 2 where gap[0] == 0x0D && gap[1] == 0x0A: return .newline
        default: return .other
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isListByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "."), 0x20, 0x09, 0x0A, 0x0D:
            return true
        default:
            return false
        }
    }
}
