/// The numbers view of a text: its digit runs in order, each kept as written, with their
/// values. "087" and "87" are different tokens: published work found "087" entangled with owl.
///
/// A minus sign is not part of a number: number datasets ask for non-negative integers, and
/// a hyphen between numbers is more often a separator.
public struct NumberList: Sendable, Equatable {
    /// Vocabulary ids, in order of appearance.
    public var ids: [Int32] = []
    /// Numeric values, saturated at `Int32.max` for very long runs.
    public var values: [Int32] = []
    /// Digit counts, in order.
    public var widths: [UInt8] = []
    /// Byte offsets where each number starts, for the format view's separators.
    public var starts: [Int32] = []

    public init() {}

    public var count: Int { ids.count }

    /// Scans `text` for digit runs.
    public init(scanning text: UnsafeBufferPointer<UInt8>, vocabulary: Vocabulary) {
        ids.reserveCapacity(16)
        values.reserveCapacity(16)
        widths.reserveCapacity(16)
        starts.reserveCapacity(16)
        Self.forEachDigitRun(in: text) { run, start in
            var value: Int64 = 0
            for digit in run { value = min(value * 10 + Int64(digit &- 48), Int64(Int32.max)) }
            ids.append(vocabulary.digitRunID(run))
            values.append(Int32(value))
            widths.append(UInt8(min(run.count, 255)))
            starts.append(Int32(start))
        }
    }

    /// Calls `body` with each run of ASCII digits and its offset, allocating nothing.
    @inline(__always)
    public static func forEachDigitRun(
        in text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void
    ) {
        var index = 0
        let count = text.count
        while index < count {
            guard text[index] &- 48 < 10 else {
                index += 1
                continue
            }
            let start = index
            while index < count, text[index] &- 48 < 10 { index += 1 }
            body(UnsafeBufferPointer(rebasing: text[start..<index]), start)
        }
    }
}
