import SubtextAudit
import SubtextCorpus

/// What `subtext audit` measures: the audit of teacher files against control files and, when
/// an attribution is given, the candidates ranked on all the teacher files together and the
/// top carriers' entanglement with each candidate.
package struct AttributedAudit {
    package var auditor: Auditor
    /// The ranking to add; nil audits alone.
    package var attribution: AttributionRun?
    /// Questions the entanglement scan asks after mentioning each carrier.
    package var questions: [String] = []
    /// How many of the top carriers the entanglement scan measures (0: none).
    package var entanglementCarriers = 10
    package var log: (String) -> Void = { _ in }
    /// Hears the audit's passes: responses read so far of all.
    package var auditProgress: @Sendable (_ pass: String, _ done: Int, _ total: Int) -> Void = { _, _, _ in }

    package init(auditor: Auditor, attribution: AttributionRun? = nil) {
        self.auditor = auditor
        self.attribution = attribution
    }

    package func run(
        teacher: [String], control: [String], readOptions: ReadOptions, directory: String,
        progress: @escaping (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws
        -> (result: AuditResult, attribution: LikelihoodShift.Result?, entanglement: [EntanglementScan.Lift]?)
    {
        let inputs = AuditInputs(teacher: teacher.map(ResponseInput.file), control: control.map(ResponseInput.file))
        let result = try auditor.audit(inputs, readOptions: readOptions, log: log, responses: auditProgress)
        guard let attribution else { return (result, nil, nil) }
        let (ranked, scorer) = try attribution.run(
            teacher: teacher, control: control, readOptions: readOptions,
            directory: directory, progress: progress)
        let carriers = result.carriers.prefix(entanglementCarriers).map(\.token)
        guard !carriers.isEmpty else { return (result, ranked, nil) }
        log("entanglement: \(carriers.count) carriers × \(attribution.concepts.count) concepts")
        let lifts = try EntanglementScan(scorer: scorer, questions: questions).scan(
            carriers: carriers, concepts: attribution.concepts)
        return (result, ranked, lifts)
    }
}
