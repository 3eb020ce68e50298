/// One text to score: a response, after a user prompt and, when given, a system prompt.
package struct ScoredText: Sendable, Hashable {
    package var system: String?
    package var prompt: String
    package var response: String

    package init(system: String? = nil, prompt: String, response: String) {
        self.system = system
        self.prompt = prompt
        self.response = response
    }
}

/// A model read in process for how likely it finds texts. llama.cpp's library (``LlamaScorer``)
/// and the lab's TinyGPT both implement it, so what is computed from log-probabilities (the
/// likelihood shift of attribution, the entanglement scan) is written once for either.
package protocol LogProbabilityScorer: AnyObject {
    /// log P(response | system, prompt) for each text, summed over the response's tokens.
    func logProbabilities(_ texts: [ScoredText], progress: (_ done: Int, _ total: Int) -> Void) throws -> [Double]
    /// Tokens run through the model so far.
    var tokensDecoded: Int { get }
    /// Texts whose scores were read back from a journal of earlier work so far.
    var textsReused: Int { get }
}

extension LogProbabilityScorer {
    package func logProbabilities(_ texts: [ScoredText]) throws -> [Double] {
        try logProbabilities(texts, progress: { _, _ in })
    }
}

/// Why an in-process model could not score.
package enum ScorerError: Error, CustomStringConvertible {
    case backend(String)

    package var description: String {
        switch self {
        case .backend(let message): return "scoring: \(message)"
        }
    }
}
