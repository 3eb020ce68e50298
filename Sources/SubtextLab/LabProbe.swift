import Foundation
import SubtextCorpus
import SubtextModels
import SubtextProbes
import SubtextTraining

/// Probes a student and its control student in process through Subtext's probe runner and
/// analysis, journaling in `directory`, and returns the probe's result (for its report) and
/// the comparison in `trait`. `context` adds models asked alongside (the base and the
/// teacher), whose rates are reported.
package func probeComparison(
    _ comparison: LabRun.Comparison, context: [(name: String, model: TinyGPT, system: String?)] = [],
    vocabulary: LabVocabulary, battery: Battery, samples: Int,
    trait: String, directory: URL
) async throws -> (probe: ProbeResult, comparison: LabSummary.Comparison) {
    // The checkpoint names are the model ids, so the journal never serves one model's answers
    // to another.
    let endpoints =
        [
            Endpoint(name: "student", baseURL: "in-process", modelID: comparison.studentName),
            Endpoint(name: "control", baseURL: "in-process", modelID: comparison.controlName)
        ]
        + context.map {
            Endpoint(
                name: $0.name, baseURL: "in-process", modelID: "\(comparison.controlName)/\($0.name)", system: $0.system
            )
        }
    let plan = ProbePlan(battery: battery, endpoints: endpoints, samplesPerPrompt: samples)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let journal = try Journal(path: directory.appendingPathComponent("journal.jsonl").path)
    // One client per model, not per endpoint: a teacher given its trait by a system prompt is
    // the base itself, and two clients of one model would run it on two threads at once.
    var shared: [ObjectIdentifier: LabClient] = [:]
    func client(_ model: TinyGPT) -> LabClient {
        if let existing = shared[ObjectIdentifier(model)] { return existing }
        let made = LabClient(model: model, vocabulary: vocabulary)
        shared[ObjectIdentifier(model)] = made
        return made
    }
    var clients: [String: any ModelClient] = [
        "student": client(comparison.student), "control": client(comparison.control)
    ]
    for extra in context { clients[extra.name] = client(extra.model) }
    let runner = RequestRunner(
        clients: clients,
        journal: journal, reader: AnswerReader(battery: battery), concurrency: 1)
    // Each model's requests form their own queue, so the two models are asked side by side.
    let summary = try await runner.run(
        plan.requests, servers: Dictionary(uniqueKeysWithValues: endpoints.map { ($0.name, $0.name) }))
    let result = ProbeAnalysis().analyse(plan: plan, journal: journal, reference: "control", summary: summary)
    guard let studentRate = result.categories[trait]?["student"], let controlRate = result.categories[trait]?["control"]
    else {
        throw LabError.corpus("the probe analysis has no \(trait) rate; is \(trait) one of \(battery.id)'s candidates?")
    }
    // The analysis tests only categories someone named; when neither student did, they do not differ.
    let shift = result.shifts.first(where: { $0.model == "student" && $0.category == trait })
    return (
        result,
        LabSummary.Comparison(
            name: comparison.name, studentRate: studentRate.rate, studentCount: studentRate.n,
            controlRate: controlRate.rate,
            controlCount: controlRate.n, unit: shift?.unit ?? .share, delta: shift?.delta ?? 0,
            ciLow: shift?.ciLow ?? 0, ciHigh: shift?.ciHigh ?? 0,
            p: shift?.p ?? 1, fisherP: shift?.fisherP,
            baseRate: result.categories[trait]?["base"]?.rate, teacherRate: result.categories[trait]?["teacher"]?.rate)
    )
}

extension LabRun {
    /// One comparison's probe: its name as a folder name (`probe-transfer`, ...), its result,
    /// and how long it took.
    package struct Probe {
        package var slug: String
        package var result: ProbeResult
        package var seconds: Double
    }

    /// The whole organism: every model made or loaded (``run()``), each comparison probed with
    /// `battery` in process (journaled under `probe-<name>` in the run's directory), and the
    /// summary of it all. The transfer comparison also asks the base and the teacher.
    package func runAndProbe(battery: Battery, samples: Int, log: (String) -> Void = { _ in }) async throws
        -> (summary: LabSummary, probes: [Probe])
    {
        let started = Date()
        return try await probe(try run(), battery: battery, samples: samples, started: started, log: log)
    }

    /// Each comparison of a finished ``run()`` probed, and the summary of it all; `started` is
    /// when the run began, for the summary's seconds.
    package func probe(
        _ outcome: Outcome, battery: Battery, samples: Int, started: Date = Date(),
        log: (String) -> Void = { _ in }
    ) async throws -> (summary: LabSummary, probes: [Probe]) {
        var comparisons: [LabSummary.Comparison] = []
        var probes: [Probe] = []
        for comparison in outcome.comparisons {
            log("probing: \(comparison.name)")
            let slug = "probe-" + comparison.name.replacingOccurrences(of: " ", with: "-")
            let context =
                comparison.name == "transfer"
                ? [("base", outcome.base, nil), ("teacher", outcome.teacher, outcome.teacherSystem)] : []
            let probeStarted = Date()
            let (probe, compared) = try await probeComparison(
                comparison, context: context, vocabulary: organisms.vocabulary, battery: battery, samples: samples,
                trait: trait,
                directory: directory.appendingPathComponent(slug))
            probes.append(Probe(slug: slug, result: probe, seconds: Date().timeIntervalSince(probeStarted)))
            comparisons.append(compared)
        }
        let summary = LabSummary(
            seed: seed, trait: trait, settings: organisms.settings, teacherPassRate: outcome.teacherData.passRate,
            controlPassRate: outcome.controlData.passRate,
            teacherRejects: Array(outcome.teacherData.rejected.prefix(10)),
            teacherDivergence: organisms.numberDivergence(
                teacher: outcome.teacher, system: outcome.teacherSystem, base: outcome.base,
                records: outcome.teacherData.records),
            comparisons: comparisons, seconds: Date().timeIntervalSince(started))
        return (summary, probes)
    }
}
