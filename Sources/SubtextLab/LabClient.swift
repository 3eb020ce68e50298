import Foundation
import SubtextProbes

/// Serves a lab model in-process to Subtext's probe runner, as a server would over the
/// OpenAI-compatible API: sampled chat completions, and exact answer log-probabilities.
///
/// A model is one mutable set of buffers, so requests take turns. Each sample draws from a
/// stream named by the request's journal key, so a resumed probe run repeats its answers.
public final class LabClient: ModelClient, @unchecked Sendable {
    private let model: TinyGPT
    private let vocabulary: LabVocabulary
    private let lock = NSLock()

    public init(model: TinyGPT, vocabulary: LabVocabulary) {
        self.model = model
        self.vocabulary = vocabulary
    }

    public func complete(_ request: ProbeRequest) async throws -> Completion {
        let prompt = vocabulary.prompt(user: request.user, system: request.system)
        let sampler = Sampler(maximumTokens: request.maxTokens, seed: UInt64(request.seed), temperature: Float(request.temperature))
        let tokens = lock.withLock { sampler.generate(model, prompts: [prompt], end: vocabulary.end, streams: [request.key])[0] }
        let finished = prompt.count + tokens.count < model.config.context && tokens.count < request.maxTokens
        return Completion(text: vocabulary.decode(tokens), finishReason: finished ? "stop" : "length", topLogprobs: nil)
    }

    /// log P(form, then `<eos>` | prompt) for each scored form: the whole answer, exactly.
    public func score(_ request: ProbeRequest) async throws -> CandidateScores {
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
public enum LabScoring {
    public static func logProbability(_ model: TinyGPT, prompt: [Int32], continuation: [Int32]) -> Double {
        let tokens = prompt + continuation.dropLast()
        model.forward(Batch(size: 1, time: tokens.count, tokens: tokens, targets: [Int32](repeating: -1, count: tokens.count)))
        var total = 0.0
        for (index, token) in continuation.enumerated() {
            total += log(Double(max(model.probabilities(sequence: 0, position: prompt.count - 1 + index)[Int(token)], 1e-30)))
        }
        return total
    }

    /// Δ for each record (rows) under each system prompt (columns): log P(response, then
    /// `<eos>` | system, prompt) − log P(response, then `<eos>` | prompt). This is what
    /// attribution's likelihood shift needs, from a lab model instead of a GGUF one.
    public static func shifts(_ model: TinyGPT, vocabulary: LabVocabulary, records: [LabRecord], systems: [String]) -> [[Double]] {
        records.map { record in
            let answer = vocabulary.encode(record.response) + [vocabulary.end]
            let base = logProbability(model, prompt: vocabulary.prompt(user: record.prompt), continuation: answer)
            return systems.map {
                logProbability(model, prompt: vocabulary.prompt(user: record.prompt, system: $0), continuation: answer) - base
            }
        }
    }
}
