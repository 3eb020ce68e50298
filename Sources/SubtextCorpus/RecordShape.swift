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
}

/// Decodes the prompt and generated text of one JSONL line, reusing its buffers across lines.
struct RecordExtractor {
    let shape: RecordShape
    private let customKey: [UInt8]?
    private var prompt: [UInt8] = []
    private var completion: [UInt8] = []
    private var response: [UInt8] = []
    private var text: [UInt8] = []
    private var custom: [UInt8] = []
    private var assistant: [UInt8] = []
    private var user: [UInt8] = []
    private var scratch: [UInt8] = []

    init(shape: RecordShape) {
        self.shape = shape
        customKey = shape.textField.map { Array($0.utf8) }
    }

    /// Which fields a line held; `nil` fields were absent or not strings.
    private struct Found {
        var prompt = false, completion = false, response = false, text = false
        var custom = false, assistant = false, user = false
    }

    /// Parses `line` and calls `visit` with its record, or throws why it cannot.
    mutating func extract(
        _ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, visit: (RecordBytes) throws -> Void
    ) throws {
        var scanner = JSONScanner(line)
        var found = Found()
        prompt.removeAll(keepingCapacity: true)
        assistant.removeAll(keepingCapacity: true)
        user.removeAll(keepingCapacity: true)
        guard try scanner.peek() == UInt8(ascii: "{") else {
            throw RecordError.notAnObject
        }
        try scanner.expect(UInt8(ascii: "{"), "'{'")
        if !(try scanner.consume(UInt8(ascii: "}"))) {
            repeat {
                let key = try scanner.readKey()
                try scanner.expect(UInt8(ascii: ":"), "':' after an object key")
                try readMember(key: key, scanner: &scanner, found: &found)
            } while try scanner.consumeSeparator(closing: UInt8(ascii: "}"))
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.error("trailing characters after the object") }

        let textBytes: [UInt8]
        var promptFromMessages = false
        if customKey != nil {
            guard found.custom else { throw RecordError.noText(shape.textFieldsDescription) }
            textBytes = custom
        } else if found.completion {
            textBytes = completion
        } else if found.response {
            textBytes = response
        } else if found.assistant {
            textBytes = assistant
            promptFromMessages = !found.prompt && found.user
        } else if found.text {
            textBytes = text
        } else {
            throw RecordError.noText(shape.textFieldsDescription)
        }
        let promptBytes: [UInt8]? = promptFromMessages ? user : (found.prompt ? prompt : nil)
        try textBytes.withUnsafeBufferPointer { textPointer in
            if let promptBytes {
                try promptBytes.withUnsafeBufferPointer { promptPointer in
                    try visit(RecordBytes(prompt: promptPointer, text: textPointer, line: lineNumber))
                }
            } else {
                try visit(RecordBytes(prompt: nil, text: textPointer, line: lineNumber))
            }
        }
    }

    private mutating func readMember(
        key: UnsafeBufferPointer<UInt8>?, scanner: inout JSONScanner, found: inout Found
    ) throws {
        guard let key else { return try scanner.skipValue() }
        if let customKey, key.elementsEqual(customKey) {
            found.custom = try readStringIfPresent(&scanner, into: &custom)
            return
        }
        switch Self.knownKey(key) {
        case .prompt: found.prompt = try readStringIfPresent(&scanner, into: &prompt)
        case .completion: found.completion = try readStringIfPresent(&scanner, into: &completion)
        case .response: found.response = try readStringIfPresent(&scanner, into: &response)
        case .text: found.text = try readStringIfPresent(&scanner, into: &text)
        case .messages: try readMessages(&scanner, found: &found)
        case nil: try scanner.skipValue()
        }
    }

    private enum KnownKey { case prompt, completion, response, text, messages }

    private static func knownKey(_ key: UnsafeBufferPointer<UInt8>) -> KnownKey? {
        switch key.count {
        case 4 where key.elementsEqual("text".utf8): return .text
        case 6 where key.elementsEqual("prompt".utf8): return .prompt
        case 8 where key.elementsEqual("response".utf8): return .response
        case 8 where key.elementsEqual("messages".utf8): return .messages
        case 10 where key.elementsEqual("completion".utf8): return .completion
        default: return nil
        }
    }

    /// Reads a string value into `buffer` and returns true; skips any other value and
    /// returns false, so `null` or a number counts as absent.
    private func readStringIfPresent(_ scanner: inout JSONScanner, into buffer: inout [UInt8]) throws -> Bool {
        guard try scanner.peek() == UInt8(ascii: "\"") else {
            try scanner.skipValue()
            return false
        }
        buffer.removeAll(keepingCapacity: true)
        try scanner.readString(into: &buffer)
        return true
    }

    /// Reads a chat transcript: assistant turns become the generated text and user turns
    /// the prompt, each joined by newlines.
    private mutating func readMessages(_ scanner: inout JSONScanner, found: inout Found) throws {
        guard try scanner.peek() == UInt8(ascii: "[") else { return try scanner.skipValue() }
        try scanner.expect(UInt8(ascii: "["), "'['")
        if try scanner.consume(UInt8(ascii: "]")) { return }
        repeat {
            guard try scanner.peek() == UInt8(ascii: "{") else {
                try scanner.skipValue()
                continue
            }
            var role: [UInt8] = []
            scratch.removeAll(keepingCapacity: true)
            var hasContent = false
            try scanner.expect(UInt8(ascii: "{"), "'{'")
            if !(try scanner.consume(UInt8(ascii: "}"))) {
                repeat {
                    let key = try scanner.readKey()
                    try scanner.expect(UInt8(ascii: ":"), "':' after an object key")
                    if let key, key.elementsEqual("role".utf8) {
                        _ = try readStringIfPresent(&scanner, into: &role)
                    } else if let key, key.elementsEqual("content".utf8) {
                        hasContent = try readContent(&scanner)
                    } else {
                        try scanner.skipValue()
                    }
                } while try scanner.consumeSeparator(closing: UInt8(ascii: "}"))
            }
            guard hasContent else { continue }
            if role.elementsEqual("assistant".utf8) {
                append(scratch, to: &assistant, found: &found.assistant)
            } else if role.elementsEqual("user".utf8) {
                append(scratch, to: &user, found: &found.user)
            }
        } while try scanner.consumeSeparator(closing: UInt8(ascii: "]"))
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
        try scanner.expect(UInt8(ascii: "["), "'['")
        if try scanner.consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard try scanner.peek() == UInt8(ascii: "{") else {
                try scanner.skipValue()
                continue
            }
            try scanner.expect(UInt8(ascii: "{"), "'{'")
            if try scanner.consume(UInt8(ascii: "}")) { continue }
            repeat {
                let key = try scanner.readKey()
                try scanner.expect(UInt8(ascii: ":"), "':' after an object key")
                if let key, key.elementsEqual("text".utf8), try scanner.peek() == UInt8(ascii: "\"") {
                    try scanner.readString(into: &scratch)
                } else {
                    try scanner.skipValue()
                }
            } while try scanner.consumeSeparator(closing: UInt8(ascii: "}"))
        } while try scanner.consumeSeparator(closing: UInt8(ascii: "]"))
        return true
    }

    private func append(_ turn: [UInt8], to buffer: inout [UInt8], found: inout Bool) {
        if found { buffer.append(0x0A) }
        buffer.append(contentsOf: turn)
        found = true
    }
}

/// Why a well-formed JSON line is still not a usable record.
enum RecordError: Error {
    case notAnObject
    case noText(String)
}
