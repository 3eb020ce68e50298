import Foundation

/// A way of cleaning a dataset's hidden channel, by the name the command line takes.
///
/// Whatever order they are given in, they apply in the order of this enum: the rewrites of
/// each response first, then `drop`, whose rule is fitted on what the rewrites left.
package enum Transform: String, Sendable, Codable, CaseIterable, Comparable {
    /// The tokens where the teacher's next-token distribution departs most from its base
    /// model's, replaced by the base's own choice. It reads the tokens as the teacher wrote
    /// them, so it runs first: ``DivergenceTokens`` on a GGUF model, and the lab's own on
    /// TinyGPT (`subtext lab sanitize`).
    case divergence
    /// One canonical form for a number list: its numbers joined by ", ", nothing else.
    case format
    /// The numbers inside each number list in ascending order, in the places they held.
    case sort
    /// Every value of at most three digits through one seeded permutation of 0…999.
    case remap
    /// The responses the audit's classifier scores most teacher-like, up to a budget.
    case drop

    package static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Whether it rewrites each response's numbers on its own, without a model (as opposed to
    /// choosing responses, or reading a model).
    package var rewritesResponses: Bool { self == .format || self == .sort || self == .remap }

    /// The transforms of a comma-separated list (`sort,remap`); an unknown name is refused with
    /// the choices.
    package static func list(_ text: String) throws -> [Transform] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
            name in
            guard let transform = Transform(rawValue: name) else { throw SanitizeError.unknownTransform(name) }
            return transform
        }
    }
}
