import Foundation

/// The one way Subtext writes JSON, in three forms.
///
/// Keys are always sorted, so two runs of the same job diff cleanly, and slashes are left as
/// written, so paths read as they are (Foundation would write `datasets\/owl.jsonl`).
public enum JSONCoding {
    /// Files people and scripts read (reports' JSON, manifests, student.json): indented, with
    /// non-finite numbers as "inf", "-inf" and "nan", which JSON lacks and `JSONFile` reads back.
    public static var document: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// One value on one line: journal entries, request bodies, partial results, checkpoint
    /// headers, JSON printed to standard output.
    public static var line: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Sorted keys and nothing else, for bytes that go into a digest already on disk (a
    /// student's run key): changing them would make every saved checkpoint look foreign.
    public static var canonical: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
