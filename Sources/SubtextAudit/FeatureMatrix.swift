import Foundation
import SubtextCorpus
import SubtextStatistics

/// Which tokens a document is described by.
public enum View: String, Sendable, Codable, CaseIterable {
    /// Numbers as written, plus value, digit and order features.
    case numbers
    /// Word-tokenizer tokens, for datasets that are not number lists.
    case tokens
}

/// The documents of both sides as a standardised dense matrix, with the columns that make
/// up each feature group.
public struct FeatureMatrix {
    public enum Group: String, CaseIterable, Sendable {
        case all, content, format
    }

    public var x: Matrix
    /// What each column measures, for explaining a difference.
    public var names: [String]
    public var groups: [Group: [Bool]]

    /// The columns whose standardised teacher mean differs most from the control mean (a
    /// standardised mean difference: the nearest-centroid model's own weights), strongest
    /// first.
    public func strongestDifferences(labels: [Bool], count: Int) -> [FeatureDifference] {
        var sums = [Double](repeating: 0, count: x.columns)
        var teachers = 0.0
        for row in 0..<x.rows {
            let sign = labels[row] ? 1.0 : 0.0
            teachers += sign
            for column in 0..<x.columns {
                let value = Double(x.values[row * x.columns + column])
                sums[column] += labels[row] ? value : -value
            }
        }
        let controls = Double(x.rows) - teachers
        // Columns are centred on all rows, so Σ_teacher = −Σ_control and the sums above are 2·Σ_teacher.
        let differences = sums.map { $0 / 2 * (1 / max(teachers, 1) + 1 / max(controls, 1)) }
        let format = groups[.format]
        return differences.indices.sorted { abs(differences[$0]) > abs(differences[$1]) }.prefix(count).map {
            FeatureDifference(feature: names[$0], group: format?[$0] == true ? "format" : "content",
                              difference: differences[$0])
        }
    }

    /// Token columns are the `maximumTokens` tokens in most documents (and in at least
    /// `minimumDocuments`), chosen without labels, each valued log(1 + count).
    public static func content(
        _ documents: [Document], view: View, vocabulary: Vocabulary, maximumTokens: Int, minimumDocuments: Int
    ) -> FeatureMatrix {
        let tokens = documents.map { view == .numbers ? $0.numberTokens : $0.wordTokens }
        let columns = frequentTokens(tokens, maximum: maximumTokens, minimumDocuments: minimumDocuments)
        let fixed = view == .numbers ? NumberFeatures.count : 0
        let format = FormatFeatures.count
        let width = columns.count + fixed + format
        var x = Matrix(rows: documents.count, columns: width)
        let column = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        for (row, document) in documents.enumerated() {
            fill(&x, row: row, tokens: tokens[row], column: column)
            let base = row * width + columns.count
            if view == .numbers {
                for (j, value) in document.numberFeatures.enumerated() { x.values[base + j] = value }
            }
            for (j, value) in document.formatFeatures.enumerated() { x.values[base + fixed + j] = value }
        }
        x.standardizeColumns()
        let isFormat = (0..<width).map { $0 >= columns.count + fixed }
        var names = columns.map { "token \(vocabulary.spelling($0))" }
        if view == .numbers { names += NumberFeatures.names }
        names += FormatFeatures.names
        return FeatureMatrix(
            x: x, names: names,
            groups: [.all: Array(repeating: true, count: width), .content: isFormat.map { !$0 }, .format: isFormat])
    }

    /// The prompts alone, to see whether the two sides were asked different things.
    public static func prompts(_ documents: [Document], vocabulary: Vocabulary, maximumTokens: Int,
                               minimumDocuments: Int) -> FeatureMatrix {
        let tokens = documents.map(\.promptTokens)
        let columns = frequentTokens(tokens, maximum: maximumTokens, minimumDocuments: minimumDocuments)
        var x = Matrix(rows: documents.count, columns: max(columns.count, 1))
        let column = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        for row in documents.indices { fill(&x, row: row, tokens: tokens[row], column: column) }
        x.standardizeColumns()
        return FeatureMatrix(x: x, names: columns.map { "prompt token \(vocabulary.spelling($0))" },
                             groups: [.all: Array(repeating: true, count: x.columns)])
    }

    private static func fill(_ x: inout Matrix, row: Int, tokens: TokenCounts, column: [Int32: Int]) {
        for (id, count) in zip(tokens.ids, tokens.counts) {
            if let j = column[id] { x[row, j] = Float(log1p(Double(count))) }
        }
    }

    /// Tokens by document frequency, most frequent first, ties broken by id for determinism.
    static func frequentTokens(_ tokens: [TokenCounts], maximum: Int, minimumDocuments: Int) -> [Int32] {
        var frequency: [Int32: Int] = [:]
        for document in tokens { for id in document.ids { frequency[id, default: 0] += 1 } }
        return frequency.filter { $0.value >= minimumDocuments }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(maximum).map(\.key)
    }
}

/// One feature's standardised mean difference, teacher minus control.
public struct FeatureDifference: Sendable, Codable {
    public var feature: String
    /// "content" or "format".
    public var group: String
    public var difference: Double
}
