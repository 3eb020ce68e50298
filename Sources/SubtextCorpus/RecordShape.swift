/// Which JSON fields hold a record's prompt and its generated text.
///
/// The recognised shapes are `{"prompt","completion"}`, `{"prompt","response"}`,
/// `{"messages":[{"role","content"},...]}` (assistant turns are the generated text, user turns
/// the prompt) and `{"text"}`. A custom field name replaces the generated-text lookup.
public struct RecordShape: Sendable, Equatable {
    /// When set, the generated text is read from this field alone.
    public var textField: String?

    public init(textField: String? = nil) {
        self.textField = textField
    }

    /// The fields searched for generated text, best first, for error messages.
    public var textFieldsDescription: String {
        if let textField { return "\"\(textField)\"" }
        return "\"completion\", \"response\", \"messages\" (assistant turns) or \"text\""
    }
}

/// One record's prompt and generated text, as decoded UTF-8 bytes that stay valid only
/// during the visit that receives them.
public struct RecordBytes {
    public let prompt: UnsafeBufferPointer<UInt8>?
    public let text: UnsafeBufferPointer<UInt8>
    /// The line number in its file, from 1.
    public let line: Int
    /// The whole JSON line, for programs that write the record back out changed.
    public let json: UnsafeBufferPointer<UInt8>
}

/// Decodes the prompt and generated text of one JSONL line, reusing its buffers across lines.
///
/// A string without escapes, the common case, is handed on in place, without a copy.
struct RecordExtractor {
    let shape: RecordShape
    private let customKey: [UInt8]?

    /// Where one field's bytes are, if the line has it as a string.
    private enum Field {
        case absent
        case inLine(Range<Int>)
        case buffered
    }

    private enum Slot: Int, CaseIterable { case prompt, completion, response, text, custom, assistant, user }
    private var fields = [Field](repeating: .absent, count: Slot.allCases.count)
    private var buffers = [[UInt8]](repeating: [], count: Slot.allCases.count)
    private var scratch: [UInt8] = []

    init(shape: RecordShape) {
        self.shape = shape
        customKey = shape.textField.map { Array($0.utf8) }
    }

    /// Parses `line` and calls `visit` with its record, or throws why it cannot.
    mutating func extract(
        _ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, visit: (RecordBytes) throws -> Void
    ) throws {
        var scanner = JSONScanner(line)
        for index in fields.indices { fields[index] = .absent }
        guard try scanner.peek() == UInt8(ascii: "{") else { throw RecordError.notAnObject }
        try scanner.expect(UInt8(ascii: "{"), "'{'")
        if !(try scanner.consume(UInt8(ascii: "}"))) {
            repeat {
                let key = try scanner.readKey()
                try scanner.expect(UInt8(ascii: ":"), "':' after an object key")
                try readMember(key: key, scanner: &scanner)
            } while try scanner.consumeSeparator(closing: UInt8(ascii: "}"))
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.error("trailing characters after the object") }

        let order: [Slot] = customKey != nil ? [.custom] : [.completion, .response, .assistant, .text]
        guard let textSlot = order.first(where: { present($0) }) else {
            throw RecordError.noText(shape.textFieldsDescription)
        }
        let promptSlot: Slot? = present(.prompt) ? .prompt : (textSlot == .assistant && present(.user) ? .user : nil)
        try withBytes(textSlot, line) { text in
            if let promptSlot {
                try withBytes(promptSlot, line) { prompt in
                    try visit(RecordBytes(prompt: prompt, text: text, line: lineNumber, json: line))
                }
            } else {
                try visit(RecordBytes(prompt: nil, text: text, line: lineNumber, json: line))
            }
        }
    }

    private func present(_ slot: Slot) -> Bool {
        if case .absent = fields[slot.rawValue] { return false }
        return true
    }

