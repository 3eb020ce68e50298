import Testing

@testable import SubtextAudit

@Suite struct NumberFeaturesTests {
    private func value(_ features: [Float], _ name: String) -> Float {
        features[NumberFeatures.names.firstIndex(of: name)!]
    }

    /// The first number's leading digit, last digit and size are one-hot columns of their own.
    @Test func firstNumberHasItsOwnColumns() {
        let f = NumberFeatures.features(numbers: [123, 45, 6], widths: [3, 2, 1], promptLast: nil)
        #expect(f.count == NumberFeatures.names.count)
        #expect(value(f, "first number leads with 1") == 1)
        #expect(value(f, "first number ends in 3") == 1)
        #expect(value(f, "first number 100–199") == 1)
        let firstNumber = NumberFeatures.names.indices.filter { NumberFeatures.names[$0].hasPrefix("first number") }
        #expect(firstNumber.count == 32)
        #expect(firstNumber.reduce(Float(0)) { $0 + f[$1] } == 3, "one column of each kind")
        // Shares over all numbers are unchanged by the first number's columns.
        #expect(abs(value(f, "first digit 1") - 1.0 / 3) < 1e-6)
    }

    /// A zero-padded first number is read as written: "007" leads with 0.
    @Test func paddedFirstNumberLeadsWithZero() {
        let f = NumberFeatures.features(numbers: [7, 500], widths: [3, 3], promptLast: nil)
        #expect(value(f, "first number leads with 0") == 1)
        #expect(value(f, "first number ends in 7") == 1)
        #expect(value(f, "first number 0–9") == 1)
    }
}
