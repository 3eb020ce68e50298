import Foundation
import SubtextSupport

/// One request to a model: a chat completion, exactly as sent, apart from where it goes.
package struct ModelRequest: Sendable, Equatable, Codable {
    package var model: String
    package var modelID: String
    package var system: String?
    package var user: String
    package var temperature: Double
    package var maxTokens: Int
    package var seed: Int
    /// Score mode: the answer texts whose log-probabilities are read; nil in sample mode.
    package var scoring: [String]?
    /// A llama.cpp GBNF grammar the reply must follow (constrained decoding), or nil.
    package var grammar: String?

    package init(
        model: String, modelID: String, system: String?, user: String, temperature: Double, maxTokens: Int,
        seed: Int, scoring: [String]?, grammar: String? = nil, promptID: String, sample: Int
    ) {
        self.model = model
        self.modelID = modelID
        self.system = system
        self.user = user
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.seed = seed
        self.scoring = scoring
        self.grammar = grammar
        self.promptID = promptID
        self.sample = sample
    }
    package var promptID: String
    package var sample: Int

    /// The chat messages sent: the system prompt, when there is one, then the user's question.
    var messages: [ChatMessage] {
        (system.map { [ChatMessage(role: "system", content: $0)] } ?? []) + [ChatMessage(role: "user", content: user)]
    }

    /// A one-token scoring request used to check, before a run, that a server can score.
    static func capabilityCheck(_ endpoint: Endpoint) -> ModelRequest {
        ModelRequest(
            model: endpoint.name, modelID: endpoint.modelID, system: nil, user: "Say yes.", temperature: 0,
            maxTokens: 1, seed: 0, scoring: ["Yes"], promptID: "capability", sample: 0)
    }

    /// The journal key: SHA-256 of the model id, the canonical request (system prompt,
    /// messages and sampling parameters) and the sample index. The URL and port are not part
    /// of it, so a server restarted on another port, or a replay, still matches.
    package var key: String {
        var canonical = "model_id=\(modelID)\n"
        canonical += "system=\(system.map { Self.escape($0) } ?? "<none>")\n"
        canonical += "user=\(Self.escape(user))\n"
        canonical += "temperature=\(temperature)\nmax_tokens=\(maxTokens)\nseed=\(seed)\n"
        // Sample requests keep the line they had before score mode existed, so older journals resume.
        canonical +=
            scoring.map { "score=\($0.map(Self.escape).joined(separator: "\n  "))\n" } ?? "top_logprobs=<none>\n"
        if let grammar { canonical += "grammar=\(Self.escape(grammar))\n" }
        canonical += "sample=\(sample)\n"
        var key = JournalKey()
        key.addUnframed(canonical)
        return key.hex
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// A model's answer to one request.
package struct Completion: Sendable, Equatable, Codable {
    package var text: String
    package var finishReason: String?
    /// The first generated token's top alternatives, when asked for.
    package var topLogprobs: [TokenLogprob]?

    package init(text: String, finishReason: String?, topLogprobs: [TokenLogprob]?) {
        self.text = text
        self.finishReason = finishReason
        self.topLogprobs = topLogprobs
    }
}

package struct TokenLogprob: Sendable, Equatable, Codable {
    package var token: String
    package var logprob: Double

    package init(token: String, logprob: Double) {
        self.token = token
        self.logprob = logprob
    }
}
