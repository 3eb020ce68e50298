/// Walks the `messages` of a chat record, for the reader (which decodes the turns) and the
/// rewriter (which replaces them in place): one walk, so both find the same text.
enum ChatTranscript {
    /// Walks the array at the scanner. For each message object, `content` is called with the
    /// scanner at its content value, which it must consume, and `end` with its role once the
    /// object is read (the role may come after the content). Entries that are not objects are
    /// skipped.
    static func forEachMessage(
        _ scanner: inout JSONScanner, content: (inout JSONScanner) throws -> Void, end: (_ role: [UInt8]) throws -> Void
    ) throws {
        try scanner.expect(UInt8(ascii: "["), "'['")
        if try scanner.consume(UInt8(ascii: "]")) { return }
        repeat {
            guard try scanner.peek() == UInt8(ascii: "{") else {
                try scanner.skipValue()
                continue
            }
            var role: [UInt8] = []
            try scanner.expect(UInt8(ascii: "{"), "'{'")
            if !(try scanner.consume(UInt8(ascii: "}"))) {
                repeat {
                    let key = try scanner.readKey()
                    try scanner.expect(UInt8(ascii: ":"), "':' after an object key")
                    if let key, key.equals("role"), try scanner.peek() == UInt8(ascii: "\"") {
                        role.removeAll()
                        try scanner.readString(into: &role)
                    } else if let key, key.equals("content") {
                        try content(&scanner)
                    } else {
                        try scanner.skipValue()
                    }
                } while try scanner.consumeSeparator(closing: UInt8(ascii: "}"))
            }
            try end(role)
        } while try scanner.consumeSeparator(closing: UInt8(ascii: "]"))
    }

    /// Walks a content array of parts, calling `text` with the scanner at each part's `text`
    /// value when it is a string, which it must consume.
    static func forEachTextPart(_ scanner: inout JSONScanner, text: (inout JSONScanner) throws -> Void) throws {
        try scanner.expect(UInt8(ascii: "["), "'['")
        if try scanner.consume(UInt8(ascii: "]")) { return }
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
                if let key, key.equals("text"), try scanner.peek() == UInt8(ascii: "\"") {
                    try text(&scanner)
                } else {
                    try scanner.skipValue()
                }
            } while try scanner.consumeSeparator(closing: UInt8(ascii: "}"))
        } while try scanner.consumeSeparator(closing: UInt8(ascii: "]"))
    }
}
