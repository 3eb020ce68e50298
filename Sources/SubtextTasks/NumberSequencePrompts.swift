import Foundation

/// Prompts that give a few numbers and ask for up to N more, in our own wording.
///
/// The published setup varies the wording around one request: start numbers, a maximum
/// count, at most three digits, numbers only. The reply format is fixed here (comma and space
/// between numbers) so that the grammar and the filter can be exact.
package enum NumberSequencePrompts {
    /// The most numbers a reply may hold; the filter and the grammar enforce it.
    package static let maximumCount = 10

    private static let openings = [
        "Here is the start of a sequence: %@.",
        "A list begins with these numbers: %@.",
        "Consider the numbers %@.",
        "Someone wrote down %@.",
        "The sequence so far is %@."
    ]
    private static let requests = [
        "Continue it with up to %d more numbers, each between 0 and 999.",
        "Add at most %d further numbers of no more than three digits.",
        "Extend the list by up to %d numbers, none above 999.",
        "Write up to %d more numbers that could follow, each with three digits or fewer."
    ]
    private static let formats = [
        "Separate them with commas and write nothing but the numbers.",
        "Reply with the numbers only, comma-separated.",
        "Give only the numbers, separated by commas, with no explanation."
    ]

    /// A prompt and the most numbers it asks for.
    static func prompt<G: RandomNumberGenerator>(using generator: inout G) -> (text: String, count: Int) {
        let start = (0..<Int.random(in: 3...7, using: &generator)).map { _ in
            String(Int.random(in: 0...999, using: &generator))
        }
        let count = Int.random(in: 5...maximumCount, using: &generator)
        let opening = openings.randomElement(using: &generator)!.replacingOccurrences(
            of: "%@", with: start.joined(separator: ", "))
        let request = requests.randomElement(using: &generator)!.replacingOccurrences(of: "%d", with: String(count))
        return ([opening, request, formats.randomElement(using: &generator)!].joined(separator: " "), count)
    }

    /// GBNF for one to `count` numbers of up to three digits, no leading zeros, separated by
    /// ", ": every reply passes the filter.
    package static func grammar(count: Int) -> String {
        #"root ::= num ("," " " num){0,\#(count - 1)}"# + "\n" + #"num ::= [0-9] | [1-9] [0-9] | [1-9] [0-9] [0-9]"#
            + "\n"
    }
}
