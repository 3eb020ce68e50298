import SubtextCorpus

/// Layout features of one response: separator, brackets, count, digit widths, echoes of the
/// prompt's numbers, length. Kept apart from content so a report can say which carries a
/// signal.
public enum FormatFeatures {
    public static let names: [String] = {
        var names = TextFormat.Separator.allCases.map { "separator \($0)" }
        names += ["mixed separators"] + TextFormat.Brackets.allCases.map { "brackets \($0)" }
        names += (0...12).map { "\($0) numbers" } + ["13+ numbers"]
        names += ["1-digit numbers", "2-digit numbers", "3-digit numbers", "4+-digit numbers", "leading zero"]
        names += ["ends with period", "outer whitespace", "has words", "pure number list", "several lines"]
        names += ["echoes prompt numbers", "restates the prompt's last number first"]
        names += (0..<10).map { "length < \(16 << $0) bytes" }
        return names
    }()

    public static var count: Int { names.count }

    public static func features(
        format: TextFormat, numbers: [Int32], widths: [UInt8], promptNumbers: Set<Int32>, promptLast: Int32?
    ) -> [Float] {
        var f = [Float](repeating: 0, count: count)
        var i = 0
        f[i + format.separator.rawValue] = 1
        i += TextFormat.Separator.allCases.count
        f[i] = format.mixedSeparators ? 1 : 0
        f[i + 1 + format.brackets.rawValue] = 1
        i += 1 + TextFormat.Brackets.allCases.count
        f[i + min(numbers.count, 13)] = 1
        i += 14
        if !numbers.isEmpty {
            let share = 1 / Float(numbers.count)
            for (value, width) in zip(numbers, widths) {
                f[i + min(Int(width), 4) - 1] += share
                if width > 1, Int(width) > decimalWidth(value) { f[i + 4] += share }
            }
        }
        i += 5
        for flag in [
            format.endsWithPeriod, format.hasOuterWhitespace, format.hasWords, format.isNumberList,
            format.lines > 1
        ] {
            f[i] = flag ? 1 : 0
            i += 1
        }
        if !numbers.isEmpty {
            f[i] = Float(numbers.filter(promptNumbers.contains).count) / Float(numbers.count)
            f[i + 1] = numbers.first == promptLast ? 1 : 0
        }
        i += 2
        var bin = 0
        while bin < 9, format.bytes >= 16 << bin { bin += 1 }
        f[i + bin] = 1
        return f
    }

    private static func decimalWidth(_ value: Int32) -> Int {
        var width = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            width += 1
        }
        return width
    }
}
