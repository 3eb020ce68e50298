/// Splits text into lowercased words, digit runs kept exactly as written, and single
/// punctuation marks; whitespace separates tokens and is dropped.
///
/// This is the tokenizer for datasets that are not number lists (code, prose). It needs no
/// model files, and its tokens read naturally in a carrier table. Non-ASCII letters count as
/// word characters, so "café" stays one word.
public struct WordTokenizer: Sendable {
    public init() {}

    /// Calls `emit` with the bytes of each token; word bytes are already lowercased.
    public func tokenize(_ text: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var index = 0
        let count = text.count
        while index < count {
            let byte = text[index]
            if Self.isDigit(byte) {
                let start = index
                while index < count, Self.isDigit(text[index]) { index += 1 }
                emit(UnsafeBufferPointer(rebasing: text[start..<index]))
            } else if Self.isWordByte(byte) {
                word.removeAll(keepingCapacity: true)
                while index < count, Self.isWordByte(text[index]) {
                    let b = text[index]
                    word.append(b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b)
                    index += 1
                }
                word.withUnsafeBufferPointer(emit)
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else {
                emit(UnsafeBufferPointer(rebasing: text[index..<(index + 1)]))
                index += 1
            }
        }
    }

    /// Convenience for tests and small inputs.
    public func tokens(_ text: String) -> [String] {
        var text = text
        var result: [String] = []
        text.withUTF8 { bytes in tokenize(bytes) { result.append(String(decoding: $0, as: UTF8.self)) } }
        return result
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// ASCII letters, the apostrophe inside words, underscore, and any byte of a multi-byte
    /// UTF-8 sequence.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte >= 0x80 || byte == UInt8(ascii: "_")
    }
}
