import Foundation
import SubtextCorpus

/// The probe runner's journal of completed requests: what makes a probe or generation run
/// resumable and replayable. Errors are never written, so a failed request is asked again.
package typealias Journal = JSONLJournal<JournalEntry>

/// One completed request, as a line of the journal.
package struct JournalEntry: JournalRecord, Equatable {
    package var key: String
    package var model: String
    package var modelID: String
    package var promptID: String
    package var sample: Int
    package var response: String
    /// The battery category the response was read as.
    package var answer: String
    package var topLogprobs: [TokenLogprob]?
    /// Score mode: the candidates' log-probabilities.
    package var scores: CandidateScores?
    package var finishReason: String?
    package var latencyMs: Double

    package init(
        key: String, model: String, modelID: String, promptID: String, sample: Int, response: String,
        answer: String, topLogprobs: [TokenLogprob]? = nil, scores: CandidateScores? = nil,
        finishReason: String? = nil, latencyMs: Double
    ) {
        self.key = key
        self.model = model
        self.modelID = modelID
        self.promptID = promptID
        self.sample = sample
        self.response = response
        self.answer = answer
        self.topLogprobs = topLogprobs
        self.scores = scores
        self.finishReason = finishReason
        self.latencyMs = latencyMs
    }

    enum CodingKeys: String, CodingKey {
        case key, model, response, answer, sample, scores
        case modelID = "model_id", promptID = "prompt_id", topLogprobs = "top_logprobs"
        case finishReason = "finish_reason", latencyMs = "latency_ms"
    }
}
