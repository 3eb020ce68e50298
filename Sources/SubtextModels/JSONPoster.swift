import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SubtextSupport

/// Posts JSON to one model server and reads JSON back, retrying what a restarting or busy
/// server answers (see ``RetryPolicy``) and stopping on everything else.
///
/// Every client and scorer goes through it, so all of them retry alike and none logs the key.
struct JSONPoster: Sendable {
    let endpoint: Endpoint
    var retry: RetryPolicy
    /// Seconds for one attempt, from sending to the whole body.
    var timeout: Int64
    let http: HTTPClient

    /// POSTs `body` and decodes the answer as `Response`.
    func post<Body: Encodable, Response: Decodable>(_ url: String, _ body: Body, as response: Response.Type)
        async throws -> Response
    {
        let encoder = JSONCoding.line
        return try await send(url, try encoder.encode(body), as: response)
    }

    /// GETs `url` and decodes the answer as `Response`.
    func get<Response: Decodable>(_ url: String, as response: Response.Type) async throws -> Response {
        try await send(url, nil, as: response)
    }

    private func send<Response: Decodable>(_ url: String, _ data: Data?, as: Response.Type) async throws -> Response {
        var generator = SystemRandomNumberGenerator()
        var waited = 0.0
        var attempt = 0
        while true {
            let failure: String
            var retryAfter: Double?
            do {
                let response = try await execute(url, data)
                if response.status == 200 {
                    do {
                        return try JSONDecoder().decode(Response.self, from: response.body)
                    } catch {
                        throw ModelError.malformedResponse(
                            model: endpoint.name,
                            reason: "\(JSONFile.describe(error)) in \(Self.excerpt(response.body))")
                    }
                }
                guard RetryPolicy.isRetryable(status: response.status) else {
                    throw ModelError.rejected(
                        model: endpoint.name, status: response.status, body: Self.excerpt(response.body))
                }
                failure = "HTTP \(response.status): \(Self.excerpt(response.body))"
                retryAfter = RetryPolicy.retryAfter(response.retryAfter)
            } catch let error as ModelError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = "\(error)" // timeouts, refused and reset connections
            }
            guard
                let wait = retry.delay(attempt: attempt, retryAfter: retryAfter, waited: waited, generator: &generator)
            else {
                throw ModelError.unavailable(model: endpoint.name, reason: failure)
            }
            try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
            waited += wait
            attempt += 1
        }
    }

    /// Whether the server is llama.cpp's llama-server, which has GBNF grammars and the native
    /// /completion endpoint: its /props describes its default generation settings.
    func isLlamaServer() async throws -> Bool {
        do {
            return try await get(endpoint.serverRoot + "/props", as: ServerProps.self).defaultGenerationSettings != nil
        } catch ModelError.rejected, ModelError.malformedResponse {
            return false
        }
    }

    private struct Response {
        var status: Int
        var body: Data
        var retryAfter: String?
    }

    private func execute(_ url: String, _ body: Data?) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = body == nil ? .GET : .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let variable = endpoint.apiKeyVariable, let key = ProcessInfo.processInfo.environment[variable] {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await http.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Response(
            status: Int(response.status.code), body: Data(bytes.readableBytesView),
            retryAfter: response.headers.first(name: "Retry-After"))
    }

    private static func excerpt(_ data: Data) -> String { String(decoding: data.prefix(300), as: UTF8.self) }
}
