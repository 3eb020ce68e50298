import AsyncHTTPClient
import Foundation
import NIOCore

/// Something that answers probe requests: a live server, or a journal in replay.
package protocol ModelClient: Sendable {
    /// Sample mode: one chat completion.
    func complete(_ request: ModelRequest) async throws -> Completion
    /// Score mode: the log-probability of each of the request's scored forms.
    func score(_ request: ModelRequest) async throws -> CandidateScores
}

/// An OpenAI-compatible chat-completions client: vLLM, llama.cpp's llama-server, Ollama, OpenAI.
package struct OpenAIClient: ModelClient {
    package let endpoint: Endpoint
    private let poster: JSONPoster
    private var scorer: (any CandidateScorer)?

    package init(
        endpoint: Endpoint, retry: RetryPolicy = RetryPolicy(), timeout: Int64 = 60, http: HTTPClient = .subtext
    ) {
        self.endpoint = endpoint
        poster = JSONPoster(endpoint: endpoint, retry: retry, timeout: timeout, http: http)
    }

    /// How this client scores, once ``preparedForScoring(_:)`` has found a way.
    package var scoringMethod: ScoringMethod? { scorer?.method }

    /// Checks what the server can score with, before a run, and returns a client that scores
    /// that way. With `method` nil the exact methods are tried first (llama.cpp's forced
    /// tokens, then vLLM's prompt logprobs), then first-token top logprobs. Throws
    /// ``ModelError/cannotScore(model:reason:)`` naming every way tried, so a run never
    /// scores at chance without saying so.
    package func preparedForScoring(_ method: ScoringMethod? = nil) async throws -> OpenAIClient {
        var reasons: [String] = []
        for candidate in method.map({ [$0] }) ?? ScoringMethod.allCases {
            do {
                var prepared = self
                switch candidate {
                case .forcedTokens: prepared.scorer = try await ForcedTokenScorer.check(poster)
                case .promptLogprobs: prepared.scorer = try await PromptLogprobScorer.check(poster)
                case .topLogprobs: prepared.scorer = try await TopLogprobScorer.check(self)
                }
                return prepared
            } catch let error as ModelError {
                if case .unavailable = error { throw error } // the server is down, not incapable
                reasons.append("\(candidate.rawValue): \(Self.reason(error))")
            }
        }
        throw ModelError.cannotScore(model: endpoint.name, reason: reasons.joined(separator: "; "))
    }

    package func complete(_ request: ModelRequest) async throws -> Completion {
        try await complete(request, topLogprobs: nil)
    }

    /// Whether requests may carry a llama.cpp GBNF grammar (``ModelRequest/grammar``).
    package func acceptsGrammars() async throws -> Bool { try await poster.isLlamaServer() }

    package func score(_ request: ModelRequest) async throws -> CandidateScores {
        guard let scorer else {
            throw ModelError.cannotScore(model: endpoint.name, reason: "no scoring method was checked before the run")
        }
        return try await scorer.score(request)
    }

    func complete(_ request: ModelRequest, topLogprobs: Int?) async throws -> Completion {
        let response = try await poster.post(
            endpoint.chatURL, Self.body(request, topLogprobs: topLogprobs), as: ChatResponse.self)
        guard let choice = response.choices.first else {
            throw ModelError.malformedResponse(model: endpoint.name, reason: "no choices in the response")
        }
        return Completion(
            text: choice.message.content ?? "", finishReason: choice.finishReason,
            topLogprobs: choice.logprobs?.content?.first?.topLogprobs)
    }

    static func body(_ request: ModelRequest, topLogprobs: Int?) -> ChatRequest {
        ChatRequest(
            model: request.modelID, messages: request.messages, temperature: request.temperature,
            maxTokens: request.maxTokens, seed: request.seed, n: 1, grammar: request.grammar,
            logprobs: topLogprobs.map { _ in true }, topLogprobs: topLogprobs)
    }

    private static func reason(_ error: ModelError) -> String {
        switch error {
        case .cannotScore(_, let reason), .malformedResponse(_, let reason): return reason
        case .rejected(_, let status, let body): return "HTTP \(status) \(body.prefix(120))"
        default: return error.description
        }
    }
}

extension HTTPClient {
    /// The client every model call goes through. Its connection pool does not retry a failed
    /// connection itself: AsyncHTTPClient's own backoff would hold a refused request until its
    /// deadline (a test measured 1 s an attempt alone and 40 s on a loaded machine), hiding the
    /// failure from ``RetryPolicy``, which should be the one place that decides how long to wait.
    package static let subtext: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
