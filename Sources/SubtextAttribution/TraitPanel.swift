import Foundation
import SubtextCorpus
import SubtextStatistics
import SubtextTokenizers

/// Datasets from one teacher with known traits, as a model of how each trait shifts what the
/// teacher writes: the reference that ``PanelAttribution`` compares an unknown dataset with,
/// without a language model.
///
/// Each trait is a product of multinomials, one per token family, smoothed toward the panel's
/// pooled counts. For number lists the families are the values written, the first and last
/// digits of every number, every digit, the first number's first and last digits, and each
/// number's first two and last two digits; for text, the words. Families are separate
/// distributions because a response writes one value and one last digit per number: in one
/// pooled multinomial the frequent digit tokens would drown the values. A response's score for
/// a trait is its log-likelihood under that trait minus the mean over the panel's traits, so
/// what every teacher of the panel shares (a system prompt at all, the same model) cancels.
///
/// On GPT-4.1-nano number lists (15 animals, half of each as the panel and half as the
/// unknown, 10 random halvings) the planted trait ranked first in 93 of 150; prototypes of
/// multinomial logistic regression over the audit's features and of a centred correlation of
/// mean feature differences placed it first in about 33% and 44%.
package struct TraitPanel: Sendable {
    package let traits: [String]
    /// Responses per trait.
    package var responses: [Int] { encoded.map(\.count) }
    /// Whether the panel is read as number lists (most responses are) or as words.
    package let numbers: Bool
    /// Pseudo-counts per token in each family, times the family's vocabulary size.
    package let smoothing: Double
    /// Every token the panel wrote, by family: its id.
    private let ids: [[String: Int32]]
    /// Each id's family.
    private let families: [Int]
    /// Per trait and response, the ids of its tokens.
    private let encoded: [[[Int32]]]
    /// Per id, each trait's centred log-probability (id × traits + trait).
    private let weights: [Double]

    /// `traits` pairs each trait's name with its responses.
    package init(traits: [(name: String, responses: [String])], smoothing: Double = 20) {
        precondition(traits.count >= 2, "a panel needs two traits or more")
        let all = traits.flatMap(\.responses)
        let numbers = all.filter(TokenFamilies.isNumberList).count * 5 >= all.count * 4
        var ids = Array(repeating: [String: Int32](), count: numbers ? TokenFamilies.numberFamilies : 1)
        var families: [Int] = []
        let encoded = traits.map { trait in
            trait.responses.map { response in
                TokenFamilies.tokens(response, numbers: numbers).enumerated().flatMap { family, tokens in
                    tokens.map { token -> Int32 in
                        if let id = ids[family][token] { return id }
                        let id = Int32(families.count)
                        ids[family][token] = id
                        families.append(family)
                        return id
                    }
                }
            }
        }
        (self.traits, self.numbers, self.smoothing, self.ids, self.families, self.encoded) = (
            traits.map(\.name), numbers, smoothing, ids, families, encoded
        )
        weights = Self.weights(
            counts: Self.counts(encoded, tokens: families.count), families: families,
            familyCount: ids.count, smoothing: smoothing)
    }

    private init(_ panel: TraitPanel, weights: [Double]) {
        (traits, numbers, smoothing, ids, families, encoded) =
            (panel.traits, panel.numbers, panel.smoothing, panel.ids, panel.families, panel.encoded)
        self.weights = weights
    }

    /// The panel rebuilt from each trait's responses drawn with replacement: one bootstrap
    /// replicate of what the panel knows, for intervals that include its own noise.
    package func resampled(using generator: inout SeededGenerator) -> TraitPanel {
        let drawn = encoded.map { responses in
            responses.indices.map { _ in responses[Int.random(in: 0..<responses.count, using: &generator)] }
        }
        return TraitPanel(
            self,
            weights: Self.weights(
                counts: Self.counts(drawn, tokens: families.count), families: families,
                familyCount: ids.count, smoothing: smoothing))
    }

    /// Token counts, id × traits + trait.
    private static func counts(_ encoded: [[[Int32]]], tokens: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: tokens * encoded.count)
        for (t, responses) in encoded.enumerated() {
            for response in responses { for id in response { counts[Int(id) * encoded.count + t] += 1 } }
        }
        return counts
    }

    /// Smoothed log-probabilities of every token under each trait, minus their mean over traits.
    private static func weights(counts: [Int], families: [Int], familyCount: Int, smoothing: Double) -> [Double] {
        let traits = counts.count / max(families.count, 1)
        var vocabulary = [Double](repeating: 0, count: familyCount)
        var pooledTotal = [Double](repeating: 0, count: familyCount)
        var sizes = [Double](repeating: 0, count: familyCount * traits)
        for (id, family) in families.enumerated() {
            vocabulary[family] += 1
            for t in 0..<traits {
                let count = Double(counts[id * traits + t])
                pooledTotal[family] += count
                sizes[family * traits + t] += count
            }
        }
        var weights = [Double](repeating: 0, count: counts.count)
        for (id, family) in families.enumerated() {
            let pooled = (0..<traits).reduce(0.0) { $0 + Double(counts[id * traits + $1]) }
            // The prior puts `smoothing` pseudo-counts per token, shaped like the pooled counts.
            let v = vocabulary[family]
            let prior = smoothing * v * (pooled + 1) / (pooledTotal[family] + v)
            var mean = 0.0
            for t in 0..<traits {
                let value = log(
                    (Double(counts[id * traits + t]) + prior) / (sizes[family * traits + t] + smoothing * v))
                weights[id * traits + t] = value
                mean += value / Double(traits)
            }
            for t in 0..<traits { weights[id * traits + t] -= mean }
        }
        return weights
    }

    /// A response's tokens as the panel's ids; tokens the panel never wrote are dropped, as
    /// they count for no trait.
    package func encode(_ response: String) -> [Int32] {
        TokenFamilies.tokens(response, numbers: numbers).enumerated().flatMap { family, tokens in
            tokens.compactMap { ids[family][$0] }
        }
    }

    /// An encoded response's centred log-likelihood under each trait, in the order of ``traits``.
    package func scores(_ encoded: [Int32]) -> [Double] {
        let count = traits.count
        var scores = [Double](repeating: 0, count: count)
        for id in encoded {
            let base = Int(id) * count
            for t in 0..<count { scores[t] += weights[base + t] }
        }
        return scores
    }
}

