import SubtextCorpus
import SubtextStatistics

/// Compares teacher data with control data and decides whether the teacher data carries a
/// signal the control lacks: reading, then statistics, then the verdict.
public struct Auditor: Sendable {
    public var configuration: AuditConfiguration

    public init(configuration: AuditConfiguration = AuditConfiguration()) {
        self.configuration = configuration
    }

    /// Audits each teacher file against the control and, with several files, all of them
    /// pooled; the pooled result comes first and holds the others in `perFile`.
    public func audit(
        teacherFiles: [String], controlFiles: [String], readOptions: ReadOptions,
        progress: @escaping (String) -> Void = { _ in }
    ) throws -> AuditResult {
        let vocabulary = Vocabulary()
        let loader = CorpusLoader(options: readOptions, vocabulary: vocabulary,
                                  concepts: ConceptMatcher(configuration.concepts))
        let report: (String, JSONLReader.Summary) -> Void = { file, summary in
            progress("read \(file): \(summary.records) records, \(summary.malformed.count) malformed")
        }
        let control = try loader.load(name: "control", files: controlFiles, progress: report)
        let teachers = try teacherFiles.map { try loader.load(name: $0, files: [$0], progress: report) }
        guard teachers.count > 1 else {
            return compare(teacher: teachers[0], control: control, vocabulary: vocabulary, progress: progress)
        }
        var perFile: [AuditResult] = []
        for teacher in teachers {
            perFile.append(compare(teacher: teacher, control: control, vocabulary: vocabulary, progress: progress))
        }
        var pooled = LoadedCorpus(name: "pooled", files: teacherFiles, conceptCount: configuration.concepts.count)
        for teacher in teachers {
            pooled.documents += teacher.documents
            pooled.malformed.merge(teacher.malformed)
            if pooled.wordyExamples.count < CorpusLoader.examplesKept { pooled.wordyExamples += teacher.wordyExamples.prefix(1) }
            for index in pooled.conceptExamples.indices where pooled.conceptExamples[index].count < CorpusLoader.examplesKept {
                pooled.conceptExamples[index] += teacher.conceptExamples[index].prefix(1)
            }
        }
        var result = compare(teacher: pooled, control: control, vocabulary: vocabulary, progress: progress)
        result.perFile = perFile
        return result
    }

    /// The audit of one teacher side against the control.
    public func compare(
        teacher: LoadedCorpus, control: LoadedCorpus, vocabulary: Vocabulary, progress: (String) -> Void = { _ in }
    ) -> AuditResult {
        let c = configuration
        let documents = teacher.documents + control.documents
        let labels = teacher.documents.map { _ in true } + control.documents.map { _ in false }
        let view = c.view ?? Self.chooseView(teacher.documents, control.documents)
        var notes: [String] = []

        progress("\(teacher.name): fitting classifiers on \(documents.count) responses (\(view.rawValue) view)")
        var foldGenerator = SeededGenerator.stream(c.seed, "folds")
        let crossFitting = CrossFitting(folds: c.folds, model: c.classifier)
        let fold = crossFitting.assignFolds(labels: labels, generator: &foldGenerator)
        let features = FeatureMatrix.content(documents, view: view, vocabulary: vocabulary,
                                             maximumTokens: c.maximumTokens, minimumDocuments: c.minimumDocuments)
        let scores = crossFitting.scores(features, groups: FeatureMatrix.Group.allCases, labels: labels, fold: fold)
        var evaluator = SeparabilityEvaluator(bagSizes: c.bagSizes, permutations: c.permutations)
        evaluator.bootstrap = c.bootstrap
        let all = evaluator.evaluate(scores: scores[.all]!, labels: labels, seed: c.seed, name: "all")
        let content = evaluator.evaluate(scores: scores[.content]!, labels: labels, seed: c.seed, name: "content")
        let format = evaluator.evaluate(scores: scores[.format]!, labels: labels, seed: c.seed, name: "format")
        notes += all.notes

        var prompt: Separability?
        if documents.contains(where: { $0.promptTokens.total > 0 }) {
            let promptFeatures = FeatureMatrix.prompts(documents, vocabulary: vocabulary, maximumTokens: c.maximumTokens,
                                                       minimumDocuments: c.minimumDocuments)
            let promptScores = crossFitting.scores(promptFeatures, groups: [.all], labels: labels, fold: fold)
            prompt = evaluator.evaluate(scores: promptScores[.all]!, labels: labels, seed: c.seed, name: "prompt")
        } else {
            notes.append("The records have no prompts, so prompt differences could not be checked.")
        }

        progress("\(teacher.name): testing carriers")
        let carriers = CarrierFinder().carriers(teacher: teacher.documents, control: control.documents, view: view,
                                                vocabulary: vocabulary)
        let leaks = LeakScan.scan(teacher: teacher, control: control, teacherDocs: teacher.documents,
                                  controlDocs: control.documents, concepts: c.concepts)
        let minimumDetectable = RankTests.minimumDetectableAUROC(teacher.documents.count, control.documents.count,
                                                                 alpha: c.alpha)
        var malformed = teacher.malformed
        malformed.merge(control.malformed)
        let significant = carriers.filter { $0.q < 0.05 && $0.z > 0 }
        var result = AuditResult(
            name: teacher.name, verdict: all.p <= c.alpha ? .signal : .noSignal, evidence: [], carriedBy: nil,
            alpha: c.alpha, pValue: all.p, pValueFloor: 1 / Double(c.permutations + 1),
            auroc: ByBagSize(all.auroc, sizes: c.bagSizes),
            aurocCI: ByBagSize(all.interval.mapValues { [$0.low, $0.high] }, sizes: c.bagSizes),
            formatAUROC: ByBagSize(format.auroc, sizes: c.bagSizes),
            content: SeparabilityReport(content, sizes: c.bagSizes),
            format: SeparabilityReport(format, sizes: c.bagSizes),
            all: SeparabilityReport(all, sizes: c.bagSizes),
            prompt: prompt.map { SeparabilityReport($0, sizes: c.bagSizes) },
            promptsConfounded: (prompt?.p ?? 1) <= c.alpha,
            minimumDetectableAUROC: minimumDetectable,
            carriers: Array(carriers.filter { $0.z > 0 }.prefix(c.carriersShown)),
            carriersTested: carriers.count, carriersSignificant: significant.count,
            leaks: leaks, malformed: malformed.count, malformedLines: malformed.examples,
            documents: ["teacher": teacher.documents.count, "control": control.documents.count],
            view: view, seed: c.seed, permutations: c.permutations, folds: c.folds,
            inputs: ["teacher": teacher.files, "control": control.files], notes: notes, perFile: nil)
        VerdictWriter(alpha: c.alpha).explain(&result, significantCarriers: significant)
        return result
    }

    /// The numbers view when at least 80% of responses on each side are number lists.
    static func chooseView(_ teacher: [Document], _ control: [Document]) -> View {
        let share = { (documents: [Document]) in
            Double(documents.filter(\.isNumberList).count) / Double(max(documents.count, 1))
        }
        return share(teacher) >= 0.8 && share(control) >= 0.8 ? .numbers : .tokens
    }
}
