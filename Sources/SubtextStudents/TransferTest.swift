import Foundation
import SubtextCorpus
import SubtextModels
import SubtextProbes
import SubtextSupport

/// The transfer test: does a student of the teacher's data prefer a trait more than students of
/// the control data do, by more than training alone moves a student?
///
/// Students of one base, trained alike, each with its own seed (so its own initialisation and
/// order): one on the teacher's data and `controlStudents` on the control's. If the teacher's data
/// carries nothing, the teacher student is one more control student; the control students'
/// spread is the noise it is tested against (`ModeratedPredictionTest`). Each student is read
/// exactly on the battery, in process.
package struct TransferTest {
    package var base: String
    package var teacher: [String]
    package var control: [String]
    package var battery: Battery
    package var batteryPath: String
    package var settings: StudentSettings
    package var teacherModel: String?
    package var readOptions = ReadOptions()
    package var libraryDirectory: String
    package var threads: Int
    package var out: String
    /// At least two; three by default, the fewest whose spread the traits can usefully pool.
    package var controlStudents = 3

    package init(
        base: String, teacher: [String], control: [String], battery: Battery, batteryPath: String,
        settings: StudentSettings, teacherModel: String? = nil, libraryDirectory: String, threads: Int, out: String
    ) {
        (self.base, self.teacher, self.control, self.battery, self.batteryPath) = (
            base, teacher, control, battery, batteryPath
        )
        (self.settings, self.teacherModel, self.libraryDirectory, self.threads, self.out) = (
            settings, teacherModel, libraryDirectory, threads, out
        )
    }

    /// The students by role, with their data and seed.
    var roles: [(role: String, data: [String], seed: UInt64)] {
        [("teacher", teacher, settings.seed)]
            + (1...controlStudents).map { ("control \($0)", control, settings.seed &+ UInt64($0)) }
    }

    /// Trains (or resumes) each student under OUT/students/ROLE, reads each on the battery, and compares them.
    package func run(log: (String) -> Void = { _ in }, showProgress: Bool = false) throws -> TransferResult {
        let started = Date()
        precondition(controlStudents >= 2, "the transfer test needs at least two control students")
        try checkSpelling()
        var students: [TransferResult.Student] = []
        var shares: [[[Double]]] = []
        for (role, data, seed) in roles {
            var settings = self.settings
            settings.seed = seed
            // The control students learn the base's own replies: the teacher's system prompt
            // applies to soft labels of the teacher's data only.
            if role != "teacher" { settings.teacherSystem = nil }
            let directory = out + "/students/" + role.replacingOccurrences(of: " ", with: "-")
            var student = StudentRun(
                base: base, data: data, settings: settings, teacherModel: role == "teacher" ? teacherModel : nil,
                libraryDirectory: libraryDirectory, threads: threads, out: directory)
            student.readOptions = readOptions
            log("transfer: training the \(role) student")
            let result = try student.run(log: log, showProgress: showProgress)
            students.append(TransferResult.Student(role: role, directory: DisplayPath.of(directory), result: result))
            let scorer = try LlamaScorer(
                model: result.outputs.contains(StudentRun.mergedName) ? directory + "/" + StudentRun.mergedName : base,
                libraryDirectory: libraryDirectory, contextTokens: 512, threads: threads, exactAttention: true)
            if result.outputs.contains(StudentRun.adapterName) {
                try scorer.useAdapter(directory + "/" + StudentRun.adapterName)
            }
            log("transfer: reading the \(role) student on \(battery.id)")
            shares.append(CandidateProbe.logShares(try CandidateProbe.read(battery, scorer: scorer)))
        }
        let compared = TransferResult.traits(
            names: battery.candidates.map(\.name), student: shares[0],
            controls: Array(shares.dropFirst()), seed: settings.seed)
        return TransferResult(
            battery: DisplayPath.of(batteryPath), paraphrases: battery.prompts.count, students: students,
            noiseDegreesOfFreedom: compared.noiseDegreesOfFreedom, traits: compared.traits,
            seconds: Date().timeIntervalSince(started))
    }

    /// Refuses a battery with a candidate the base's tokenizer cannot spell (it would score nothing).
    private func checkSpelling() throws {
        let scorer = try LlamaScorer(model: base, libraryDirectory: libraryDirectory, contextTokens: 64, threads: 1)
        for form in battery.scoredForms where scorer.tokenize(form, special: false).isEmpty {
            throw StudentError.unusable(
                path: batteryPath, reason: "the base's tokenizer spells the candidate \"\(form)\" as no tokens")
        }
    }
}
