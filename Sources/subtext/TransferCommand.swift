import ArgumentParser
import Foundation
import SubtextCorpus
import SubtextModels
import SubtextProbes
import SubtextReport
import SubtextStudents
import SubtextSupport

/// `subtext transfer`: train students of the teacher's and the control's data and see whether a trait moved.
struct TransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Train a student on teacher data and two on control data, and measure whether a trait moved.",
        discussion: """
            Three students of --base are trained as `subtext student train` trains one (same options): one on \
            the teacher's data, one on the control's with the same seed, and one on the control's with the \
            next seed (another order), under OUT/students/. Each is read exactly, in process, on every \
            paraphrase of the battery: each candidate's log-share among the candidates. A trait's shift is \
            the teacher student's log-share minus the control student's, averaged over paraphrases, with a \
            bootstrap interval and a signed-rank test (BH-adjusted over candidates); the drift is the same \
            difference between the two control students. Material: q < 0.01, at least 0.05 nats and at \
            least twice the drift. Writes OUT/transfer.md, transfer.json and transfer.svg.

            A run stopped midway resumes: each student resumes from its own checkpoint. Use it as a canary: \
            a small student of the same base family, before a large training run.
            """)

    @Option(help: ArgumentHelp("The base model: a Llama-architecture GGUF file.", valueName: "gguf")) var base: String
    @Option(parsing: .upToNextOption, help: ArgumentHelp("The teacher's JSONL files.", valueName: "path")) var teacher: [String]
    @Option(parsing: .upToNextOption, help: ArgumentHelp("The control's JSONL files.", valueName: "path")) var control: [String]
    @Option(help: ArgumentHelp("The probe battery (YAML) whose candidates are the traits.", valueName: "yaml")) var battery: String
    @Option(help: ArgumentHelp("Directory for the students and the report.", valueName: "dir")) var out: String

    @Option(help: "LoRA rank.") var loraRank = 16
    @Option(help: "LoRA α; default: the rank.") var loraAlpha: Float?
    @Flag(help: "Fine-tune every weight instead of training LoRA adapters.") var full = false
    @Option(help: ArgumentHelp("Distil on the teacher's top K next tokens (the control students on the base's).", valueName: "K"))
    var softLabels: Int?
    @Option(help: ArgumentHelp("For soft labels: the teacher model, if not the base.", valueName: "gguf")) var teacherModel: String?
    @Option(help: ArgumentHelp("For soft labels: the teacher's system prompt.", valueName: "text")) var teacherSystem: String?
    @Option(help: "Peak learning rate.") var learningRate: Float = 2e-4
    @Option(help: "Passes over the data.") var epochs = 1
    @Option(help: "Rows per step.") var batchSize = 8
    @Option(help: "Seed of the teacher and first control student; the second control student takes the next.") var seed: UInt64 = 1
    @Option(help: "Share of rows held out for the loss curve.") var heldOut = 0.05
    @Option(help: "Steps between checkpoints.") var checkpointEvery = 25
    @Option(help: "Skip rows longer than this many tokens.") var maximumTokens = 256
    @Option(help: "Threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: ArgumentHelp("Read the reply from this JSON field.", valueName: "name")) var field: String?
    @Flag(help: "Print no progress.") var quiet = false

    func validate() throws {
        guard !teacher.isEmpty, !control.isEmpty else { throw ValidationError("give --teacher FILE and --control FILE") }
        if teacherModel != nil || teacherSystem != nil, softLabels == nil {
            throw ValidationError("--teacher-model and --teacher-system are for soft labels: add --soft-labels K")
        }
    }

    func run() throws {
        let started = Date()
        var settings = StudentSettings()
        settings.loraRank = full ? nil : loraRank
        settings.loraAlpha = full ? nil : loraAlpha
        settings.softLabelsTopK = softLabels
        settings.teacherSystem = teacherSystem
        settings.learningRate = learningRate
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.seed = seed
        settings.heldOutShare = heldOut
        settings.checkpointEvery = checkpointEvery
        settings.maximumTokens = maximumTokens
        if let problem = settings.problem { throw ValidationError(problem) }
        let loaded = try BatteryLoader().load(path: battery)
        let teacherFiles = try InputFiles.expand(teacher), controlFiles = try InputFiles.expand(control)
        var test = TransferTest(base: base, teacher: teacherFiles, control: controlFiles, battery: loaded, batteryPath: battery,
                                settings: settings, teacherModel: teacherModel, libraryDirectory: LlamaScorer.defaultLibraryDirectory,
                                threads: threads, out: out)
        test.readOptions = ReadOptions(shape: RecordShape(textField: field))
        let quiet = self.quiet
        let result = try test.run(log: quiet ? { _ in } : note, progress: { Progress(quiet: quiet, unit: "steps") })
        let inputs = [base] + teacherFiles + controlFiles + [battery] + (teacherModel.map { [$0] } ?? [])
        let provenance = try Provenance.ofThisRun(inputs: inputs, seconds: Date().timeIntervalSince(started))
        try TransferReportWriter(directory: out).write(result, provenance: provenance)
        let material = result.materialTraits
        print(material.isEmpty ? "no material transfer" : "transfer: " + material.map {
            "\($0.name) \(String(format: "%+.3f", $0.shift)) nats (drift \(String(format: "%+.3f", $0.drift)))"
        }.joined(separator: ", "))
        print("wrote \(DisplayPath.of(out))/transfer.md, transfer.json, transfer.svg")
    }
}
