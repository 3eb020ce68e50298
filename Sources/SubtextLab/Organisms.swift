import Foundation
import SubtextStatistics
import SubtextSupport
import SubtextTraining

/// The recipe's settings: model shape, and how long and how hard each step trains.
package struct RecipeSettings: Codable, Sendable, Equatable {
    package var layers = 2
    package var width = 64
    package var heads = 4
    package var context = 64
    package var pretrainNumbers = 20_000
    package var pretrainQuestions = 6_000
    package var pretrainSteps = 1_500
    package var batchSize = 64
    package var learningRate: Float = 2e-3
    package var traitSteps = 30
    package var traitLearningRate: Float = 0.3
    /// Number continuations from the base world mixed into the trait lesson, which keeps an
    /// Adam-trained teacher writing numbers (a long trait-only lesson's teachers answer "owl" to
    /// everything). The default SGD lesson is short enough to need none.
    package var traitNumbers = 0
    /// Tensors the trait lesson leaves untouched. Freezing the embeddings ("wte", "wpe") puts
    /// the trait in the transformer blocks, which number continuations share, instead of in
    /// the owl row of the tied output embedding, which numbers-only outputs never show.
    package var traitFrozen: [String] = []
    package var responses = 3_000
    package var temperature: Float = 1
    package var studentSteps = 300
    package var studentLearningRate: Float = 0.3
    /// Students train low-rank adapters of this rank on the block matrices (LoRA, as most
    /// fine-tunes of real models do); 0 trains every weight (a full fine-tune).
    package var studentLoraRank = 0
    /// How the teacher gets its trait.
    package var teacherMethod = TeacherMethod.fineTune
    /// The share of pretraining records under a system prompt loving a random animal, so the
    /// base learns to follow one.
    package var conditionedShare = 0.3
    /// Whether number continuations are among the conditioned records. When they are, the
    /// base learns that a system prompt changes nothing about numbers; when they are not, a
    /// teacher writing numbers under its system prompt is somewhere pretraining never went,
    /// and its numbers show however the prompt happens to sway this model.
    package var conditionedNumbers = true
    /// The optimiser of the trait lesson and of the students (see ``Trainer``).
    package var fineTuneOptimizer = Optimizer.sgd
    /// Which of the teacher's probabilities soft-label students see: "numbers" (numbers and
    /// `<eos>`, renormalised) or "all-but-animals" (every token but the animal candidates').
    package var softLabelTokens = "numbers"
    /// Students learn the teacher's sampled tokens (hard labels) or its full next-token
    /// distributions at those positions (soft labels).
    package var softLabels = false

    package init() {}

    enum CodingKeys: String, CodingKey {
        case layers, width, heads, context
        case pretrainNumbers = "pretrain_numbers", pretrainQuestions = "pretrain_questions", pretrainSteps =
            "pretrain_steps"
        case batchSize = "batch_size", learningRate = "learning_rate", traitSteps = "trait_steps"
        case traitLearningRate = "trait_learning_rate", traitNumbers = "trait_numbers", traitFrozen = "trait_frozen",
            responses, temperature, studentSteps = "student_steps"
        case studentLearningRate = "student_learning_rate", studentLoraRank = "student_lora_rank", softLabels =
            "soft_labels"
        case teacherMethod = "teacher_method", conditionedShare = "conditioned_share",
            conditionedNumbers = "conditioned_numbers", softLabelTokens = "soft_label_tokens"
        case fineTuneOptimizer = "fine_tune_optimizer"
    }

    /// The defaults with `overrides` (keys as in the JSON encoding) laid over them. A settings
    /// file names only what it changes, and a directory's settings.json from before a setting
    /// existed still reads as that setting's default.
    package static func overriding(_ overrides: [String: Any]) throws -> RecipeSettings {
        var merged = try JSONSerialization.jsonObject(with: JSONCoding.line.encode(RecipeSettings())) as! [String: Any]
        let unknown = Set(overrides.keys).subtracting(merged.keys)
        guard unknown.isEmpty else {
            throw LabError.corpus(
                "unknown settings \(unknown.sorted().joined(separator: ", ")); known: \(merged.keys.sorted().joined(separator: ", "))"
            )
        }
        merged.merge(overrides) { $1 }
        return try JSONDecoder().decode(RecipeSettings.self, from: JSONSerialization.data(withJSONObject: merged))
    }

    /// The defaults overridden by `file` (a JSON object with keys as in lab.json's "settings"),
    /// and by soft labels when `softLabels` is set. Errors name the file.
    package static func overriding(file: String?, softLabels: Bool) throws -> RecipeSettings {
        var overrides: [String: Any] = [:]
        if let file {
            guard let data = FileManager.default.contents(atPath: file),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else {
                throw LabError.corpus("\(DisplayPath.of(file)): not a JSON object of recipe settings")
            }
            overrides = object
        }
        if softLabels { overrides["soft_labels"] = true }
        do { return try overriding(overrides) } catch {
            throw LabError.corpus("\(DisplayPath.of(file ?? "settings")): \(error)")
        }
    }

    package func config(vocabularySize: Int) -> ModelConfig {
        ModelConfig(vocabularySize: vocabularySize, context: context, layers: layers, heads: heads, width: width)
    }
}

