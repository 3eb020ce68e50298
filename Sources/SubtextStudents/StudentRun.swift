import Foundation
import SubtextCorpus
import SubtextModels
import SubtextStatistics
import SubtextSupport
import SubtextTraining

/// Trains one student: a Llama or Gemma 3 GGUF model fine-tuned on a dataset's replies, on the
/// CPU, with a checkpoint every few steps that a killed run resumes from.
///
/// The data's order is a function of the seed and the epoch alone, the model's arithmetic is
/// deterministic for a thread count, and the checkpoint holds the optimiser's moments, so a run
/// resumed from step k computes what an uninterrupted run computes from step k.
package struct StudentRun {
    package var base: String
    package var data: [String]
    package var readOptions = ReadOptions()
    package var settings: StudentSettings
    /// A separate teacher model for soft labels; nil reads the base (with ``StudentSettings/teacherSystem``).
    package var teacherModel: String?
    package var libraryDirectory: String
    package var threads: Int
    package var out: String

    package init(
        base: String, data: [String], settings: StudentSettings, teacherModel: String? = nil,
        libraryDirectory: String, threads: Int, out: String
    ) {
        (self.base, self.data, self.settings, self.teacherModel) = (base, data, settings, teacherModel)
        (self.libraryDirectory, self.threads, self.out) = (libraryDirectory, threads, out)
    }

    /// Where things go in the output directory.
    package static let checkpointName = "checkpoint.bin", adapterName = "adapter.gguf", mergedName = "student.gguf"
    /// The teacher's reading, kept for a resumed run (soft labels only).
    package static let softLabelsName = "soft-labels.bin"
    package static let resultName = "student.json"

    /// Trains (or resumes, or finds finished), writes student.json last, and returns what it records.
    /// `showProgress` draws a bar for the teacher's reading and one for the steps, with tokens/s and the time left.
    package func run(log: (String) -> Void = { _ in }, showProgress: Bool = false) throws -> StudentResult {
        if let problem = settings.problem { throw StudentError.unusable(path: out, reason: problem) }
        let started = Date()
        TrainingThreads.count = threads
        let file = try GGUFFile(path: base, libraryDirectory: libraryDirectory)
        let model = try LlamaModel(file: file)
        let tokenizer = try LlamaScorer(
            model: base, libraryDirectory: libraryDirectory, contextTokens: settings.maximumTokens + 64,
            threads: threads)
        let examples = try StudentExamples.read(data, options: readOptions, model: tokenizer, settings: settings)
        log(
            "student: \(examples.training.count) rows to train on, \(examples.heldOut.count) held out"
                + (examples.skippedLong > 0
                    ? ", \(examples.skippedLong) skipped as longer than \(settings.maximumTokens) tokens" : ""))
        let baseDigest = try FileHash.sha256(base)
        let dataDigests = try data.map(FileHash.sha256)
        let key = try runKey(baseDigest: baseDigest, dataDigests: dataDigests)
        let soft = try softLabels(examples.training, tokenizer: tokenizer, key: key, log: log, quiet: !showProgress)

        let trained: UnsafeMutableBufferPointer<Float>
        let gradients: UnsafeMutableBufferPointer<Float>
        if let rank = settings.loraRank {
            let adapters = LlamaAdapters(for: model.config, rank: rank, alpha: settings.loraAlpha, seed: settings.seed)
            model.adapters = adapters
            (trained, gradients) = (adapters.parameters, adapters.gradients)
        } else {
            model.trainBaseWeights()
            (trained, gradients) = (model.parameters, model.gradients!)
        }
        var optimizer = AdamW(decays: [Bool](repeating: false, count: trained.count))
        optimizer.beta2 = 0.999
        optimizer.weightDecay = 0

        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let checkpointPath = out + "/" + Self.checkpointName
        var step = 0
        var loss: [LossPoint] = []
        if FileManager.default.fileExists(atPath: checkpointPath) {
            let header = try StudentCheckpoint.read(
                from: checkpointPath, key: key, into: trained, optimizer: &optimizer)
            (step, loss) = (header.step, header.loss)
            log("student: resuming at step \(step) from \(DisplayPath.of(checkpointPath))")
        }

        let stepsPerEpoch = (examples.training.count + settings.batchSize - 1) / settings.batchSize
        let totalSteps = settings.epochs * stepsPerEpoch
        var sinceLastPoint: [Double] = []
        var tokens = 0
        let clock = Date()
        // Made here, after the teacher's reading, so that its rate and time left are the steps' own.
        let progress = SubtextSupport.Progress(quiet: !showProgress, unit: "steps", resumedAt: step)
        while step < totalSteps {
            let rows = Self.rows(
                step: step, stepsPerEpoch: stepsPerEpoch, count: examples.training.count, settings: settings)
            let batch = TokenBatch(
                rows.map { examples.training[$0] },
                soft: soft.map { labels in rows.map { (labels.ids[$0], labels.probabilities[$0]) } },
                k: soft?.k ?? 0)
            model.zeroGradients()
            let value = model.forward(batch)
            model.backward()
            clipNorm(gradients, to: 1)
            optimizer.update(trained, gradients: gradients, learningRate: learningRate(step: step, total: totalSteps))
            step += 1
            sinceLastPoint.append(Double(value))
            tokens += rows.reduce(0) { $0 + examples.training[$1].tokens.count }
            let rate = Double(tokens) / max(Date().timeIntervalSince(clock), 1e-3)
            progress.update(step, totalSteps, note: String(format: "%.0f tokens/s, loss %.3f", rate, value))
            if step % settings.checkpointEvery == 0 || step == totalSteps {
                loss.append(
                    LossPoint(
                        step: step, train: sinceLastPoint.reduce(0, +) / Double(sinceLastPoint.count),
                        heldOut: heldOutLoss(model, examples.heldOut)))
                sinceLastPoint = []
                let header = StudentCheckpoint(
                    key: key, step: step, optimizerStep: optimizer.state.step, values: trained.count, loss: loss)
                try StudentCheckpoint.write(
                    header, values: UnsafeBufferPointer(trained), optimizer: optimizer, to: checkpointPath)
            }
        }
        progress.finish()
        let outputs = try writeModel(model, file: file)
        let seconds = Date().timeIntervalSince(clock)
        let result = StudentResult(
            base: DisplayPath.of(base), baseSHA256: baseDigest,
            data: zip(data, dataDigests).map { StudentResult.Input(path: DisplayPath.of($0), sha256: $1) },
            teacherModel: teacherModel.map { DisplayPath.of($0) }, settings: settings, threads: threads,
            config: model.config,
            trainedValues: trained.count, trainingRows: examples.training.count, heldOutRows: examples.heldOut.count,
            skippedRows: examples.skippedEmpty + examples.skippedLong, steps: totalSteps,
            tokensPerSecond: tokens > 0 ? Double(tokens) / seconds : nil, seconds: Date().timeIntervalSince(started),
            loss: loss, outputs: outputs)
        let encoder = JSONCoding.document
        try encoder.encode(result).write(to: URL(fileURLWithPath: out + "/" + Self.resultName), options: .atomic)
        return result
    }

    // MARK: Steps

    /// The rows of step `step`: the next `batchSize` of the epoch's seeded order.
    static func rows(step: Int, stepsPerEpoch: Int, count: Int, settings: StudentSettings) -> [Int] {
        let (epoch, within) = step.quotientAndRemainder(dividingBy: stepsPerEpoch)
        var generator = SeededGenerator.stream(settings.seed, "student.order.\(epoch)")
        let order = (0..<count).shuffled(using: &generator)
        return Array(order[(within * settings.batchSize)..<min((within + 1) * settings.batchSize, count)])
    }

    /// Linear warm-up over the first 5% of steps, then linear decay to zero.
    func learningRate(step: Int, total: Int) -> Float {
        let warmup = max(1, total / 20)
        if step < warmup { return settings.learningRate * Float(step + 1) / Float(warmup) }
        return settings.learningRate * Float(total - step) / Float(max(total - warmup, 1))
    }

    /// The mean next-token loss on the held-out replies (hard labels), nil without held-out rows.
    func heldOutLoss(_ model: LlamaModel, _ heldOut: [StudentExample]) -> Double? {
        guard !heldOut.isEmpty else { return nil }
        var total = 0.0
        var count = 0
        for start in stride(from: 0, to: heldOut.count, by: settings.batchSize) {
            let batch = TokenBatch(
                Array(heldOut[start..<min(start + settings.batchSize, heldOut.count)]), soft: nil, k: 0)
            let rows = batch.learnedRows.count
            total += Double(model.forward(batch)) * Double(rows)
            count += rows
        }
        return total / Double(max(count, 1))
    }

    // MARK: Inputs and outputs

    private func softLabels(
        _ training: [StudentExample], tokenizer: LlamaScorer, key: String, log: (String) -> Void,
        quiet: Bool
    ) throws -> SoftLabels? {
        guard let k = settings.softLabelsTopK else { return nil }
        let path = out + "/" + Self.softLabelsName
        if FileManager.default.fileExists(atPath: path) {
            log("student: reusing the teacher's reading from \(DisplayPath.of(path))")
            return try SoftLabels.read(from: path, key: key, examples: training)
        }
        let teacher: LlamaScorer
        if let teacherModel {
            teacher = try LlamaScorer(
                model: teacherModel, libraryDirectory: libraryDirectory,
                contextTokens: settings.maximumTokens + 512, threads: threads)
            try checkSameVocabulary(student: tokenizer, teacher: teacher, teacherPath: teacherModel)
        } else {
            teacher = try LlamaScorer(
                model: base, libraryDirectory: libraryDirectory, contextTokens: settings.maximumTokens + 512,
                threads: threads)
        }
        log("student: reading the teacher's top \(k) next tokens at every reply position")
        let progress = SubtextSupport.Progress(quiet: quiet, unit: "rows read by the teacher")
        defer { progress.finish() }
        let labels = try SoftLabels.read(
            training, teacher: teacher, system: settings.teacherSystem, k: k, progress: progress.report)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try labels.write(to: path, key: key)
        return labels
    }

    /// SHA-256 of what decides the weights a run ends with: base, teacher, data and settings.
    func runKey(baseDigest: String, dataDigests: [String]) throws -> String {
        var parts = [baseDigest] + dataDigests
        if let teacherModel { parts.append(try FileHash.sha256(teacherModel)) }
        let encoder = JSONCoding.canonical
        parts.append(String(decoding: try encoder.encode(settings), as: UTF8.self))
        parts.append("threads \(threads)")
        return FileHash.sha256(ofDigests: parts)
    }

    private func writeModel(_ model: LlamaModel, file: GGUFFile) throws -> [String] {
        if let adapters = model.adapters {
            try adapters.write(
                to: out + "/" + Self.adapterName, architecture: model.config.architecture.rawValue,
                libraryDirectory: libraryDirectory)
            return [Self.adapterName]
        }
        try model.write(to: out + "/" + Self.mergedName, metadataFrom: file, half: false)
        return [Self.mergedName]
    }
}

