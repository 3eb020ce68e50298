import Foundation
import SubtextCorpus

/// The probe runner's journal of completed requests: what makes a probe or generation run
/// resumable and replayable. Errors are never written, so a failed request is asked again.
public typealias Journal = JSONLJournal<JournalEntry>

/// One completed request, as a line of the journal.
public struct JournalEntry: JournalRecord, Equatable {
    public var key: String
    public var model: String
    public var modelID: String
    public var promptID: String
    public var sample: Int
    public var response: String
    /// The battery category the response was read as.
    public var answer: String
    public var topLogprobs: [TokenLogprob]?
    /// Score mode: the candidates' log-probabilities.
    public var scores: CandidateScores?
    public var finishReason: String?
    public var latencyMs: Double

    public init(key: String, model: String, modelID: String, promptID: String, sample: Int, response: String,
                answer: String, topLogprobs: [TokenLogprob]? = nil, scores: CandidateScores? = nil,
                finishReason: String? = nil, latencyMs: Double) {
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
