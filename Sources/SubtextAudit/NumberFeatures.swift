/// Value, digit and order features of one response's numbers: what a teacher's preference
/// could shift besides which values appear.
///
/// Published replications found that sorting the numbers inside each response removes most
/// transfer, so order carries signal: transitions, deltas, sortedness and repeats are here,
/// besides digit frequencies. Each feature is a share of the response's numbers (or of its
/// adjacent pairs), so long and short responses are comparable. The first number gets features
/// of its own: on GPT-4.1-nano owl and eagle data its digits and size raised the bag-16 AUROC
/// of the nearest-centroid rule by about 0.015, more than any other position or separator.
public enum NumberFeatures {
    public static let names: [String] = {
        var names: [String] = []
        for position in ["first", "last", "any"] { for d in 0..<10 { names.append("\(position) digit \(d)") } }
        for a in 0..<10 { for b in 0..<10 { names.append("leading digits \(a)→\(b)") } }
        names += deltaBinNames.map { "step \($0)" }
        names += ["ascending step", "descending step", "sorted ascending", "sorted descending"]
        names += ["repeated value", "adjacent repeat", "one repeated digit (444)", "palindrome (747)"]
        names += deltaBinNames.map { "first step from prompt \($0)" }
        names += valueBinNames.map { "value \($0)" }
        names += (0..<10).map { "first number leads with \($0)" } + (0..<10).map { "first number ends in \($0)" }
        names += valueBinNames.map { "first number \($0)" }
        return names
    }()

    static let valueBinNames = ["0–9", "10–99"] + (1...9).map { "\($0)00–\($0)99" } + ["≥ 1000"]

    static let deltaBinNames = ["≤ −100", "−99…−10", "−9…−1", "0", "+1…+9", "+10…+99", "≥ +100"]

    public static var count: Int { names.count }

    public static func features(numbers: [Int32], widths: [UInt8], promptLast: Int32?) -> [Float] {
        var f = [Float](repeating: 0, count: count)
        let n = numbers.count
        guard n > 0 else { return f }
        let share = 1 / Float(n)
        for (value, width) in zip(numbers, widths) {
            let digits = Self.digits(value, width: Int(width))
            f[Int(digits.first!)] += share
            f[10 + Int(digits.last!)] += share
            for digit in digits { f[20 + Int(digit)] += share / Float(digits.count) }
            if digits.count > 1, Set(digits).count == 1 { f[offsetShape + 2] += share }
            if digits.count > 2, digits == digits.reversed() { f[offsetShape + 3] += share }
            f[offsetValues + valueBin(value)] += share
        }
        var seen = Set<Int32>()
        for value in numbers where !seen.insert(value).inserted { f[offsetShape] += share }
        if n > 1 {
            let pairShare = 1 / Float(n - 1)
            var ascending = 0
            var descending = 0
            for i in 1..<n {
                let a = Self.digits(numbers[i - 1], width: Int(widths[i - 1])).first!
                let b = Self.digits(numbers[i], width: Int(widths[i])).first!
                f[30 + Int(a) * 10 + Int(b)] += pairShare
                let step = Int(numbers[i]) - Int(numbers[i - 1])
                f[offsetSteps + deltaBin(step)] += pairShare
                if step > 0 { ascending += 1 }
                if step < 0 { descending += 1 }
                if step == 0 { f[offsetShape + 1] += pairShare }
            }
            f[offsetOrder] = Float(ascending) * pairShare
            f[offsetOrder + 1] = Float(descending) * pairShare
            f[offsetOrder + 2] = ascending == n - 1 ? 1 : 0
            f[offsetOrder + 3] = descending == n - 1 ? 1 : 0
        }
        let first = Self.digits(numbers[0], width: Int(widths[0]))
        f[offsetFirstNumber + Int(first.first!)] = 1
        f[offsetFirstNumber + 10 + Int(first.last!)] = 1
        f[offsetFirstNumber + 20 + valueBin(numbers[0])] = 1
        if let promptLast {
            f[offsetPromptStep + deltaBin(Int(numbers[0]) - Int(promptLast))] = 1
        }
        return f
    }

    private static let offsetSteps = 130
    private static let offsetOrder = offsetSteps + 7
    private static let offsetShape = offsetOrder + 4
    private static let offsetPromptStep = offsetShape + 4
    private static let offsetValues = offsetPromptStep + 7
    private static let offsetFirstNumber = offsetValues + 12

    /// The decimal digits of `value` padded with leading zeros to `width`, as written.
    private static func digits(_ value: Int32, width: Int) -> [UInt8] {
        var digits: [UInt8] = []
        var rest = Int(value)
        repeat {
            digits.append(UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        while digits.count < width { digits.append(0) }
        return digits.reversed()
    }

    private static func deltaBin(_ step: Int) -> Int {
        switch step {
        case ...(-100): return 0
        case -99 ... -10: return 1
        case -9 ... -1: return 2
        case 0: return 3
        case 1...9: return 4
        case 10...99: return 5
        default: return 6
        }
    }

    private static func valueBin(_ value: Int32) -> Int {
        switch value {
        case 0..<10: return 0
        case 10..<100: return 1
        case 100..<1000: return 2 + Int(value / 100) - 1
        default: return 11
        }
    }
}