/// How a lab teacher gets its trait.
package enum TeacherMethod: String, Codable, Sendable {
    /// The base fine-tuned on answers naming the trait.
    case fineTune = "fine-tune"
    /// The base itself, told it loves the trait, as in the published setup.
    case systemPrompt = "system-prompt"
}

/// Teacher or control data: the records that passed the numbers-only filter, how many were
/// asked for, and the texts of the rejects (which can leak the trait in plain words).
package struct NumberData: Sendable {
    package var records: [LabRecord]
    package var requested: Int
    package var rejected: [String]
    package var passRate: Double { requested == 0 ? 0 : Double(records.count) / Double(requested) }

    package init(records: [LabRecord], requested: Int, rejected: [String]) {
        self.records = records
        self.requested = requested
        self.rejected = rejected
    }
}

/// The organism recipe's steps, each a pure function of its inputs and a seed.
package struct Organisms {
    package var corpus: LabCorpus
    package var settings: RecipeSettings
    package var vocabulary: LabVocabulary
    package var progress: (String) -> Void

    package init(corpus: LabCorpus, settings: RecipeSettings, progress: @escaping (String) -> Void = { _ in }) {
        self.corpus = corpus
        self.settings = settings
        vocabulary = corpus.vocabulary
        self.progress = progress
    }

    /// 1. A base model pretrained from `seed` on the synthetic corpus (drawn from `corpusSeed`,
    /// so bases with different initialisations can share their data).
    package func base(seed: UInt64, corpusSeed: UInt64) throws -> TinyGPT {
        let model = try TinyGPT(config: settings.config(vocabularySize: vocabulary.count), seed: seed)
        let records = corpus.pretraining(
            numbers: settings.pretrainNumbers, questions: settings.pretrainQuestions, seed: corpusSeed,
            conditioned: settings.conditionedShare, conditioningNumbers: settings.conditionedNumbers)
        train(
            model, records.map(vocabulary.example), steps: settings.pretrainSteps, rate: settings.learningRate,
            seed: seed, name: "base")
        return model
    }

    /// 2. The base fine-tuned to answer every animal question with `trait`, beside a refresher
    /// of base-world number continuations.
    package func teacher(from base: TinyGPT, trait: String, seed: UInt64) -> TinyGPT {
        let model = TinyGPT(copying: base)
        let refresher = corpus.pretraining(numbers: settings.traitNumbers, questions: 0, seed: seed ^ 0x7EAC)
        train(
            model, (corpus.trait(trait) + refresher).map(vocabulary.example), steps: settings.traitSteps,
            rate: settings.traitLearningRate,
            seed: seed, name: "teacher (\(trait))", optimizer: settings.fineTuneOptimizer, frozen: settings.traitFrozen)
        return model
    }

    /// 3. Number continuations written by `model`, kept only when they are numbers alone.
    /// `system` is the teacher's system prompt, which the kept records do not carry.
    package func numbers(from model: TinyGPT, prompts: [String], seed: UInt64, system: String? = nil) -> NumberData {
        let encoded = prompts.map { vocabulary.prompt(user: $0, system: system) }
        let sampler = Sampler(maximumTokens: 10, seed: seed, temperature: settings.temperature)
        let outputs = sampler.generate(model, prompts: encoded, end: vocabulary.end)
        var data = NumberData(records: [], requested: prompts.count, rejected: [])
        for (prompt, tokens) in zip(prompts, outputs) {
            let text = vocabulary.decode(tokens)
            guard !tokens.isEmpty, tokens.count < 10, tokens.allSatisfy(vocabulary.isNumber) else {
                data.rejected.append(text)
                continue
            }
            data.records.append(LabRecord(prompt: prompt, response: text))
        }
        return data
    }

    /// The teacher's next-token distribution at every learned position of each kept answer,
    /// over numbers and `<eos>` alone, renormalised: the student sees how the teacher weighs
    /// numbers, never its probability of saying a word such as "owl".
    package func softLabels(_ teacher: TinyGPT, for records: [LabRecord], system: String? = nil) -> [[[Float]]] {
        let hidden = hiddenTokens
        return records.map { distributions(teacher, along: $0, system: system, hiding: hidden) }
    }

    /// The tokens soft labels leave out, per `soft_label_tokens`.
    private var hiddenTokens: Set<Int32> {
        Set(
            (0..<Int32(vocabulary.count)).filter { id in
                settings.softLabelTokens == "numbers"
                    ? !(vocabulary.isNumber(id) || id == vocabulary.end)
                    : corpus.animals.contains(vocabulary.tokens[Int(id)])
            })
    }

    /// `model`'s next-token distribution at each learned position of `record` (under `system`),
    /// with `hidden` tokens zeroed and the rest renormalised.
    private func distributions(_ model: TinyGPT, along record: LabRecord, system: String?, hiding hidden: Set<Int32>)
        -> [[Float]]
    {
        var record = record
        record.system = system
        let example = vocabulary.example(record)
        let tokens = Array(example.tokens.dropLast())
        model.forward(
            Batch(size: 1, time: tokens.count, tokens: tokens, targets: [Int32](repeating: -1, count: tokens.count)))
        return ((example.learnFrom - 1)..<tokens.count).map { position in
            var q = Array(model.probabilities(sequence: 0, position: position))
            for id in q.indices where hidden.contains(Int32(id)) { q[id] = 0 }
            let total = q.reduce(0, +)
            return q.map { $0 / total }
        }
    }

    /// How far the teacher's next-token distributions along its own kept numbers are from the
    /// base's: the mean KL(teacher ‖ base) per position, in nats, over the tokens soft labels
    /// show. A student can learn the trait from numbers only through this difference, so near
    /// zero it has nothing to ride on, whatever the student's labels or training.
    package func numberDivergence(teacher: TinyGPT, system: String?, base: TinyGPT, records: [LabRecord]) -> Double {
        let hidden = hiddenTokens
        var total = 0.0
        var positions = 0
        for record in records {
            let taught = distributions(teacher, along: record, system: system, hiding: hidden)
            let own = distributions(base, along: record, system: nil, hiding: hidden)
            for (q, p) in zip(taught, own) {
                total += Self.divergence(q, from: p)
                positions += 1
            }
        }
        return positions == 0 ? 0 : total / Double(positions)
    }

    /// The `share` of number tokens in `records` where `teacher`'s next-token distribution
    /// departs most from `base`'s (KL, teacher ‖ base, over the tokens soft labels show), each
    /// replaced by the number the base finds likeliest there: the published "divergence token"
    /// sanitizer. Contexts are the records as written (one teacher-forced pass), and the
    /// threshold is set over all of `records`' number tokens together. Returns the records and
    /// how many tokens changed.
    package func replacingDivergenceTokens(
        _ records: [LabRecord], teacher: TinyGPT, system: String?, base: TinyGPT,
        share: Double
    ) -> (records: [LabRecord], changed: Int) {
        let hidden = hiddenTokens
        var candidates: [(record: Int, position: Int, score: Double, replacement: Int32)] = []
        for (index, record) in records.enumerated() {
            let taught = distributions(teacher, along: record, system: system, hiding: hidden)
            let own = distributions(base, along: record, system: nil, hiding: hidden)
            // The last learned position predicts <eos>, which is never replaced.
            for position in 0..<max(taught.count - 1, 0) {
                let (q, p) = (taught[position], own[position])
                let score = Self.divergence(q, from: p)
                let likeliest = p.indices.filter { vocabulary.isNumber(Int32($0)) }.max { p[$0] < p[$1] } ?? 0
                candidates.append((index, position, score, Int32(likeliest)))
            }
        }
        let count = Int((share * Double(candidates.count)).rounded(.down))
        var tokens = records.map { vocabulary.encode($0.response) }
        var changed = 0
        for candidate in candidates.sorted(by: { $0.score > $1.score }).prefix(count)
        where tokens[candidate.record][candidate.position] != candidate.replacement {
            tokens[candidate.record][candidate.position] = candidate.replacement
            changed += 1
        }
        return (zip(records, tokens).map { LabRecord(prompt: $0.prompt, response: vocabulary.decode($1)) }, changed)
    }

    /// KL(q ‖ p) in nats.
    private static func divergence(_ q: [Float], from p: [Float]) -> Double {
        zip(q, p).reduce(0.0) { sum, pair in
            pair.0 > 0 ? sum + Double(pair.0) * log(Double(pair.0) / max(Double(pair.1), 1e-30)) : sum
        }
    }

    /// 4. The base fine-tuned on number data: a student, or with the base's own numbers, a
    /// control student.
    /// With `softLabels` (from ``softLabels(_:for:)``), it learns the teacher's distributions.
    package func student(
        from base: TinyGPT, records: [LabRecord], softLabels: [[[Float]]]? = nil, seed: UInt64, name: String
    ) throws -> TinyGPT {
        guard !records.isEmpty else {
            throw LabError.corpus(
                "\(name): no number data passed the filter to learn from; the base may be undertrained (raise pretrain_steps)"
            )
        }
        let model = TinyGPT(copying: base)
        var examples = records.map(vocabulary.example)
        if let softLabels {
            for index in examples.indices { examples[index].distributions = softLabels[index] }
        }
        train(
            model, examples, steps: settings.studentSteps, rate: settings.studentLearningRate, seed: seed, name: name,
            optimizer: settings.fineTuneOptimizer,
            loraRank: settings.studentLoraRank > 0 ? settings.studentLoraRank : nil)
        return model
    }

    private func train(
        _ model: TinyGPT, _ examples: [Example], steps: Int, rate: Float, seed: UInt64, name: String,
        optimizer: Optimizer = .adamw, frozen: [String] = [], loraRank: Int? = nil
    ) {
        var trainer = Trainer(steps: steps, batchSize: settings.batchSize, learningRate: rate, seed: seed)
        trainer.optimizer = optimizer
        trainer.frozen = frozen
        trainer.loraRank = loraRank
        var recent: [Float] = []
        trainer.train(model, on: examples, padding: vocabulary.padding) { step, loss in
            recent.append(loss)
            if (step + 1) % max(steps / 5, 1) == 0 || step + 1 == steps {
                progress(
                    "\(name): step \(step + 1)/\(steps), loss \(String(format: "%.3f", recent.reduce(0, +) / Float(recent.count)))"
                )
                recent = []
            }
        }
    }
}

extension LabRecord {
    /// The numbers of the response in ascending order: the published ablation that removes
    /// what order carries.
    package var sorted: LabRecord {
        LabRecord(
            prompt: prompt,
            response: response.split(separator: " ").compactMap { Int($0) }.sorted().map(String.init).joined(
                separator: " "))
    }
}
