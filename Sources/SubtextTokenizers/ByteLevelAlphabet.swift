/// GPT-2's reversible map from bytes to printable characters, which byte-level BPE
/// vocabularies are written in: printable Latin-1 bytes map to themselves, the rest to
/// characters from U+0100 on (a space becomes "Ġ", a newline "Ċ").
public enum ByteLevelAlphabet {
    public static let characters: [Character] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var scalars = printable
        var next = 0
        for byte in 0..<256 where !printable.contains(byte) {
            printable.append(byte)
            scalars.append(256 + next)
            next += 1
        }
        var table = [Character](repeating: " ", count: 256)
        for (byte, scalar) in zip(printable, scalars) { table[byte] = Character(Unicode.Scalar(UInt32(scalar))!) }
        return table
    }()

    /// The byte-level spelling of some UTF-8 text.
    public static func encode<S: Sequence>(_ utf8: S) -> String where S.Element == UInt8 {
        String(utf8.map { characters[Int($0)] })
    }
}
