import Testing

@testable import SubtextSupport

/// Keys must not change: journals on disk are found by them. The expected digests come from
/// Python's hashlib over the same bytes (`struct.pack("<q", length)` before each part).
@Suite struct JournalKeyTests {
    @Test func framedPartsHashTheirLengthsFirstAndAnAbsentPartAsMinusOne() {
        var key = JournalKey()
        for part in ["m", nil, "", "ré"] { key.add(part) }
        #expect(key.hex == "2137cfe497d1a78bf82fed7eb55790b48c178e696bc85852b8237d88bae233af")
    }

    @Test func arraysHashTheirCountThenTheirBytes() {
        var key = JournalKey()
        key.addUnframed("abc")
        key.add([Int32(1), -2, 3])
        key.add([Int32]())
        #expect(key.hex == "135feaf8f963aba0ee1f73d4bbeb924364ec92aa21a650ceb8b360f0a022a5fc")
    }

    /// Framing is what keeps ("ab", "c") and ("a", "bc") apart.
    @Test func partsDoNotRunTogether() {
        var first = JournalKey()
        var second = JournalKey()
        first.add("ab")
        first.add("c")
        second.add("a")
        second.add("bc")
        #expect(first.hex != second.hex)
    }
}
