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
        abstract: "Train a student on teacher data and several on control data, and measure whether a trait moved.",
        discussion: """
            Students of --base are trained as `subtext student train` trains one (same options), each with its \
            own seed (--seed, then the next ones), under OUT/students/: one on the teacher's data and \
            --control-students on the control's. Each is read exactly, in process, on every paraphrase of the \
            battery: each candidate's log-share among the candidates. A trait's shift is the teacher student's \
            log-share minus the control students' mean, averaged over paraphrases. Its noise is the spread \
            between the control students (moderated over the traits, as limma does); p comes from the \
            prediction test against that noise, its null bootstrapped, BH-adjusted over candidates (q). \
            Material: q < 0.01, the paraphrases agreeing (signed-rank q < 0.01), and at least 0.05 nats. \
            More control students make the noise better known and smaller shifts detectable; each costs one \
            more training run. Writes OUT/transfer.md, transfer.json and transfer.svg.

            A run stopped midway resumes: each student resumes from its own checkpoint. Use it as a canary: \
            a small student of the same base family, before a large training run.
            """)

    @OptionGroup var student: StudentOptions
    @Option(parsing: .upToNextOption, help: ArgumentHelp("The teacher's JSONL files.", valueName: "path")) var teacher:
        [String]
    @Option(parsing: .upToNextOption, help: ArgumentHelp("The control's JSONL files.", valueName: "path")) var control:
        [String]
    @Option(help: ArgumentHelp("The probe battery (YAML) whose candidates are the traits.", valueName: "yaml"))
    var battery: String
    @Option(help: ArgumentHelp("Directory for the students and the report.", valueName: "dir")) var out: String
    @Option(
        help: ArgumentHelp("Students trained on the control data, each with its own seed (at least 2).", valueName: "n")
    )
    var controlStudents = 3

    func validate() throws {
        guard !teacher.isEmpty, !control.isEmpty else {
            throw ValidationError("give --teacher FILE and --control FILE")
        }
        guard controlStudents >= 2 else {
            throw ValidationError("--control-students must be at least 2: their spread is the noise")
        }
    }

    func run() throws {
        let started = Date()
        let loaded = try BatteryLoader().load(path: battery)
        let teacherFiles = try InputFiles.expand(teacher)
        let controlFiles = try InputFiles.expand(control)
        var test = TransferTest(
            base: student.base, teacher: teacherFiles, control: controlFiles, battery: loaded, batteryPath: battery,
            settings: student.settings, teacherModel: student.teacherModel,
            libraryDirectory: LlamaScorer.defaultLibraryDirectory, threads: student.threads, out: out)
        test.readOptions = student.readOptions
        test.controlStudents = controlStudents
        let quiet = student.quiet
        let result = try test.run(log: quiet ? { _ in } : note, showProgress: !quiet)
        let inputs =
            [student.base] + teacherFiles + controlFiles + [battery] + (student.teacherModel.map { [$0] } ?? [])
        let provenance = try Provenance.ofThisRun(inputs: inputs, seconds: Date().timeIntervalSince(started))
        try TransferMarkdown(result: result, provenance: provenance).write(to: out)
        let material = result.materialTraits
        print(
            material.isEmpty
                ? "no material transfer"
                : "transfer: "
                    + material.map {
                        "\($0.name) \(String(format: "%+.3f", $0.shift)) nats (q \(String(format: "%.2g", $0.q)), noise \(String(format: "%.3f", $0.noise)))"
                    }.joined(separator: ", "))
        print("wrote \(DisplayPath.of(out))/transfer.md, transfer.json, transfer.svg")
    }
}
