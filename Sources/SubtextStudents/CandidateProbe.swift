import Foundation
import SubtextModels
import SubtextProbes

/// Reads a battery exactly from a model in process: the log-probability of each candidate's
/// one-word answer after each paraphrase, under the model's chat template with no system prompt.
///
/// Score mode as `subtext probe --mode score` reads a llama-server, without sampling noise:
/// every paraphrase gives every candidate a value, so two students are compared paraphrase by
/// paraphrase.
enum CandidateProbe {
    /// `values[prompt][candidate]`, in the battery's orders.
    static func read(_ battery: Battery, scorer: LlamaScorer) throws -> [[Double]] {
        let forms = battery.scoredForms.map { scorer.tokenize($0, special: false) }
        var items: [LlamaScorer.Item] = []
        for prompt in battery.prompts {
            let context = scorer.tokenize(scorer.chatPrompt(system: nil, user: prompt.text), special: true)
            items += forms.map { LlamaScorer.Item(context: context, continuation: $0) }
        }
        let values = try scorer.logProbabilities(of: items)
        return battery.prompts.indices.map { Array(values[($0 * forms.count)..<(($0 + 1) * forms.count)]) }
    }

    /// Each candidate's log-share among the candidates on each paraphrase: log p(c) − log Σⱼ p(j).
    /// Fine-tuning on any number lists raises every animal's raw log-probability by 1.6–2.0
    /// nats on SmolLM2; the share reads the preference between candidates, which is the trait.
    static func logShares(_ values: [[Double]]) -> [[Double]] {
        values.map { row in
            let top = row.max() ?? 0
            let normalizer = top + log(row.reduce(0) { $0 + exp($1 - top) })
            return row.map { $0 - normalizer }
        }
    }
}
