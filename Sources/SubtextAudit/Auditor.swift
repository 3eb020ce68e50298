import SubtextCorpus
import SubtextSupport
import SubtextStatistics

/// Compares teacher data with control data and decides whether the teacher data carries a
/// signal the control lacks: reading, then statistics, then the verdict.
public struct Auditor: Sendable {
    public var configuration: AuditConfiguration

    public init(configuration: AuditConfiguration = AuditConfiguration()) {
        self.configuration = configuration
    }

    /// Audits teacher records against control records held in memory: the same statistics as
    /// the files' audit, for programs that already hold their data.
    public func audit(teacher: [Record], control: [Record], name: String = "teacher") throws -> AuditResult {
        guard !teacher.isEmpty else { throw AuditError.emptySide("teacher") }
        guard !control.isEmpty else { throw AuditError.emptySide("control") }
        let vocabulary = Vocabulary()
        let loader = CorpusLoader(options: ReadOptions(), vocabulary: vocabulary,
                                  concepts: ConceptMatcher(configuration.concepts),
                                  modelTokenizer: configuration.modelTokenizer)
        return compare(teacher: loader.load(name: name, records: teacher), control: loader.load(name: "control", records: control),
                       vocabulary: vocabulary)
    }

    /// Audits each teacher file against the control and, with several files, all of them
    /// pooled; the pooled result comes first and holds the others in `perFile`.
    public func audit(
        teacherFiles: [String], controlFiles: [String], readOptions: ReadOptions,
        progress: @escaping (String) -> Void = { _ in }
    ) throws -> AuditResult {
        let vocabulary = Vocabulary()
        let loader = CorpusLoader(options: readOptions, vocabulary: vocabulary,
                                  concepts: ConceptMatcher(configuration.concepts),
                                  modelTokenizer: configuration.modelTokenizer)
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
        var notes: [AuditNote] = []

        // With the same prompts on both sides, each prompt's answers form a block: they share a
        // fold and swap labels only with each other, the exact null of a paired design.
        let promptsIdentical = Self.samePrompts(teacher.documents, control.documents)
        let blocks = promptsIdentical ? Self.promptBlocks(documents) : nil
        progress("\(teacher.name): cross-fitting on \(documents.count) responses (\(view.rawValue) view), "
            + "\(c.permutations) permutations" + (promptsIdentical ? ", paired by prompt" : ""))
        var foldGenerator = SeededGenerator.stream(c.seed, "folds")
        let (order, folds) = CrossFitting(folds: c.folds).order(count: documents.count, blocks: blocks,
                                                                generator: &foldGenerator)
        let ordered = order.map { documents[$0] }
        let orderedLabels = order.map { labels[$0] }
        let features = FeatureMatrix.content(ordered, view: view, vocabulary: vocabulary,
                                             maximumTokens: c.maximumTokens, minimumDocuments: c.minimumDocuments)
        let groups: [FeatureMatrix.Group] = [.all, .content, .format]
        let separability = measure(FoldedMatrix(matrix: features.x, folds: folds), groups: groups.map { features.groups[$0]! },
                                   labels: orderedLabels, blocks: blocks.map { blocks in order.map { blocks[$0] } },
                                   names: groups.map(\.rawValue))
        let (all, content, format) = (separability[0], separability[1], separability[2])
        let strongestFeatures = features.strongestDifferences(labels: orderedLabels, count: c.carriersShown / 2)
        notes += all.notes

        var prompt: Separability?
        if promptsIdentical {
            notes.append(.pairedByPrompt)
        } else if documents.contains(where: { $0.promptTokens.total > 0 }) {
            let promptFeatures = FeatureMatrix.prompts(ordered, vocabulary: vocabulary, maximumTokens: c.maximumTokens,
                                                       minimumDocuments: c.minimumDocuments)
            prompt = measure(FoldedMatrix(matrix: promptFeatures.x, folds: folds), groups: [promptFeatures.groups[.all]!],
                             labels: orderedLabels, blocks: nil, names: ["prompt"])[0]
        } else {
            notes.append(.noPrompts)
        }

        progress("\(teacher.name): testing carriers")
        let tally = TokenTally(teacher: teacher.documents, control: control.documents, view: view)
        let carriers = CarrierFinder().carriers(tally, vocabulary: vocabulary)
        let leaks = LeakScan.scan(teacher: teacher, control: control, concepts: c.concepts)
        let minimumDetectable = RankTests.minimumDetectableAUROC(teacher.documents.count, control.documents.count,
                                                                 alpha: c.alpha)
        var malformed = teacher.malformed
        malformed.merge(control.malformed)
        let significant = carriers.filter { $0.q < 0.05 && $0.z > 0 }
        let carrierP = min(1, (carriers.map(\.p).min() ?? 1) * Double(carriers.count))
        let globalP = min(1, 2 * min(all.p, carrierP))
        let verdict: Verdict = globalP <= c.alpha ? .signal : .noSignal
        return AuditResult(
            name: DisplayPath.of(teacher.name), verdict: verdict,
            carriedBy: verdict == .signal ? SignalCarrier(content: content.p <= c.alpha, format: format.p <= c.alpha) : nil,
            alpha: c.alpha, pValue: globalP, pValueFloor: 2 / Double(c.permutations + 1), classifierP: all.p,
            carrierP: carrierP,
            auroc: ByBagSize(all.auroc, sizes: c.bagSizes),
            aurocCI: ByBagSize(all.interval.mapValues { [$0.low, $0.high] }, sizes: c.bagSizes),
            formatAUROC: ByBagSize(format.auroc, sizes: c.bagSizes),
            content: SeparabilityReport(content, sizes: c.bagSizes),
            format: SeparabilityReport(format, sizes: c.bagSizes),
            all: SeparabilityReport(all, sizes: c.bagSizes),
            prompt: prompt.map { SeparabilityReport($0, sizes: c.bagSizes) },
            promptsConfounded: (prompt?.p ?? 1) <= c.alpha, promptsIdentical: promptsIdentical,
            minimumDetectableAUROC: minimumDetectable,
            carriers: Array(carriers.filter { $0.z > 0 }.prefix(c.carriersShown)),
            carriersTested: carriers.count, carriersSignificant: significant.count,
            jensenShannonDistance: tally.jensenShannonDistance, strongestFeatures: strongestFeatures,
            leaks: leaks, malformed: malformed.count, malformedLines: malformed.examples.map { MalformedLine(file: DisplayPath.of($0.file), line: $0.line, reason: $0.reason) },
            documents: ["teacher": teacher.documents.count, "control": control.documents.count],
            view: view, seed: c.seed, permutations: c.permutations, folds: c.folds,
            inputs: ["teacher": teacher.files.map { DisplayPath.of($0) }, "control": control.files.map { DisplayPath.of($0) }], notes: notes, perFile: nil)
    }

