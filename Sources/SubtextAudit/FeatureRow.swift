import Foundation
import SubtextCorpus

/// A response's feature values in a plan's columns: sparse token and prompt-token columns,
/// dense number and format columns. Token columns hold log(1 + count).
struct FeatureRow {
    var sparse: [(column: Int, value: Double)] = []
    /// Number features (numbers view) then format features, from `plan.tokens.count` on.
    var dense: [Float] = []
}

/// Maps a reading thread's token ids to a plan's columns.
struct ColumnMap {
    let plan: ComparisonPlan
    private var tokenColumn: [Int32: Int] = [:]
    private var promptColumn: [Int32: Int] = [:]

    init(plan: ComparisonPlan, vocabulary: Vocabulary) {
        self.plan = plan
        for (column, token) in plan.tokens.enumerated() { tokenColumn[vocabulary.id(for: token)] = column }
        for (column, token) in plan.promptTokens.enumerated() {
            promptColumn[vocabulary.id(for: token)] = plan.promptStart + column
        }
    }

    func row(_ document: Document) -> FeatureRow {
        var row = FeatureRow()
        let tokens = document.tokens(plan.view)
        for (id, count) in zip(tokens.ids, tokens.counts) {
            if let column = tokenColumn[id] { row.sparse.append((column, log1p(Double(count)))) }
        }
        if !promptColumn.isEmpty {
            for (id, count) in zip(document.promptTokens.ids, document.promptTokens.counts) {
                if let column = promptColumn[id] { row.sparse.append((column, log1p(Double(count)))) }
            }
        }
        row.dense = document.denseFeatures(plan.view)
        return row
    }
}
