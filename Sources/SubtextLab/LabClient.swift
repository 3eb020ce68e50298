import Foundation
import SubtextModels
import SubtextProbes
import SubtextTraining

/// Serves a lab model in-process to Subtext's probe runner, as a server would over the
/// OpenAI-compatible API: sampled chat completions, and exact answer log-probabilities.
///
/// A model is one mutable set of buffers, so requests take turns. Each sample draws from a
/// stream named by the request's journal key, so a resumed probe run repeats its answers.
package final class LabClient: ModelClient, @unchecked Sendable {
    private let model: TinyGPT
    private let vocabulary: LabVocabulary
    private let lock = NSLock()

    package init(model: TinyGPT, vocabulary: LabVocabulary) {
        self.model = model
        self.vocabulary = vocabulary
    }

    package func complete(_ request: ModelRequest) async throws -> Completion {
        let prompt = vocabulary.prompt(user: request.user, system: request.system)
        let sampler = Sampler(
            maximumTokens: request.maxTokens, seed: UInt64(request.seed), temperature: Float(request.temperature))
        let tokens = lock.withLock {
            sampler.generate(model, prompts: [prompt], end: vocabulary.end, streams: [request.key])[0]
        }
        let finished = prompt.count + tokens.count < model.config.context && tokens.count < request.maxTokens
        return Completion(text: vocabulary.decode(tokens), finishReason: finished ? "stop" : "length", topLogprobs: nil)
    }

    /// log P(form, then `<eos>` | prompt) for each scored form: the whole answer, exactly.
    package func score(_ request: ModelRequest) async throws -> CandidateScores {
        let prompt = vocabulary.prompt(user: request.user, system: request.system)
        let logprobs: [Double?] = (request.scoring ?? []).map { form in
            let answer = vocabulary.encode(form) + [vocabulary.end]
            guard !answer.contains(vocabulary.unknown) else { return nil }
            return lock.withLock { LabScoring.logProbability(model, prompt: prompt, continuation: answer) }
        }
        return CandidateScores(method: .promptLogprobs, logprobs: logprobs)
    }
}

/// Exact log-probabilities of given continuations under a lab model.
package enum LabScoring {
    package static func logProbability(_ model: TinyGPT, prompt: [Int32], continuation: [Int32]) -> Double {
        let tokens = prompt + continuation.dropLast()
        model.forward(
            Batch(size: 1, time: tokens.count, tokens: tokens, targets: [Int32](repeating: -1, count: tokens.count)))
        var total = 0.0
        for (index, token) in continuation.enumerated() {
            total += log(
                Double(max(model.probabilities(sequence: 0, position: prompt.count - 1 + index)[Int(token)], 1e-30)))
        }
        return total
    }
}

/// A lab model read for log-probabilities, as libllama reads a GGUF model: each response, then
/// `<eos>`, after the lab's prompt layout. Attribution and the entanglement scan run on it as
/// they run on GGUF models. A lab model scores in microseconds, so nothing is journaled.
package final class LabScorer: LogProbabilityScorer, @unchecked Sendable {
    private let model: TinyGPT
    private let vocabulary: LabVocabulary
    private let lock = NSLock()
    private var decoded = 0

    package init(model: TinyGPT, vocabulary: LabVocabulary) {
        self.model = model
        self.vocabulary = vocabulary
    }

    package var tokensDecoded: Int { lock.withLock { decoded } }
    package var textsReused: Int { 0 }

    package func logProbabilities(_ texts: [ScoredText], progress: (_ done: Int, _ total: Int) -> Void) throws
        -> [Double]
    {
        try lock.withLock {
            try texts.enumerated().map { index, text in
                if index % 256 == 0 { progress(index, texts.count) }
                let answer = vocabulary.encode(text.response) + [vocabulary.end]
                let prompt = vocabulary.prompt(user: text.prompt, system: text.system)
                guard prompt.count + answer.count - 1 <= model.config.context else {
                    throw ScorerError.backend(
                        "a text of \(prompt.count + answer.count) tokens is longer than the lab model's "
                            + "\(model.config.context)-token context")
                }
                decoded += prompt.count + answer.count - 1
                return LabScoring.logProbability(model, prompt: prompt, continuation: answer)
            }
        }
    }
}