    private func withBytes(
        _ slot: Slot, _ line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        switch fields[slot.rawValue] {
        case .inLine(let range): try body(UnsafeBufferPointer(rebasing: line[range]))
        case .buffered: try buffers[slot.rawValue].withUnsafeBufferPointer(body)
        case .absent: preconditionFailure("absent field \(slot)")
        }
    }

    private mutating func readMember(key: UnsafeBufferPointer<UInt8>?, scanner: inout JSONScanner) throws {
        guard let key else { return try scanner.skipValue() }
        if let customKey, customKey.withUnsafeBufferPointer({ $0.elementsEqual(key) }) {
            return try readStringIfPresent(&scanner, into: .custom)
        }
        switch key.count {
        case 4 where key.equals("text"): try readStringIfPresent(&scanner, into: .text)
        case 6 where key.equals("prompt"): try readStringIfPresent(&scanner, into: .prompt)
        case 8 where key.equals("response"): try readStringIfPresent(&scanner, into: .response)
        case 8 where key.equals("messages"): try readMessages(&scanner)
        case 10 where key.equals("completion"): try readStringIfPresent(&scanner, into: .completion)
        default: try scanner.skipValue()
        }
    }

    /// Reads a string value into `slot`; any other value (null, a number) counts as absent.
    private mutating func readStringIfPresent(_ scanner: inout JSONScanner, into slot: Slot) throws {
        guard try scanner.peek() == UInt8(ascii: "\"") else {
            fields[slot.rawValue] = .absent
            return try scanner.skipValue()
        }
        switch try scanner.readString(decodingInto: &buffers[slot.rawValue]) {
        case .inLine(let range): fields[slot.rawValue] = .inLine(range)
        case .decoded: fields[slot.rawValue] = .buffered
        }
    }

    /// Reads a chat transcript: assistant turns become the generated text and user turns
    /// the prompt, each joined by newlines.
    private mutating func readMessages(_ scanner: inout JSONScanner) throws {
        guard try scanner.peek() == UInt8(ascii: "[") else { return try scanner.skipValue() }
        buffers[Slot.assistant.rawValue].removeAll(keepingCapacity: true)
        buffers[Slot.user.rawValue].removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        var hasContent = false
        try ChatTranscript.forEachMessage(&scanner) { scanner in
            hasContent = try readContent(&scanner)
        } end: { role in
            defer {
                scratch.removeAll(keepingCapacity: true)
                hasContent = false
            }
            guard hasContent else { return }
            let slot: Slot? = role.withUnsafeBufferPointer {
                $0.equals("assistant") ? .assistant : $0.equals("user") ? .user : nil
            }
            if let slot { appendTurn(to: slot) }
        }
    }

    /// Reads message content: a string, or an array of parts whose `text` fields are joined.
    private mutating func readContent(_ scanner: inout JSONScanner) throws -> Bool {
        let next = try scanner.peek()
        if next == UInt8(ascii: "\"") {
            try scanner.readString(into: &scratch)
            return true
        }
        guard next == UInt8(ascii: "[") else {
            try scanner.skipValue()
            return false
        }
        try ChatTranscript.forEachTextPart(&scanner) { try $0.readString(into: &scratch) }
        return true
    }

    private mutating func appendTurn(to slot: Slot) {
        if present(slot) { buffers[slot.rawValue].append(0x0A) }
        buffers[slot.rawValue].append(contentsOf: scratch)
        fields[slot.rawValue] = .buffered
    }
}

/// Why a well-formed JSON line is still not a usable record.
enum RecordError: Error {
    case notAnObject
    case noText(String)
}

extension UnsafeBufferPointer<UInt8> {
    /// Byte equality with an ASCII literal, without the generic `elementsEqual` machinery,
    /// which showed up at 5% of reading time.
    @inline(__always)
    func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount, let base = baseAddress else {
            return count == 0 && literal.utf8CodeUnitCount == 0
        }
        let other = literal.utf8Start
        for index in 0..<count where base[index] != other[index] { return false }
        return true
    }
}