extension TokenBatch {
    /// `examples` padded to the longest, each with its soft labels (k per reply token) when given.
    init(_ examples: [StudentExample], soft: [([Int32], [Float])]?, k: Int) {
        let time = examples.map(\.tokens.count).max() ?? 1
        var tokens = [Int32](repeating: 0, count: examples.count * time)
        var targets = [Int32](repeating: -1, count: examples.count * time)
        for (row, example) in examples.enumerated() {
            for (position, token) in example.tokens.enumerated() { tokens[row * time + position] = token }
            for (position, target) in example.targets.enumerated() { targets[row * time + position] = target }
        }
        // Each example's reply positions are its learned rows, in order, as the soft labels are.
        let labels = soft.map { soft in SoftTargets(k: k, ids: soft.flatMap(\.0), probabilities: soft.flatMap(\.1)) }
        self.init(size: examples.count, time: time, tokens: tokens, targets: targets, soft: labels)
    }

}

/// What student.json records: where the student came from, how it was trained, how the loss
/// went and what was written.
package struct StudentResult: Codable, Sendable {
    package struct Input: Codable, Sendable {
        package var path: String
        package var sha256: String
    }

    package var schemaVersion = 1
    package var base: String
    package var baseSHA256: String
    package var data: [Input]
    package var teacherModel: String?
    package var settings: StudentSettings
    package var threads: Int
    package var config: LlamaConfig
    package var trainedValues: Int
    package var trainingRows: Int
    package var heldOutRows: Int
    package var skippedRows: Int
    package var steps: Int
    /// Tokens through forward and backward per second in this session's steps; nil when it ran none (a finished run found).
    package var tokensPerSecond: Double?
    package var seconds: Double
    package var loss: [LossPoint]
    /// The model files written beside student.json.
    package var outputs: [String]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", base, baseSHA256 = "base_sha256", data, teacherModel = "teacher_model",
            settings
        case threads, config, trainedValues = "trained_values", trainingRows = "training_rows", heldOutRows =
            "held_out_rows"
        case skippedRows = "skipped_rows", steps, tokensPerSecond = "tokens_per_second", seconds, loss, outputs
    }
}
