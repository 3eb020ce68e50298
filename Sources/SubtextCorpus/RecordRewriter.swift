/// Writes a JSONL record back out with its generated text changed and every other byte as it
/// was: the same fields, order, spacing and escapes, so that a sanitized dataset drops into the
/// pipeline that read the original.
///
/// The generated text is found as ``RecordShape`` finds it: a custom field alone, else the
/// first of `completion`, `response`, `messages` (each assistant turn's content, or each text
/// part of it) and `text` that the line holds as a string. Each piece of text is rewritten on
/// its own, so a chat with two assistant turns keeps two turns.
public struct RecordRewriter: Sendable {
    public let shape: RecordShape

    public init(shape: RecordShape = RecordShape()) {
        self.shape = shape
    }

    /// The line with each piece of generated text replaced by `transform` of it.
    /// Throws ``JSONSyntaxError`` or ``RecordRewriteError`` for a line the reader would reject.
    public func rewrite(_ line: UnsafeBufferPointer<UInt8>, _ transform: (String) throws -> String) throws -> [UInt8] {
        var scanner = JSONScanner(line)
        var candidates: [String: [Range<Int>]] = [:]
        try scanner.expect(UInt8(ascii: "{"), "'{'")
        if !(try scanner.consume(UInt8(ascii: "}"))) {
            repeat {
                let key = try scanner.readKey().map { String(decoding: $0, as: UTF8.self) }
                try scanner.expect(UInt8(ascii: ":"), "':' after an object key")
                guard let key, fieldOrder.contains(key) else {
                    try scanner.skipValue()
                    continue
                }
                let ranges =
                    key == "messages" && shape.textField == nil
                    ? try assistantTextRanges(&scanner) : try stringRange(&scanner).map { [$0] } ?? []
                if !ranges.isEmpty { candidates[key] = ranges }
            } while try scanner.consumeSeparator(closing: UInt8(ascii: "}"))
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.error("trailing characters after the object") }
        guard let field = fieldOrder.first(where: { candidates[$0] != nil }) else {
            throw RecordRewriteError.noText(shape.textFieldsDescription)
        }
        var output: [UInt8] = []
        output.reserveCapacity(line.count + 16)
        var copied = 0
        for range in candidates[field]! {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: line[copied..<range.lowerBound]))
            var inner = JSONScanner(UnsafeBufferPointer(rebasing: line[range]))
            var decoded: [UInt8] = []
            try inner.readString(into: &decoded)
            output.append(contentsOf: Self.encoded(try transform(String(decoding: decoded, as: UTF8.self))))
            copied = range.upperBound
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: line[copied...]))
        return output
    }

    /// The fields that can hold generated text, best first.
    private var fieldOrder: [String] {
        shape.textField.map { [$0] } ?? ["completion", "response", "messages", "text"]
    }

    /// The byte range of a string value, quotes included; nil (and skipped) for any other value.
    private func stringRange(_ scanner: inout JSONScanner) throws -> Range<Int>? {
        guard try scanner.peek() == UInt8(ascii: "\"") else {
            try scanner.skipValue()
            return nil
        }
        let start = scanner.position
        try scanner.skipString()
        return start..<scanner.position
    }

    /// The ranges of every assistant turn's text in a `messages` array: the content string, or
    /// each `text` string of a content array.
    private func assistantTextRanges(_ scanner: inout JSONScanner) throws -> [Range<Int>] {
        guard try scanner.peek() == UInt8(ascii: "[") else {
            try scanner.skipValue()
            return []
        }
        var ranges: [Range<Int>] = []
        var content: [Range<Int>] = []
        try ChatTranscript.forEachMessage(&scanner) { scanner in
            content = try contentRanges(&scanner)
        } end: { role in
            if role == Array("assistant".utf8) { ranges += content }
            content = []
        }
        return ranges
    }

    /// A message content's text ranges: the string itself, or the `text` of each part.
    private func contentRanges(_ scanner: inout JSONScanner) throws -> [Range<Int>] {
        if try scanner.peek() != UInt8(ascii: "[") { return try stringRange(&scanner).map { [$0] } ?? [] }
        var ranges: [Range<Int>] = []
        try ChatTranscript.forEachTextPart(&scanner) { scanner in
            if let range = try stringRange(&scanner) { ranges.append(range) }
        }
        return ranges
    }

    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else as UTF-8.
    static func encoded(_ text: String) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): output += Array(#"\\"#.utf8)
            case 0x0A: output += Array(#"\n"#.utf8)
            case 0x0D: output += Array(#"\r"#.utf8)
            case 0x09: output += Array(#"\t"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
        return output
    }
}

/// Why a well-formed JSON line cannot be rewritten.
public enum RecordRewriteError: Error, CustomStringConvertible, Equatable {
    case noText(String)

    public var description: String {
        switch self {
        case .noText(let fields): return "no generated text: no string field \(fields)"
        }
    }
}