    /// Scores, AUROCs with refitted bootstrap intervals, and exact permutation p-values for
    /// each feature group.
    private func measure(_ data: FoldedMatrix, groups: [[Bool]], labels: [Bool], blocks: [Int]?,
                         names: [String]) -> [Separability] {
        let c = configuration
        let test = CentroidTwoSampleTest(data: data, labels: labels, groups: groups, blocks: blocks)
        let evaluator = SeparabilityEvaluator(bagSizes: c.bagSizes)
        let (sizes, notes) = evaluator.feasibleBagSizes(labels: labels, name: names[0])
        let scores = test.heldOutScores(teacherWeights: test.teacherIndicator)
        var bagGenerator = SeededGenerator.stream(c.seed, "bags " + names.joined())
        let estimates = groups.indices.map { g in
            evaluator.aurocs(scores: (0..<labels.count).map { Double(scores[g][$0, 0]) }, labels: labels, sizes: sizes,
                             rounds: evaluator.partitions, generator: &bagGenerator)
        }
        var replicates = groups.map { _ in [Int: [Double]]() }
        var bootstrapGenerator = SeededGenerator.stream(c.seed, "bootstrap " + names.joined())
        test.bootstrap(replicates: c.bootstrap, generator: &bootstrapGenerator) { g, scores, multiplicity in
            let aurocs = evaluator.aurocs(scores: scores, labels: labels, multiplicity: multiplicity, sizes: sizes,
                                          rounds: 1, generator: &bagGenerator)
            for (k, value) in aurocs { replicates[g][k, default: []].append(value) }
        }
        var permutationGenerator = SeededGenerator.stream(c.seed, "permutations " + names.joined())
        let p = test.permutationP(permutations: c.permutations, generator: &permutationGenerator)
        return groups.indices.map { g in
            var interval: [Int: Interval] = [:]
            for (k, estimate) in estimates[g] where (replicates[g][k]?.count ?? 0) > 1 {
                interval[k] = Resampling.normalInterval(estimate: estimate, replicates: replicates[g][k]!, bounds: 0...1)
            }
            return Separability(auroc: estimates[g], interval: interval, p: p[g], notes: notes)
        }
    }

    /// Whether every response on both sides has a prompt and the two sides' prompts are the
    /// same multiset, as when one prompt set was answered twice.
    static func samePrompts(_ teacher: [Document], _ control: [Document]) -> Bool {
        let t = teacher.compactMap(\.promptHash), c = control.compactMap(\.promptHash)
        return t.count == teacher.count && c.count == control.count && t.sorted() == c.sorted()
    }

    /// Each document's block: the index of its prompt among the distinct prompts.
    static func promptBlocks(_ documents: [Document]) -> [Int] {
        var index: [UInt64: Int] = [:]
        return documents.map { document in
            let hash = document.promptHash!
            if let block = index[hash] { return block }
            index[hash] = index.count
            return index.count - 1
        }
    }

    /// The numbers view when at least 80% of responses on each side are number lists.
    static func chooseView(_ teacher: [Document], _ control: [Document]) -> View {
        let share = { (documents: [Document]) in
            Double(documents.filter(\.isNumberList).count) / Double(max(documents.count, 1))
        }
        return share(teacher) >= 0.8 && share(control) >= 0.8 ? .numbers : .tokens
    }
}
