import Foundation
import SubtextReport
import SubtextSanitize
import SubtextSupport
import Testing

@Suite struct SanitizeMarkdownTests {
    /// A sanitize.json as the sanitizer writes it, with the after audit's verdict and carrier given.
    private func result(
        after verdict: String, carrier: String, scope: String = "held-out half",
        divergence: String? = nil
    ) throws -> SanitizeResult {
        let token = String(decoding: try JSONEncoder().encode(carrier), as: UTF8.self)
        let audit = { (verdict: String, p: Double, auroc: Double) in
            """
            {"verdict": "\(verdict)", "p_value": \(p), "auroc": {"1": 0.6, "8": 0.7, "16": \(auroc)},
             "auroc_ci": {"1": [0.5, 0.7], "8": [0.6, 0.8], "16": [\(auroc - 0.1), \(min(1, auroc + 0.1))]},
             "carriers_significant": 1, "teacher_responses": 500, "control_responses": 400,
             "carriers": [{"token": \(token), "teacher_count": 40,
                           "control_count": 2, "teacher_documents": 30, "control_documents": 2, "g2": 40, "z": 5.5,
                           "p": 1e-8, "q": 1e-6}]}
            """
        }
        let side = """
            {"input": "t.jsonl", "output": "out/teacher.jsonl", "rows_in": 1000, "rows_out": 700, "rows_dropped": 300,
             "malformed_skipped": 0, "responses_changed": 10, "values_changed": 12, "valid_before": 1000, "valid_after": 700}
            """
        let json = """
            {"schema_version": 1, "transforms": [\(divergence == nil ? "" : "\"divergence\", ")"sort", "drop"], "seed": 1, "family": "numbers",
             \(divergence.map { "\"divergence\": \($0)," } ?? "")
             "drop": {"rule": "fitted", "by": "classifier", "budget": 0.3, "threshold": 1.5, "fitted_on": {"teacher": 1000, "control": 1000}},
             "teacher": \(side), "control": \(side), "rows_in": 1000, "rows_out": 700, "valid_share": 1,
             "before": \(audit("signal", 1e-9, 0.98)), "after": \(audit(verdict, verdict == "signal" ? 1e-4 : 0.4, 0.55)),
             "after_scope": "\(scope)"}
            """
        return try JSONDecoder().decode(SanitizeResult.self, from: Data(json.utf8))
    }

    @Test func leadsWithWhetherAChannelIsLeftAndAtWhatCost() throws {
        let provenance = try Provenance.ofThisRun(inputs: [], seconds: 1)
        let cleaned = SanitizeMarkdown(result: try result(after: "no-signal", carrier: "747"), provenance: provenance)
            .render()
        #expect(cleaned.markdown.contains("**No channel detected after sort, drop**"))
        #expect(cleaned.markdown.contains("kept 700 of 1000 teacher rows (70.0%)"))
        #expect(cleaned.markdown.contains("| after (held-out half) | no signal |"))
        #expect(cleaned.markdown.contains("it does not prove that a student trained on it learns nothing"))
        #expect(cleaned.chart?.contains("<svg") == true)
        let left = SanitizeMarkdown(
            result: try result(after: "signal", carrier: "7|4`7", scope: "all"), provenance: provenance
        ).render()
        #expect(
            left.markdown.hasPrefix("# Subtext sanitize: what cleaning left\n\n**A channel is left** after sort, drop"))
        #expect(left.markdown.contains("| after | signal |"))
        #expect(left.markdown.contains("## Carriers left"))
        #expect(!left.markdown.contains("7|4`7"), "a carrier from the data reaches the markdown unescaped")
    }

    /// Divergence says which models it read and how: one model with and without the teacher's
    /// system prompt, or a teacher model against its base; names from the user are escaped.
    @Test func divergenceNamesTheModelsItRead() throws {
        let provenance = try Provenance.ofThisRun(inputs: [], seconds: 1)
        let summary = { (teacher: String) in
            #"{"model": "base_f16.gguf", \#(teacher) "share": 0.1, "threshold": 0.02, "tokens_scored": {"teacher": 90, "control": 80}}"#
        }
        let prompted = SanitizeMarkdown(
            result: try result(
                after: "no-signal", carrier: "747",
                divergence: summary(#""teacher_system": "You *love* owls.","#)),
            provenance: provenance
        ).render().markdown
        #expect(
            prompted.contains(
                "through base\\_f16.gguf twice, with the teacher's system prompt (“You \\*love\\* owls.”) and without one"
            ),
            "\(prompted)")
        #expect(prompted.contains("the top 10.0% of the teacher's 90 number tokens"))
        let tuned = SanitizeMarkdown(
            result: try result(
                after: "no-signal", carrier: "747",
                divergence: summary(#""teacher_model": "owl_tuned.gguf","#)),
            provenance: provenance
        ).render().markdown
        #expect(tuned.contains("through the teacher owl\\_tuned.gguf and its base base\\_f16.gguf,"), "\(tuned)")
    }
}
