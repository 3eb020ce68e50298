import Foundation
import SubtextAudit
import SubtextCorpus
import SubtextSupport
import SubtextTasks

/// Cleans a teacher dataset of its hidden channel and audits what is left.
///
/// Every transform applies to the control as well, with the same seed and the same drop rule:
/// the "after" audit then compares like with like, so a transform that merely changes how the
/// data looks (commas for spaces) cannot pass for a channel, or hide one. The files are read
/// as streams, a few times each; memory holds one score per response only while a drop
/// threshold is set.
package struct Sanitizer: Sendable {
    package var transforms: [Transform]
    package var seed: UInt64
    /// The share of teacher responses `drop` removes; the control goes through the same threshold.
    package var dropBudget: Double
    /// What `drop` scores by when it fits its own rule.
    package var dropBy: DropScore
    /// A saved rule to drop by instead of fitting one, and where it came from.
    package var savedRule: (rule: DropRule, path: String)?
    package var readOptions: ReadOptions
    package var audit: AuditConfiguration
    /// `remap` permutes 0...`remapLargest` (see ``NumberListRewriter``).
    package var remapLargest = 999
    /// What `divergence` reads with, the names of the base model and of the teacher model (nil
    /// when the base is the teacher too) for the manifest, and the journal that keeps what it
    /// read (nil keeps none); without it `divergence` is refused.
    package var divergence:
        (tokens: DivergenceTokens, model: String, teacherModel: String?, journal: DivergenceJournal?)?
    /// The share of the teacher's number tokens `divergence` replaces; the control's tokens go
    /// through the same threshold.
    package var divergenceShare = 0.1

    package init(
        transforms: [Transform], seed: UInt64 = 1, dropBudget: Double = 0.3, dropBy: DropScore = .classifier,
        savedRule: (rule: DropRule, path: String)? = nil, readOptions: ReadOptions = ReadOptions(),
        audit: AuditConfiguration = AuditConfiguration()
    ) {
        self.transforms = Array(Set(transforms)).sorted()
        (self.seed, self.dropBudget, self.dropBy, self.savedRule, self.readOptions, self.audit) = (
            seed, dropBudget, dropBy, savedRule, readOptions, audit
        )
    }

    /// Writes `directory/teacher.jsonl` (and `control.jsonl`), `drop-rule.json` when a rule is
    /// fitted, and returns what was done and both audits.
    package func run(
        teacher: String, control: String?, directory: String,
        log: (String) -> Void = { _ in }
    ) throws -> SanitizeResult {
        if transforms.contains(.divergence), divergence == nil { throw SanitizeError.divergenceNeedsModels }
        if transforms.contains(.drop), control == nil { throw SanitizeError.dropNeedsControl }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let family = try ResponseValidity.family(of: teacher, readOptions: readOptions)
        let validity = ResponseValidity(family: family)
        let sides = [("teacher", teacher)] + (control.map { [("control", $0)] } ?? [])
        let file = { (name: String) in (directory as NSString).appendingPathComponent(name) }
        let output = { (side: String) in file("\(side).jsonl") }
        let staging = { (side: String) in file(".\(side).rewritten.jsonl") }
        let heldOut = { (side: String) in file(".\(side).held-out.jsonl") }
        let dropping = transforms.contains(.drop)

        var replaced: [[[DivergenceTokens.Candidate]?]] = []
        var divergenceSummary: DivergenceSummary?
        if transforms.contains(.divergence), let divergence {
            if let journal = divergence.journal, journal.count > 0 {
                log("\(journal.count) responses read before, in \(DisplayPath.of(journal.path))")
            }
            replaced = try sides.map { side, input in
                try divergenceCandidates(
                    input, side: side, with: divergence.tokens, journal: divergence.journal, log: log)
            }
            let teacherTokens = replaced[0].compactMap { $0 }.flatMap { $0 }.map(\.divergence)
            divergenceSummary = DivergenceSummary(
                model: divergence.model, teacherModel: divergence.teacherModel,
                teacherSystem: divergence.tokens.teacherSystem,
                share: divergenceShare,
                threshold: DropRule.threshold(teacherTokens, budget: divergenceShare),
                tokensScored: Dictionary(
                    uniqueKeysWithValues: zip(sides.map(\.0), replaced.map { $0.compactMap { $0 }.joined().count })))
            try writeDivergenceTokens(zip(sides.map(\.0), replaced), to: file("divergence-tokens.jsonl"))
        }

        var manifests: [SideManifest] = []
        for (index, (side, input)) in sides.enumerated() {
            log("rewriting \(side): \(transforms.map(\.rawValue).joined(separator: ", "))")
            var manifest = try rewrite(
                input, to: dropping ? staging(side) : output(side), validity: validity,
                replacing: divergenceSummary.map { (replaced[index], $0.threshold) })
            manifest.output = DisplayPath.of(output(side))
            manifests.append(manifest)
        }

        var drop: DropSummary?
        var auditedAfter = (teacher: output("teacher"), control: output("control"))
        var afterScope = AfterScope.all
        if dropping {
            let scores = try dropScores(
                teacher: staging("teacher"), control: staging("control"), directory: directory, log: log)
            let threshold = DropRule.threshold(scores.teacher, budget: dropBudget)
            drop = DropSummary(
                rule: savedRule.map { DisplayPath.of($0.path) } ?? "fitted", by: scores.rule.by,
                budget: dropBudget, threshold: threshold, fittedOn: scores.rule.fittedOn)
            log("dropping teacher responses scored above \(String(format: "%.3f", threshold))")
            // The held-out half's files are what the "after" audit reads when the rule was fitted here.
            let halves = scores.halves
            var dropped = Set<PromptPairs.Key>()
            manifests[0].rowsDropped = try copy(
                staging("teacher"), to: output("teacher"),
                heldOut: halves.map { (heldOut("teacher"), $0.teacher) }
            ) { index, key in
                guard scores.teacher[index] > threshold else { return true }
                if let key { dropped.insert(key) }
                return false
            }
            manifests[0].rowsOut -= manifests[0].rowsDropped
            manifests[1].rowsDropped = try copy(
                staging("control"), to: output("control"),
                heldOut: halves.map { (heldOut("control"), $0.control) }
            ) { _, key in
                key.map { !dropped.contains($0) } ?? true
            }
            manifests[1].rowsOut -= manifests[1].rowsDropped
            for (side, _) in sides { try FileManager.default.removeItem(atPath: staging(side)) }
            if halves != nil {
                auditedAfter = (heldOut("teacher"), heldOut("control"))
                afterScope = .heldOutHalf
            }
        }
        for (index, (side, _)) in sides.enumerated() {
            manifests[index].validAfter = try validity.count(output(side), readOptions: readOptions).valid
        }

        var before: AuditSnapshot?
        var after: AuditSnapshot?
        if let control {
            let auditor = Auditor(configuration: audit)
            log("auditing the teacher against the control as given")
            before = AuditSnapshot(
                try auditor.audit(teacherFiles: [teacher], controlFiles: [control], readOptions: readOptions))
            log(
                "auditing the sanitized teacher against the sanitized control"
                    + (afterScope == .all ? "" : ", on the half the drop rule did not see"))
            after = AuditSnapshot(
                try auditor.audit(
                    teacherFiles: [auditedAfter.teacher], controlFiles: [auditedAfter.control],
                    readOptions: readOptions))
        }
        if afterScope != .all {
            for side in ["teacher", "control"] { try FileManager.default.removeItem(atPath: heldOut(side)) }
        }
        let teacherManifest = manifests[0]
        return SanitizeResult(
            transforms: transforms, seed: seed, family: family, divergence: divergenceSummary, drop: drop,
            teacher: teacherManifest,
            control: manifests.count > 1 ? manifests[1] : nil, rowsIn: teacherManifest.rowsIn,
            rowsOut: teacherManifest.rowsOut,
            validShare: teacherManifest.rowsOut == 0
                ? 0 : Double(teacherManifest.validAfter) / Double(teacherManifest.rowsOut),
            before: before, after: after, afterScope: afterScope)
    }

    /// Each response's number tokens with their divergence, in file order (nil for a response
    /// that is not a number list, or that the model's tokens do not spell back), each recorded
    /// in `journal` as it is read.
    private func divergenceCandidates(
        _ input: String, side: String, with tokens: DivergenceTokens, journal: DivergenceJournal?,
        log: (String) -> Void
    ) throws -> [[DivergenceTokens.Candidate]?] {
        var total = 0
        try JSONLReader(path: input, options: readOptions).read { _ in total += 1 }
        log("reading \(total) \(side) responses with the teacher's system prompt and without")
        var candidates: [[DivergenceTokens.Candidate]?] = []
        let started = Date()
        try JSONLReader(path: input, options: readOptions).read { record in
            let prompt = record.prompt.map { String(decoding: $0, as: UTF8.self) }
            let response = String(decoding: record.text, as: UTF8.self)
            let read = { try tokens.candidates(prompt: prompt, response: response) }
            candidates.append(
                try journal.map { try $0.candidates(prompt: prompt, response: response, read: read) } ?? read())
            if candidates.count % 100 == 0 || candidates.count == total {
                let left =
                    Date().timeIntervalSince(started) / Double(candidates.count) * Double(total - candidates.count)
                log(
                    "\(side): \(candidates.count) of \(total) read"
                        + (candidates.count < total ? ", about \(Int(left / 60) + 1) min left" : ""))
            }
        }
        return candidates
    }

    /// Writes each response's number tokens with their divergence, one line a response in file
    /// order (`{side, row, candidates}`, row counting records from 1), so that a script can use
    /// what was read without rebuilding the journal's keys.
    private func writeDivergenceTokens(
        _ sides: Zip2Sequence<[String], [[[DivergenceTokens.Candidate]?]]>,
        to path: String
    ) throws {
        struct Line: Encodable {
            var side: String
            var row: Int
            var candidates: [DivergenceTokens.Candidate]?
        }
        var data = Data()
        for (side, responses) in sides {
            for (index, candidates) in responses.enumerated() {
                data +=
                    try JSONCoding.line.encode(Line(side: side, row: index + 1, candidates: candidates))
                    + Data("\n".utf8)
            }
        }
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw SanitizeError.cannotWrite(path)
        }
    }

    /// Streams `input` to `path` with each response rewritten (its divergence tokens first,
    /// when `replacing` gives them by row), counting what changed and how many responses were
    /// valid before.
    private func rewrite(
        _ input: String, to path: String, validity: ResponseValidity,
        replacing: (rows: [[DivergenceTokens.Candidate]?], threshold: Double)? = nil
    ) throws -> SideManifest {
        let rewriter = NumberListRewriter(transforms: transforms, seed: seed, largestValue: remapLargest)
        let records = RecordRewriter(shape: readOptions.shape)
        let writer = try LineFileWriter(path: path)
        var rows = 0
        var responsesChanged = 0
        var valuesChanged = 0
        var valid = 0
        var tokensChanged = 0
        let summary = try JSONLReader(path: input, options: readOptions).read { record in
            rows += 1
            if validity.isValid(String(decoding: record.text, as: UTF8.self)) { valid += 1 }
            var changed = 0
            let candidates = replacing.flatMap { $0.rows[rows - 1] }
            let line = try records.rewrite(record.json) { original in
                var text = original
                if let candidates, let threshold = replacing?.threshold {
                    let replaced = DivergenceTokens.replacing(candidates, above: threshold, in: text)
                    (text, tokensChanged, changed) = (
                        replaced.text, tokensChanged + replaced.changed, changed + replaced.changed
                    )
                }
                let rewrite = rewriter.rewrite(text)
                changed += rewrite.valuesChanged + (rewrite.text == text ? 0 : 1)
                valuesChanged +=
                    text == original
                    ? rewrite.valuesChanged
                    : NumberListRewriter.valuesChanged(from: original, to: rewrite.text)
                return rewrite.text
            }
            if changed > 0 { responsesChanged += 1 }
            try writer.write(line)
        }
        try writer.finish()
        return SideManifest(
            input: DisplayPath.of(input), output: DisplayPath.of(path), rowsIn: rows, rowsOut: rows,
            rowsDropped: 0, malformedSkipped: summary.malformed.count,
            responsesChanged: responsesChanged, valuesChanged: valuesChanged,
            validBefore: valid, validAfter: 0, tokensChanged: replacing == nil ? nil : tokensChanged)
    }

    /// Each rewritten response's drop score, teacher then control, in file order, and the rule
    /// that gave them. A saved rule scores every response; otherwise each half is scored by a
    /// rule fitted on the other (``CrossFittedDrop``), whose halves come back too, and a rule
    /// fitted on all of it is saved as `drop-rule.json` for new data.
    private func dropScores(teacher: String, control: String, directory: String, log: (String) -> Void)
        throws -> (teacher: [Double], control: [Double], rule: DropRule, halves: (teacher: [Int], control: [Int])?)
    {
        if let saved = savedRule?.rule {
            return (
                try DropRule.scores(teacher, rule: saved.rule, readOptions: readOptions),
                try DropRule.scores(control, rule: saved.rule, readOptions: readOptions), saved, nil
            )
        }
        log("scoring each half of the rewritten data by a \(dropBy.rawValue) rule fitted on the other half")
        let crossFitted = try CrossFittedDrop(by: dropBy, seed: seed, configuration: audit, readOptions: readOptions)
            .scores(teacher: teacher, control: control, scratch: directory)
        log("fitting the drop rule on all of it, for new data")
        let fit = try SignalRule.fit(
            teacher: .file(teacher), control: .file(control), configuration: audit,
            readOptions: readOptions)
        let rule = DropRule(
            by: dropBy, rule: dropBy == .classifier ? fit.classifier : fit.carriers,
            fittedOn: ["teacher": fit.teacherResponses, "control": fit.controlResponses])
        try writeReportFiles([("drop-rule.json", try JSONCoding.document.encode(rule))], to: directory)
        return (
            crossFitted.teacher.scores, crossFitted.control.scores, rule,
            (crossFitted.teacher.halves, crossFitted.control.halves)
        )
    }

    /// Copies the responses of `input` for whose index (in file order) and prompt pair key
    /// `keep` holds, and those of them in half 1 to `heldOut` as well; returns how many it left out.
    private func copy(
        _ input: String, to path: String, heldOut: (path: String, halves: [Int])?,
        keep: (Int, PromptPairs.Key?) -> Bool
    ) throws -> Int {
        let writer = try LineFileWriter(path: path)
        let heldOutWriter = try heldOut.map { try LineFileWriter(path: $0.path) }
        var index = 0
        var dropped = 0
        var pairs = PromptPairs()
        try JSONLReader(path: input, options: readOptions).read { record in
            if keep(index, pairs.key(record.prompt)) {
                try writer.write(Array(record.json))
                if let heldOut, heldOut.halves[index] == 1 { try heldOutWriter?.write(Array(record.json)) }
            } else {
                dropped += 1
            }
            index += 1
        }
        try writer.finish()
        try heldOutWriter?.finish()
        return dropped
    }
}

/// Why sanitizing cannot run.
package enum SanitizeError: Error, CustomStringConvertible, Equatable {
    case dropNeedsControl
    case divergenceNeedsModels
    case cannotWrite(String)
    /// A teacher model divergence cannot read against the base: the file and why.
    case unusableTeacherModel(path: String, reason: String)
    case unknownTransform(String)

    package var description: String {
        switch self {
        case .dropNeedsControl:
            return "drop needs a control: the rule is fitted against it, and the audit after compares with it"
        case .divergenceNeedsModels:
            return
                "divergence needs a model to read every token as the teacher and as the base: give --model with a GGUF file "
                + "(and the teacher's system prompt)"
        case .cannotWrite(let path): return "cannot create \(DisplayPath.of(path))"
        case .unusableTeacherModel(let path, let reason): return "\(DisplayPath.of(path)): \(reason)"
        case .unknownTransform(let name):
            return
                "unknown transform '\(name)'; choose from \(Transform.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
