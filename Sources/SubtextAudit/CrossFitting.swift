import SubtextStatistics

/// Out-of-fold classifier scores: every document is scored by a model that never saw it.
///
/// Folds are stratified, so each holds both sides in the data's proportion. Scores are
/// centred within each fold (without labels) because separate fold models differ in scale
/// and offset, and pooling uncentred scores would mix those differences into the AUROC.
public struct CrossFitting {
    public var folds: Int
    public var model: LogisticRegression

    public init(folds: Int = 5, model: LogisticRegression = LogisticRegression()) {
        self.folds = folds
        self.model = model
    }

    /// The fold of each document.
    public func assignFolds(labels: [Bool], generator: inout SeededGenerator) -> [Int] {
        var fold = [Int](repeating: 0, count: labels.count)
        for side in [true, false] {
            var members = labels.indices.filter { labels[$0] == side }
            members.shuffle(using: &generator)
            for (position, index) in members.enumerated() { fold[index] = position % folds }
        }
        return fold
    }

    /// Held-out scores for each feature group, all groups and folds fitted together.
    public func scores(
        _ features: FeatureMatrix, groups: [FeatureMatrix.Group], labels: [Bool], fold: [Int]
    ) -> [FeatureMatrix.Group: [Double]] {
        var heads: [LogisticRegression.Head] = []
        for group in groups {
            for f in 0..<folds {
                heads.append(.init(trainingRows: fold.map { $0 != f }, columns: features.groups[group]!))
            }
        }
        let models = model.fit(features.x, labels: labels, heads: heads)
        var weights = Matrix(rows: features.x.columns, columns: heads.count)
        for (k, fitted) in models.enumerated() {
            for j in 0..<features.x.columns { weights[j, k] = fitted.weights[j] }
        }
        let all = features.x.multiplied(by: weights)
        var result: [FeatureMatrix.Group: [Double]] = [:]
        for (g, group) in groups.enumerated() {
            var scores = [Double](repeating: 0, count: labels.count)
            for i in labels.indices {
                let k = g * folds + fold[i]
                scores[i] = Double(all[i, k] + models[k].intercept)
            }
            for f in 0..<folds {
                let members = labels.indices.filter { fold[$0] == f }
                guard !members.isEmpty else { continue }
                let mean = members.reduce(0.0) { $0 + scores[$1] } / Double(members.count)
                for i in members { scores[i] -= mean }
            }
            result[group] = scores
        }
        return result
    }
}