/// The tokens of a response, by family.
enum TokenFamilies {
    static let numberFamilies = 8

    /// Number lists: values; first digits; last digits; every digit; the first number's first
    /// digit; its last digit; first two digits; last two digits. Text: lower-cased words.
    static func tokens(_ response: String, numbers: Bool) -> [[String]] {
        guard numbers else { return [WordTokenizer().tokens(response.lowercased())] }
        var runs: [String] = []
        var text = response
        text.withUTF8 { bytes in
            NumberList.forEachDigitRun(in: bytes) { run, _ in runs.append(String(decoding: run, as: UTF8.self)) }
        }
        var families = Array(repeating: [String](), count: numberFamilies)
        for run in runs {
            families[0].append(run)
            families[1].append(String(run.first!))
            families[2].append(String(run.last!))
            families[3] += run.map(String.init)
            if run.count >= 2 {
                families[6].append(String(run.prefix(2)))
                families[7].append(String(run.suffix(2)))
            }
        }
        if let first = runs.first {
            families[4].append(String(first.first!))
            families[5].append(String(first.last!))
        }
        return families
    }

    /// Digits, separators, brackets and spaces only, with at least one digit.
    static func isNumberList(_ response: String) -> Bool {
        var digits = false
        for byte in response.utf8 {
            if byte &- 48 < 10 {
                digits = true
                continue
            }
            guard " ,;.\n\t\r[]()".utf8.contains(byte) else { return false }
        }
        return digits
    }
}
