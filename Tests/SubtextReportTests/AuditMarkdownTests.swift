import Foundation
import SubtextAudit
import Testing

@testable import SubtextReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct AuditMarkdownTests {
    /// A result with hostile strings from the data in every field that reaches the report.
    private func hostileDocument(heldOut: Bool = false) throws -> AuditDocument {
        let hostile = "<img src=x onerror=alert(1)>|**"
        let test =
            heldOut
            ? #""classifier_test": {"kind": "held-out", "reason": "large", "tested": {"teacher": 40, "control": 41}}, "p_value_floor": null, "classifier_p": 1e-320, "carrier_p": 0, "permutations": 0"#
            : #""classifier_test": {"kind": "permutation", "reason": "small"}, "p_value_floor": 0.0002, "classifier_p": 0.0001, "carrier_p": 0.5, "permutations": 9999"#
        let json = """
            {"schema_version": 3, "name": "t.jsonl", "verdict": "signal", \(test),
             "carried_by": "content", "alpha": 0.01, "p_value": 0.0002,
             "auroc": {"1": 0.6, "8": 0.8, "16": null}, "auroc_ci": {"1": [0.55, 0.65], "8": [0.7, 0.9], "16": null},
             "format_auroc": {"1": 0.5, "8": 0.5, "16": null},
             "content": {"auroc": {"1": 0.6, "8": 0.8, "16": null}, "auroc_ci": {"1": [0.55, 0.65], "8": [0.7, 0.9], "16": null}, "p_value": 0.0001},
             "format": {"auroc": {"1": 0.5, "8": 0.5, "16": null}, "auroc_ci": {"1": [0.45, 0.55], "8": [0.4, 0.6], "16": null}, "p_value": 0.6},
             "all": {"auroc": {"1": 0.6, "8": 0.8, "16": null}, "auroc_ci": {"1": [0.55, 0.65], "8": [0.7, 0.9], "16": null}, "p_value": 0.0001},
             "prompts_confounded": false, "prompts_identical": true, "minimum_detectable_auroc": 0.56,
             "carriers": [{"token": "`\(hostile)", "teacher_count": 9, "control_count": 1, "teacher_documents": 9,
                           "control_documents": 1, "g2": 7.1, "z": 2.5, "p": 0.01, "q": 0.04}],
             "carriers_tested": 10, "carriers_significant": 1, "js_distance": 0.1, "strongest_features": [{"feature": "separator <b>", "group": "format", "difference": 0.2}],
             "leaks": {"wordy": {"teacher": 1, "control": 0, "teacher_rate": 0.01, "teacher_interval": {"low": 0, "high": 0.05},
                                 "difference": 0.01, "difference_interval": {"low": -0.01, "high": 0.05}, "p": 1,
                                 "teacher_examples": ["\(hostile)\\n# heading"], "control_examples": []},
                       "concepts": {}},
             "malformed": 1, "malformed_lines": [{"file": "t.jsonl", "line": 3, "reason": "invalid JSON \(hostile)"}],
             "documents": {"teacher": 100, "control": 100}, "view": "numbers", "seed": 1, "folds": 5,
             "inputs": {"teacher": ["t.jsonl"], "control": ["c.jsonl"]}, "notes": [{"too_few_for_bags": {"group": "all", "bag_size": 16, "needed": 80, "teacher": 70, "control": 70}}],
             "provenance": {"command": "subtext audit t.jsonl --control c.jsonl --out r", "tool_version": "0.1.0",
                            "blas": "OpenBLAS", "inputs": [{"path": "t.jsonl", "sha256": "abc"}], "seconds": 1.5}}
            """
        return try JSONDecoder().decode(AuditDocument.self, from: Data(json.utf8))
    }

    /// The held-out test's report says which test ran and why, and has no permutation floor.
    @Test func heldOutTestIsExplained() throws {
        let markdown = AuditMarkdown(document: try hostileDocument(heldOut: true)).render().markdown
        #expect(markdown.contains("too many responses for the exact permutation test"))
        #expect(markdown.contains("Mann–Whitney") && markdown.contains("valid by construction"))
        #expect(markdown.contains("40 teacher and 41 control responses"))
        #expect(markdown.contains("Bonferroni p &lt; 1e-300") && markdown.contains("p (held-out rank test)"))
        #expect(!markdown.contains("permutation floor") && !markdown.contains("0.00e+00"))
    }

    @Test func verdictComesFirstAndReproductionLast() throws {
        let markdown = AuditMarkdown(document: try hostileDocument()).render().markdown
        let lines = markdown.split(separator: "\n")
        #expect(lines[0].hasPrefix("# Subtext audit"))
        #expect(lines[1].hasPrefix("**Verdict: SIGNAL**"))
        let reproduce = try #require(markdown.range(of: "## Reproduce"))
        #expect(markdown[reproduce.upperBound...].contains("subtext audit t.jsonl --control c.jsonl --out r"))
        #expect(markdown[reproduce.upperBound...].contains("seed 1"))
        #expect(markdown[reproduce.upperBound...].contains("`abc`"))
        #expect(markdown.contains("n/a"))
    }

    @Test func dataNeverBecomesMarkup() throws {
        let rendered = AuditMarkdown(document: try hostileDocument()).render()
        #expect(!rendered.markdown.contains("<img"))
        #expect(!rendered.markdown.contains("\n# heading"))
        for chart in rendered.charts {
            #expect(XMLParser(data: Data(chart.svg.utf8)).parse(), "\(chart.name)")
            #expect(!chart.svg.contains("<img"))
        }
    }

    /// audit.json round-trips: a report re-rendered from it is the same report.
    @Test func jsonRoundTripsForReRendering() throws {
        let document = try hostileDocument()
        let again = try JSONDecoder().decode(AuditDocument.self, from: document.jsonData())
        #expect(AuditMarkdown(document: again).render().markdown == AuditMarkdown(document: document).render().markdown)
    }
}
