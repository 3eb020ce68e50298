import Foundation
import SubtextProbes
import SubtextSupport
import Testing

@testable import SubtextReport

/// The committed case example is the fixture: its attribution ranks wolf closest without
/// claiming it, while its probe finds owl.
@Suite struct CaseMarkdownTests {
    private struct Stamped: Decodable { var provenance: Provenance }

    private func example() throws -> (CaseReport, Provenance) {
        let path = CommittedExamplesTests.root.appendingPathComponent("docs/examples/case/case.json").path
        return (
            try JSONFile.decode(CaseReport.self, path: path), try JSONFile.decode(Stamped.self, path: path).provenance
        )
    }

    @Test func anAttributionLeaderThatIsNotTheProbesFindingIsCalledOutOnTheFirstScreen() throws {
        let (report, provenance) = try example()
        let top = try #require(report.attribution?.top)
        let found = report.probes.flatMap(\.foundElsewhere).map(\.category)
        try #require(!found.isEmpty && !found.contains(top), "the example no longer disagrees")
        let text = CaseMarkdown(report: report, provenance: provenance).render()
        let firstScreen = text.components(separatedBy: "\n## ")[0]
        #expect(
            firstScreen.contains(
                "**The parts disagree on the trait.** The attribution ranks \(top) closest but does not claim it"))
        #expect(firstScreen.contains("The probe found **\(found[0])**"))
    }

    @Test func partsThatAgreeSayNothingMore() throws {
        var (report, provenance) = try example()
        report.attribution?.top = try #require(report.probes.first?.foundElsewhere.first?.category)
        #expect(CaseMarkdown(report: report, provenance: provenance).traitDisagreement() == nil)
        #expect(!CaseMarkdown(report: report, provenance: provenance).render().contains("disagree"))
    }
}
