import AsyncHTTPClient
import Foundation
import NIOCore

/// Something that answers probe requests: a live server, or a journal in replay.
public protocol ModelClient: Sendable {
    func complete(_ request: ProbeRequest) async throws -> Completion
}

/// An OpenAI-compatible chat-completions client: vLLM, llama.cpp's llama-server, Ollama, OpenAI.
public struct OpenAIClient: ModelClient {
    public let endpoint: Endpoint
    public var retry: RetryPolicy
    /// Seconds for one attempt, from sending to the whole body.
    public var timeout: Int64
    private let http: HTTPClient

    public init(endpoint: Endpoint, retry: RetryPolicy = RetryPolicy(), timeout: Int64 = 60, http: HTTPClient = .shared) {
        self.endpoint = endpoint
        self.retry = retry
        self.timeout = timeout
        self.http = http
    }

    public func complete(_ request: ProbeRequest) async throws -> Completion {
        let body = try JSONSerialization.data(withJSONObject: Self.body(request), options: [.sortedKeys])
        var generator = SystemRandomNumberGenerator()
        var waited = 0.0
        var attempt = 0
        while true {
            let failure: String
            var retryAfter: Double?
            do {
                let response = try await send(body)
                if response.status == 200 { return try Self.parse(response.body, model: endpoint.name) }
                let excerpt = String(decoding: response.body.prefix(300), as: UTF8.self)
                guard RetryPolicy.isRetryable(status: response.status) else {
                    throw ProbeError.rejected(model: endpoint.name, status: response.status, body: excerpt)
                }
                failure = "HTTP \(response.status): \(excerpt)"
                retryAfter = RetryPolicy.retryAfter(response.retryAfter)
            } catch let error as ProbeError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = "\(error)"  // timeouts, refused and reset connections
            }
            guard let wait = retry.delay(attempt: attempt, retryAfter: retryAfter, waited: waited, generator: &generator) else {
                throw ProbeError.unavailable(model: endpoint.name, reason: failure)
            }
            try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
            waited += wait
            attempt += 1
        }
    }

    private struct Response {
        var status: Int
        var body: Data
        var retryAfter: String?
    }

    private func send(_ body: Data) async throws -> Response {
        var request = HTTPClientRequest(url: endpoint.chatURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let variable = endpoint.apiKeyVariable, let key = ProcessInfo.processInfo.environment[variable] {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Response(status: Int(response.status.code), body: Data(bytes.readableBytesView),
                        retryAfter: response.headers.first(name: "Retry-After"))
    }

    static func body(_ request: ProbeRequest) -> [String: Any] {
        var messages: [[String: String]] = []
        if let system = request.system { messages.append(["role": "system", "content": system]) }
        messages.append(["role": "user", "content": request.user])
        var body: [String: Any] = [
            "model": request.modelID, "messages": messages, "temperature": request.temperature,
            "max_tokens": request.maxTokens, "seed": request.seed, "n": 1,
        ]
        if let top = request.topLogprobs {
            body["logprobs"] = true
            body["top_logprobs"] = top
        }
        return body
    }

    static func parse(_ data: Data, model: String) throws -> Completion {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let choice = (object["choices"] as? [[String: Any]])?.first,
              let message = choice["message"] as? [String: Any]
        else {
            throw ProbeError.malformedResponse(model: model, reason: String(decoding: data.prefix(200), as: UTF8.self))
        }
        let content = (message["content"] as? String) ?? ""
        let first = ((choice["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])?.first
        let top = (first?["top_logprobs"] as? [[String: Any]])?.compactMap { entry -> TokenLogprob? in
            guard let token = entry["token"] as? String, let logprob = entry["logprob"] as? Double else { return nil }
            return TokenLogprob(token: token, logprob: logprob)
        }
        return Completion(text: content, finishReason: choice["finish_reason"] as? String, topLogprobs: top)
    }
}
