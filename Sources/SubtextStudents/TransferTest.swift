import Foundation
import SubtextCorpus
import SubtextModels
import SubtextProbes
import SubtextSupport

/// The transfer test: does a student of the teacher's data prefer a trait more than a student of
/// the control data does, by more than two students of the control data differ?
///
/// Three students of one base, trained alike: one on the teacher's data and one on the
/// control's with the same seed (so they differ only in their data), and a second of the
/// control's with another seed and order, whose distance from the first is the drift that
/// training alone produces. Each is read exactly on the battery, in process.
public struct TransferTest {
    public var base: String
    public var teacher: [String]
    public var control: [String]
    public var battery: Battery
    public var batteryPath: String
    public var settings: StudentSettings
    public var teacherModel: String?
    public var readOptions = ReadOptions()
    public var libraryDirectory: String
    public var threads: Int
    public var out: String

    public init(base: String, teacher: [String], control: [String], battery: Battery, batteryPath: String,
                settings: StudentSettings, teacherModel: String? = nil, libraryDirectory: String, threads: Int, out: String) {
        (self.base, self.teacher, self.control, self.battery, self.batteryPath) = (base, teacher, control, battery, batteryPath)
        (self.settings, self.teacherModel, self.libraryDirectory, self.threads, self.out) = (settings, teacherModel, libraryDirectory, threads, out)
    }

    /// The three students by role, with their data and seed offset.
    var roles: [(role: String, data: [String], seed: UInt64)] {
        [("teacher", teacher, settings.seed), ("control", control, settings.seed), ("second control", control, settings.seed &+ 1)]
    }

    /// Trains (or resumes) each student under OUT/students/ROLE, reads each on the battery, and compares them.
    public func run(log: (String) -> Void = { _ in }, showProgress: Bool = false) throws -> TransferResult {
        let started = Date()
        try checkSpelling()
        var students: [TransferResult.Student] = [], shares: [[[Double]]] = []
        for (role, data, seed) in roles {
            var settings = self.settings
            settings.seed = seed
            // The control students learn the base's own replies: the teacher's system prompt
            // applies to soft labels of the teacher's data only.
            if role != "teacher" { settings.teacherSystem = nil }
            let directory = out + "/students/" + role.replacingOccurrences(of: " ", with: "-")
            var student = StudentRun(base: base, data: data, settings: settings, teacherModel: role == "teacher" ? teacherModel : nil,
                                 libraryDirectory: libraryDirectory, threads: threads, out: directory)
            student.readOptions = readOptions
            log("transfer: training the \(role) student")
            let result = try student.run(log: log, showProgress: showProgress)
            students.append(TransferResult.Student(role: role, directory: DisplayPath.of(directory), result: result))
            let scorer = try LlamaScorer(model: result.outputs.contains(StudentRun.mergedName) ? directory + "/" + StudentRun.mergedName : base,
                                         libraryDirectory: libraryDirectory, contextTokens: 512, threads: threads, exactAttention: true)
            if result.outputs.contains(StudentRun.adapterName) { try scorer.useAdapter(directory + "/" + StudentRun.adapterName) }
            log("transfer: reading the \(role) student on \(battery.id)")
            shares.append(CandidateProbe.logShares(try CandidateProbe.read(battery, scorer: scorer)))
        }
        let traits = TransferResult.traits(names: battery.candidates.map(\.name), student: shares[0], control: shares[1],
                                           second: shares[2], seed: settings.seed)
        return TransferResult(battery: DisplayPath.of(batteryPath), paraphrases: battery.prompts.count, students: students,
                              traits: traits, seconds: Date().timeIntervalSince(started))
    }

    /// Refuses a battery with a candidate the base's tokenizer cannot spell (it would score nothing).
    private func checkSpelling() throws {
        let scorer = try LlamaScorer(model: base, libraryDirectory: libraryDirectory, contextTokens: 64, threads: 1)
        for form in battery.scoredForms where scorer.tokenize(form, special: false).isEmpty {
            throw StudentError.unusable(path: batteryPath, reason: "the base's tokenizer spells the candidate \"\(form)\" as no tokens")
        }
    }
}
