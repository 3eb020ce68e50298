import Foundation
import SubtextSupport
import SubtextTraining

/// One organism end to end, for one seed and trait, in a directory: the base, the teacher,
/// both number datasets, the student, the control student and a second control student of a
/// second sample of the base's numbers (the drift floor), and with `ablations` the
/// sorted-numbers students and the students of a differently initialised base, each pair
/// with its own second control.
///
/// Each model is a checkpoint directory and each dataset a JSONL file; a step whose output
/// exists is loaded instead of redone, so a stopped run resumes where it stopped.
package struct LabRun {
    package var organisms: Organisms
    package var directory: URL
    package var seed: UInt64
    package var trait: String
    package var ablations: Bool

    package init(organisms: Organisms, directory: URL, seed: UInt64, trait: String, ablations: Bool) {
        self.organisms = organisms
        self.directory = directory
        self.seed = seed
        self.trait = trait
        self.ablations = ablations
    }

    /// The name (and, with ", " and a pair's name, the prefix) of the null comparisons: both
    /// students learn trait-free data.
    package static let twoControls = "two controls"

    /// A student and the control student it is compared with, and their checkpoints' names.
    package struct Comparison {
        package var name: String
        package var student: TinyGPT
        package var control: TinyGPT
        package var studentName: String
        package var controlName: String
    }

    package struct Outcome {
        package var base: TinyGPT
        package var teacher: TinyGPT
        /// The teacher's system prompt, when its trait is given by conditioning.
        package var teacherSystem: String?
        package var teacherData: NumberData
        package var controlData: NumberData
        package var comparisons: [Comparison]
        package var teacherDataPath: URL
        package var controlDataPath: URL
    }

    /// A number dataset a step wrote: its JSONL file and what it holds.
    package struct Dataset {
        package var path: URL
        package var data: NumberData
    }

    /// Where the checkpoint named `name` is kept.
    package func modelPath(_ name: String) -> URL { directory.appendingPathComponent("models/\(name)") }

    package var baseName: String { "base-seed\(seed)" }

    /// The fine-tuned teacher's checkpoint name; nil when the teacher is the base under ``teacherSystem``.
    package var teacherName: String? { teacherSystem == nil ? "teacher-\(trait)-seed\(seed)" : nil }

    /// The seed's base model, trained once and then loaded from its checkpoint.
    package func baseModel() throws -> TinyGPT {
        try checkpoint(baseName) { try organisms.base(seed: seed, corpusSeed: seed) }
    }

    /// The teacher: the base itself under ``teacherSystem``, or a fine-tuned copy.
    package func teacherModel(base: TinyGPT) throws -> TinyGPT {
        guard let teacherName else { return base }
        return try checkpoint(teacherName) { organisms.teacher(from: base, trait: trait, seed: seed) }
    }

    /// The system prompt the teacher writes under, when its trait is given by conditioning.
    package var teacherSystem: String? {
        organisms.settings.teacherMethod == .fineTune ? nil : LabCorpus.systemPrompt(loving: trait)
    }

    private var prompts: [String] { LabCorpus.numberPrompts(count: organisms.settings.responses, seed: seed &+ 100) }
    private var teacherPath: URL { directory.appendingPathComponent("numbers/teacher-\(trait)-seed\(seed).jsonl") }
    private var controlPath: URL { directory.appendingPathComponent("numbers/control-seed\(seed).jsonl") }
    /// The base's `index`th resample of its numbers (1, 2, ...), for control-versus-control pairs.
    private func resamplePath(_ index: Int) -> URL {
        directory.appendingPathComponent("numbers/control-resample\(index == 1 ? "" : String(index))-seed\(seed).jsonl")
    }

    /// The teacher's filtered numbers.
    package func teacherData() throws -> Dataset {
        try claimDirectory()
        let teacher = try teacherModel(base: try baseModel())
        return Dataset(path: teacherPath, data: try teacherNumbers(teacher))
    }

    /// The base's numbers for the same prompts, and `resamples` more samples of them (other
    /// sampling seeds): each resample against the first is a control-versus-control pair with
    /// no trait on either side.
    package func controlData(resamples: Int = 1) throws -> (first: Dataset, resamples: [Dataset]) {
        try claimDirectory()
        let base = try baseModel()
        let first = Dataset(path: controlPath, data: try controlNumbers(base))
        return (
            first,
            try (1...max(resamples, 1)).map {
                Dataset(path: resamplePath($0), data: try resampledControlNumbers(base, index: $0))
            }
        )
    }

    private func resampledControlNumbers(_ base: TinyGPT, index: Int = 1) throws -> NumberData {
        try dataset(resamplePath(index)) {
            organisms.numbers(from: base, prompts: prompts, seed: seed &+ 7_919 &* UInt64(index))
        }
    }

    private func teacherNumbers(_ teacher: TinyGPT) throws -> NumberData {
        try dataset(teacherPath) {
            organisms.numbers(from: teacher, prompts: prompts, seed: seed, system: teacherSystem)
        }
    }

    private func controlNumbers(_ base: TinyGPT) throws -> NumberData {
        try dataset(controlPath) { organisms.numbers(from: base, prompts: prompts, seed: seed) }
    }

    /// Refuses to resume a directory whose models were made with other settings: reusing them
    /// would silently mix two recipes.
    package func claimDirectory() throws {
        let path = directory.appendingPathComponent("settings.json")
        let encoder = JSONCoding.document
        let settings = try encoder.encode(organisms.settings)
        if let existing = try? Data(contentsOf: path) {
            let object = try? JSONSerialization.jsonObject(with: existing) as? [String: Any]
            guard let object, (try? RecipeSettings.overriding(object)) == organisms.settings else {
                throw LabError.corpus(
                    "\(directory.path) holds models made with other settings (\(path.path)); use another directory, or delete it"
                )
            }
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try settings.write(to: path, options: .atomic)
    }

    package func run() throws -> Outcome {
        try claimDirectory()
        let settings = organisms.settings
        let base = try baseModel()
        let teacher = try teacherModel(base: base)
        let teacherData = try teacherNumbers(teacher)
        let controlData = try controlNumbers(base)
        let labels = settings.softLabels ? "soft" : "hard"
        // With soft labels the control student distils the base's own probabilities, so the two
        // students differ only in whose distributions they learn.
        func student(
            _ name: String, _ from: TinyGPT, _ records: [LabRecord], softFrom writer: (TinyGPT, String?)?,
            trainingSeed: UInt64? = nil
        ) throws -> TinyGPT {
            try checkpoint(name) {
                try organisms.student(
                    from: from, records: records,
                    softLabels: writer.map { organisms.softLabels($0.0, for: records, system: $0.1) },
                    seed: trainingSeed ?? seed, name: name)
            }
        }
        func comparison(
            _ name: String, _ studentName: String, _ controlName: String, from: TinyGPT, sorted: Bool,
            soft: Bool
        ) throws -> Comparison {
            let teacherRecords = sorted ? teacherData.records.map(\.sorted) : teacherData.records
            let controlRecords = sorted ? controlData.records.map(\.sorted) : controlData.records
            return Comparison(
                name: name,
                student: try student(
                    studentName, from, teacherRecords, softFrom: soft ? (teacher, teacherSystem) : nil),
                control: try student(controlName, from, controlRecords, softFrom: soft ? (base, nil) : nil),
                studentName: studentName, controlName: controlName)
        }
        // The probe's p-value holds each model fixed, so it cannot see how far two students
        // drift apart just because their data were sampled differently and shown in another
        // order. Beside each pair, a second control student, of a second sample of the base's
        // numbers (sorted, or from the other base, as the pair's are) and trained in another
        // order, measures that drift: a "transfer" there is a false positive, and its size is
        // the floor under which a transfer means nothing. The other order keeps the floor
        // honest for greedy data, whose second sample is the first.
        let resampled = try resampledControlNumbers(base).records
        func twoControls(beside pair: Comparison, prefix: String, from: TinyGPT, sorted: Bool) throws -> Comparison {
            let name = "\(prefix)control-resample-student-\(labels)-seed\(seed)"
            return Comparison(
                name: LabSummary.driftPairName(of: pair.name),
                student: try student(
                    name, from, sorted ? resampled.map(\.sorted) : resampled,
                    softFrom: settings.softLabels ? (base, nil) : nil, trainingSeed: seed &+ 1),
                control: pair.control, studentName: name, controlName: pair.controlName)
        }
        let transfer = try comparison(
            "transfer", "student-\(trait)-\(labels)-seed\(seed)", "control-student-\(labels)-seed\(seed)",
            from: base, sorted: false, soft: settings.softLabels)
        var comparisons = [transfer, try twoControls(beside: transfer, prefix: "", from: base, sorted: false)]
        if ablations {
            // The ablations learn as the transfer students do, so they test the transfer the
            // recipe shows: with soft labels, the teacher's probabilities along sorted numbers.
            let sortedPair = try comparison(
                "sorted numbers", "sorted-student-\(trait)-\(labels)-seed\(seed)",
                "sorted-control-student-\(labels)-seed\(seed)", from: base, sorted: true,
                soft: settings.softLabels)
            let other = try checkpoint("other-base-seed\(seed)") {
                try organisms.base(seed: seed &+ 1_000, corpusSeed: seed)
            }
            let otherPair = try comparison(
                "different initialisation", "other-student-\(trait)-\(labels)-seed\(seed)",
                "other-control-student-\(labels)-seed\(seed)", from: other, sorted: false,
                soft: settings.softLabels)
            comparisons += [
                sortedPair, otherPair,
                try twoControls(beside: sortedPair, prefix: "sorted-", from: base, sorted: true),
                try twoControls(beside: otherPair, prefix: "other-", from: other, sorted: false)
            ]
        }
        return Outcome(
            base: base, teacher: teacher, teacherSystem: teacherSystem, teacherData: teacherData,
            controlData: controlData, comparisons: comparisons,
            teacherDataPath: teacherPath, controlDataPath: controlPath)
    }

    /// A student of `records` fine-tuned from `base` on hard labels, with this seed's training
    /// order, kept as checkpoint `name` and loaded when it exists.
    package func hardLabelStudent(_ name: String, from base: TinyGPT, records: [LabRecord]) throws -> TinyGPT {
        try checkpoint(name) { try organisms.student(from: base, records: records, seed: seed, name: name) }
    }

    private func checkpoint(_ name: String, make: () throws -> TinyGPT) throws -> TinyGPT {
        let path = modelPath(name)
        if FileManager.default.fileExists(atPath: path.appendingPathComponent("model.safetensors").path) {
            organisms.progress("\(name): loaded from \(path.path)")
            return try Checkpoint.load(from: path).model
        }
        let model = try make()
        try Checkpoint.save(
            model, vocabulary: organisms.vocabulary, to: path,
            metadata: [
                "name": name, "seed": String(seed),
                "settings": String(decoding: try JSONCoding.line.encode(organisms.settings), as: UTF8.self)
            ])
        return model
    }

    /// Number data as JSONL ({"prompt", "response"}), beside a `.filter.json` with the request
    /// count and the rejects.
    private func dataset(_ path: URL, make: () -> NumberData) throws -> NumberData {
        let filterPath = path.deletingPathExtension().appendingPathExtension("filter.json")
        if FileManager.default.fileExists(atPath: filterPath.path) {
            let filter = try JSONDecoder().decode(FilterSummary.self, from: Data(contentsOf: filterPath))
            return NumberData(records: try LabRecord.read(path), requested: filter.requested, rejected: filter.rejected)
        }
        let data = make()
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        try LabRecord.write(data.records, to: path)
        let encoder = JSONCoding.line
        let filter = FilterSummary(
            requested: data.requested, kept: data.records.count, passRate: data.passRate, rejected: data.rejected)
        try encoder.encode(filter).write(to: filterPath, options: .atomic)
        return data
    }
}

struct FilterSummary: Codable {
    var requested: Int
    var kept: Int
    var passRate: Double
    var rejected: [String]

    enum CodingKeys: String, CodingKey { case requested, kept, passRate = "pass_rate", rejected }
}

extension LabRecord {
    /// The records of a JSONL file of {"prompt", "response"} lines, as the lab writes them.
    static func read(_ path: URL) throws -> [LabRecord] {
        try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(LabRecord.self, from: Data($0.utf8))
        }
    }

    /// Writes `records` as JSONL, keys sorted, replacing the file whole.
    static func write(_ records: [LabRecord], to path: URL) throws {
        let encoder = JSONCoding.line
        let lines = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: path, options: .atomic)
    }
}
