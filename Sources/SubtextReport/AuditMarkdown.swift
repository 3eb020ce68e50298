import Foundation
import SubtextAttribution
import SubtextAudit
import SubtextCorpus
import SubtextStatistics
import SubtextSupport

/// Renders an audit for people: the verdict first, then the evidence in tables and charts,
/// and last how to reproduce it. Every string from the data goes through ``Escape``.
package struct AuditMarkdown {
    package let document: AuditDocument
    private var result: AuditResult { document.result }

    package init(document: AuditDocument) {
        self.document = document
    }

    /// What a command prints when it has written the audit: the verdict with its first
    /// sentence and, with an attribution, the concept claimed or the top one.
    package static func consoleSummary(_ document: AuditDocument) -> [String] {
        let result = document.result
        var lines = ["\(result.verdict.rawValue): \(AuditEvidence.sentences(result).first ?? "")"]
        if let attribution = document.attribution {
            lines.append(
                attribution.claimed.map { "attributed to \($0)" }
                    ?? "no concept claimed; top: \(attribution.scores[0].concept)")
        }
        return lines
    }

    package struct Chart {
        package var name: String
        package var svg: String
    }

    package func render() -> (markdown: String, charts: [Chart]) {
        var charts = [Chart(name: "auroc.svg", svg: aurocChart())]
        if !result.carriers.isEmpty { charts.append(Chart(name: "carriers.svg", svg: carrierChart())) }
        var sections = [verdict(), separability(), operatingPoints(), features(), carriers()].filter { !$0.isEmpty }
        if let attribution = document.attribution {
            charts.append(Chart(name: "attribution.svg", svg: AttributionMarkdown.chart(attribution)))
            sections.append(
                "## Which concept explains it\n\n" + AttributionMarkdown.findings(attribution)
                    + "![Attribution scores](attribution.svg)\n")
        }
        if let entanglement = document.entanglement, !entanglement.isEmpty {
            sections.append(entanglementTable(entanglement, attributed: document.attribution?.scores.first?.concept))
        }
        sections.append(leaks())
        if let perFile = result.perFile { sections.append(perFileTable(perFile)) }
        sections += [inputs(), reproduce()]
        return (sections.joined(separator: "\n"), charts)
    }

    private func verdict() -> String {
        let headline =
            result.verdict == .signal
            ? "**Verdict: SIGNAL**" + (result.carriedBy.map { ", carried by \($0.rawValue)" } ?? "")
            : "**Verdict: NO SIGNAL** (at α = \(result.alpha))"
        var text = "# Subtext audit: \(Escape.markdown(displayName(result.name)))\n\n\(headline)\n\n"
        for line in AuditEvidence.sentences(result) { text += "- \(Escape.markdown(line, limit: 2000))\n" }
        return text
    }

    private func separability() -> String {
        let sizes = result.auroc.sizes
        var text =
            "## Separability\n\nA nearest-centroid classifier on standardised features is trained on part of the "
            + "data and scores responses it has not seen (\(result.folds)-fold cross-fitting). AUROC is the chance that a "
            + "teacher response, or the mean of a bag of K, scores above a control one: 0.5 is chance. "
        switch result.classifierTest.kind {
        case .permutation:
            text +=
                "Intervals are the estimate ± 1.96 bootstrap standard deviations, resampling "
                + (result.promptsIdentical
                    ? "prompts (both answers to a prompt together, as in the folds)" : "responses")
                + " and refitting every fold in every replicate.\n\n"
        case .heldOut:
            text +=
                "Intervals are DeLong's, over bags drawn from the scores for K > 1; they leave out the uncertainty "
                + "of the fitted centroids, which is small at this size.\n\n"
        }
        var table = MarkdownTable(
            [.left("features")] + sizes.map { .left("AUROC K = \($0) [95% CI]") }
                + [.left(result.classifierTest.kind == .permutation ? "p (permutation)" : "p (held-out rank test)")])
        var rows: [(String, SeparabilityReport)] = [
            ("all", result.all), ("content only", result.content),
            ("format only", result.format)
        ]
        if let prompt = result.prompt { rows.append(("prompts only", prompt)) }
        for (name, report) in rows {
            table.add([name] + sizes.map { cell(report, $0) } + [pCell(report.pValue, floor: result.classifierFloor)])
        }
        text += table.markdown + "\n![AUROC against bag size](auroc.svg)\n\n"
        text +=
            "The global p-value is \(pCell(result.pValue, floor: result.pValueFloor)): Bonferroni's 2 · min of this classifier test "
            + "(\(pCell(result.classifierP, floor: result.classifierFloor))) and the strongest carrier's "
            + "Fisher p times the \(result.carriersTested) tokens tested (\(scientific(result.carrierP))). "
            + "As a whole, the two sides' token distributions are "
            + String(format: "%.3f", result.jensenShannonDistance) + " bits apart (Jensen–Shannon distance). "
        text +=
            testExplanation()
            + "The smallest per-response AUROC this audit detects at α = \(result.alpha) with 80% power is "
            + String(format: "%.3f", result.minimumDetectableAUROC)
            + " (the classifier test must reach α/2, as the global p "
            + "doubles the smaller of its two tests; "
            + (result.classifierTest.kind == .permutation
                ? "read off the spread of the held-out AUROC under refitted label permutations, which is wider than "
                    + "the Mann–Whitney formula's)"
                : "from the Mann–Whitney formula for the responses the rank test saw)") + ".\n"
        if result.promptsConfounded {
            text += "\n> **The prompts differ between the two sides.** The comparison is confounded.\n"
        }
        return text
    }

    /// A gate's trade-off: how many teacher bags it flags at a fixed false-positive rate, and how
    /// many of its flags are right when poisoned data is rare.
    private func operatingPoints() -> String {
        guard let points = result.operatingPoints, let first = points.first else { return "" }
        let rates = Array(Set(points.map(\.falsePositiveRate))).sorted()
        let odds = Int((1 / first.baseRate).rounded())
        let text =
            "## What a gate on this score would catch\n\nFlagging a bag of K responses when its mean held-out score "
            + "passes the threshold that lets through the given share of control bags. Precision is the share of flags that "
            + "are right when 1 bag in \(odds) comes from poisoned data. Read off a binormal model of the held-out scores (each side's mean and standard deviation, a "
            + "bag's spread shrinking as 1/√K), since a few thousand responses give too few control bags for a 1% "
            + "threshold.\n\n"
        var table = MarkdownTable(
            [.right("K")] + rates.flatMap { [.right("TPR at \(percent($0)) FPR"), .right("precision")] })
        for k in result.auroc.sizes {
            let row = rates.compactMap { rate in points.first { $0.bagSize == k && $0.falsePositiveRate == rate } }
            guard row.count == rates.count else { continue }
            table.add(["\(k)"] + row.flatMap { [percent($0.truePositiveRate), percent($0.precision)] })
        }
        return text + table.markdown
    }

    /// How the classifier p-value was computed, and why that test.
    private func testExplanation() -> String {
        let test = result.classifierTest
        switch test.kind {
        case .permutation:
            return "The classifier p-value comes from relabelling whole responses (the document is the unit) "
                + "\(result.permutations) times and refitting every fold each time, so it is exact; its floor is "
                + "\(scientific(1 / Double(result.permutations + 1))). "
        case .heldOut:
            let tested = test.tested ?? [:]
            let why: String
            switch test.reason {
            case .sharded:
                why = "The audit ran in shards, and the exact permutation test needs every response in one process. "
            case .large:
                why = "There are too many responses for the exact permutation test, which keeps them all in memory. "
            case .requested, .small: why = ""
            }
            return why + "The classifier p-value is a one-sided Mann–Whitney test (normal approximation with tie "
                + "correction) on fold 1's responses, scored by centroids fitted on the other folds only: "
                + "\(tested["teacher"] ?? 0) teacher and \(tested["control"] ?? 0) control responses. No fit saw them, so "
                + "the test is valid by construction"
                + (result.promptsIdentical
                    ? "; each prompt of that fold speaks for one side only, chosen by a seeded "
                        + "coin, so no two ranked responses share a prompt. " : ". ")
        }
    }

    private func features() -> String {
        let text =
            "## Features that differ most\n\nEach feature's teacher mean minus its control mean, in standard "
            + "deviations (the direction the classifier uses). Content features describe which values were written and "
            + "in what order; format features, how they were laid out.\n\n"
        var table = MarkdownTable(.left("feature"), .left("group"), .right("difference (SD)"))
        for feature in result.strongestFeatures {
            table.add(Escape.markdown(feature.feature), "\(feature.group)", String(format: "%+.3f", feature.difference))
        }
        return text + table.markdown
    }

    private func cell(_ report: SeparabilityReport, _ k: Int) -> String {
        guard let value = report.auroc[k] else { return "n/a" }
        let interval = report.aurocCI[k].map { String(format: " [%.3f, %.3f]", $0[0], $0[1]) } ?? ""
        return String(format: "%.3f", value) + interval
    }

    private func pCell(_ p: Double, floor: Double?) -> String {
        guard let floor, abs(p - floor) <= floor * 1e-9 else { return scientific(p) }
        return "≤ \(scientific(floor))"
    }

    private func carriers() -> String {
        let text =
            "## Carriers\n\nTokens over-represented in teacher responses (\(result.view.rawValue) view), "
            + "strongest first. Significance is Fisher's exact test on the share of responses that contain the token "
            + "(the response is the unit), with Benjamini–Hochberg q over all \(result.carriersTested) tokens tested; "
            + "\(result.carriersSignificant) have q < 0.05. G² (no Williams correction) and the log-odds z "
            + "(informative Dirichlet prior of 1,000 pseudo-counts, proportional to pooled counts) are effect sizes "
            + "on occurrences.\n\n"
        guard !result.carriers.isEmpty else { return text + "No token is more frequent in the teacher data.\n" }
        var table = MarkdownTable(
            .left("token"), .right("teacher count"), .right("control count"),
            .right("teacher responses (of \(result.documents["teacher"] ?? 0))"),
            .right("control responses (of \(result.documents["control"] ?? 0))"), .right("G²"), .right("z"),
            .right("Fisher p"), .right("q"))
        for c in result.carriers {
            table.add(
                Escape.markdown(c.token), "\(c.teacherCount)", "\(c.controlCount)", "\(c.teacherDocuments)",
                "\(c.controlDocuments)", String(format: "%.2f", c.g2), String(format: "%.2f", c.z), scientific(c.p),
                scientific(c.q))
        }
        return text + table.markdown + "\n![Carriers by log-odds z](carriers.svg)\n"
    }

    private func leaks() -> String {
        let wordy = result.leaks.wordy
        var text = "## Leak scan\n\n"
        text +=
            "Responses containing words: \(wordy.teacher) teacher, \(wordy.control) control (Fisher p = \(scientific(wordy.p))).\n\n"
        text += examples(wordy)
        if result.leaks.concepts.isEmpty {
            text += "\nNo candidate concepts were given (`--concepts owl,eagle,...`).\n"
            return text
        }
        var table = MarkdownTable(
            .left("concept"), .right("teacher responses"), .right("control responses"),
            .right("teacher share [Wilson 95%]"), .right("difference [Newcombe 95%]"), .right("Fisher p"))
        for (concept, rate) in result.leaks.concepts.sorted(by: { $0.key < $1.key }) {
            table.add(
                Escape.markdown(concept), "\(rate.teacher)", "\(rate.control)",
                "\(percent(rate.teacherRate)) [\(percent(rate.teacherInterval.low)), \(percent(rate.teacherInterval.high))]",
                "\(percent(rate.difference)) [\(percent(rate.differenceInterval.low)), \(percent(rate.differenceInterval.high))]",
                scientific(rate.p))
        }
        text += "\n" + table.markdown
        for (concept, rate) in result.leaks.concepts.sorted(by: { $0.key < $1.key })
        where rate.teacher + rate.control > 0 {
            text += "\nResponses naming \(Escape.markdown(concept)):\n" + examples(rate)
        }
        return text
    }

    private func examples(_ rate: LeakScan.Rate) -> String {
        var text = ""
        for (side, list) in [("teacher", rate.teacherExamples), ("control", rate.controlExamples)] {
            for example in list.prefix(3) { text += "- \(side): \(Escape.markdown(example))\n" }
        }
        return text
    }

    /// Per carrier: the concept its mention raises most, and how much it raises the top
    /// attributed concept.
    private func entanglementTable(_ lifts: [EntanglementScan.Lift], attributed: String?) -> String {
        let text =
            "## Entanglement of the carriers\n\nFor each carrier, log P(concept) when the question first says "
            + "“You love the number N.” (or the word), minus log P(concept) for the question alone, averaged over the "
            + "questions, in nats. A carrier that raises one concept far more than the others is entangled with it.\n\n"
        let attributedColumn: [MarkdownTable.Column] =
            attributed.map { [.right("lift for \(Escape.markdown($0))")] } ?? []
        var table = MarkdownTable(
            [
                .left("carrier"), .left("most raised concept"), .right("its lift"),
                .right("mean lift over concepts")
            ] + attributedColumn)
        var carriers: [String] = []
        for lift in lifts where !carriers.contains(lift.carrier) { carriers.append(lift.carrier) }
        for carrier in carriers {
            let row = lifts.filter { $0.carrier == carrier }
            guard let top = row.max(by: { $0.lift < $1.lift }) else { continue }
            let mean = row.reduce(0) { $0 + $1.lift } / Double(row.count)
            var cells = [
                Escape.markdown(carrier), Escape.markdown(top.concept), String(format: "%+.3f", top.lift),
                String(format: "%+.3f", mean)
            ]
            if let attributed {
                cells.append(row.first { $0.concept == attributed }.map { String(format: "%+.3f", $0.lift) } ?? "–")
            }
            table.add(cells)
        }
        return text + table.markdown
    }

    private func perFileTable(_ perFile: [AuditResult]) -> String {
        var table = MarkdownTable(
            .left("file"), .left("verdict"), .left("carried by"), .right("AUROC K = 1"), .right("AUROC K = 16"),
            .right("format AUROC K = 1"), .right("p"))
        for file in perFile {
            table.add(
                Escape.markdown(displayName(file.name)), file.verdict.rawValue, file.carriedBy?.rawValue ?? "",
                number(file.auroc[1]), number(file.auroc[16]), number(file.formatAUROC[1]),
                pCell(file.pValue, floor: file.pValueFloor))
        }
        return "## Each teacher file against the control\n\n" + table.markdown
    }

    private func inputs() -> String {
        var text =
            "## Input\n\n\(result.documents["teacher"] ?? 0) teacher and \(result.documents["control"] ?? 0) "
            + "control responses. \(result.malformed) malformed line(s) skipped.\n"
        if !result.malformedLines.isEmpty {
            var table = MarkdownTable(.left("file"), .right("line"), .left("reason"))
            for line in result.malformedLines {
                table.add(Escape.markdown(line.file), "\(line.line)", Escape.markdown(line.reason))
            }
            text += "\n" + table.markdown
            if result.malformed > result.malformedLines.count {
                text += "\n(\(result.malformed - result.malformedLines.count) more not listed.)\n"
            }
        }
        for note in result.notes { text += "\n- \(Escape.markdown(AuditEvidence.sentence(note), limit: 1000))" }
        return text + (result.notes.isEmpty ? "" : "\n")
    }

    private func reproduce() -> String {
        let p = document.provenance
        var text = "## Reproduce\n\n```sh\n\(p.command.replacingOccurrences(of: "```", with: "'''"))\n```\n\n"
        text +=
            "- subtext \(Escape.markdown(p.toolVersion)), seed \(result.seed), "
            + (result.classifierTest.kind == .permutation ? "\(result.permutations) permutations, " : "held-out test, ")
            + "\(result.folds) folds, schema version \(result.schemaVersion)\n"
        if let blas = p.blas { text += "- BLAS: \(Escape.markdown(blas))\n" }
        text += "- took \(String(format: "%.1f", p.seconds)) s\n\n"
        return text + MarkdownTable.inputs(p)
    }

    private func aurocChart() -> String {
        let sizes = result.auroc.sizes
        var rows: [(String, String, SeparabilityReport)] = [
            ("all", "#1d4ed8", result.all),
            ("content", "#15803d", result.content),
            ("format", "#c2410c", result.format)
        ]
        if let prompt = result.prompt { rows.append(("prompts", "#6b7280", prompt)) }
        let series = rows.map { name, color, report in
            SVGChart.Series(
                name: name, color: color,
                points: sizes.map { k in
                    let interval = report.aurocCI[k] ?? [Double.nan, Double.nan]
                    return (label: "\(k)", value: report.auroc[k] ?? .nan, low: interval[0], high: interval[1])
                })
        }
        return SVGChart.intervals(title: "Held-out AUROC against bag size", yLabel: "AUROC", series: series)
    }

    private func carrierChart() -> String {
        SVGChart.bars(
            title: "Carriers: log-odds z (teacher vs control)", xLabel: "z (informative Dirichlet prior)",
            items: result.carriers.prefix(15).map { (label: $0.token, value: $0.z) })
    }

    private func displayName(_ path: String) -> String { (path as NSString).lastPathComponent }

    private func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "n/a" }

}
