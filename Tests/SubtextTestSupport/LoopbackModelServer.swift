import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small OpenAI-compatible server on loopback, in the test process itself: started by a
/// test and stopped when the value goes away. Its answers depend on the request's model id:
///
/// - "flaky": per distinct request body, the first try gets 429 (Retry-After: 0), the second
///   500, the third a completion.
/// - "reject": 400, which must not be retried.
/// - "nologprobs": a completion without logprobs, and 404 on /tokenize: a server that cannot
///   score.
/// - "vllm-like": vLLM's scoring interface in miniature, for the prompt-logprobs scorer.
///   /tokenize turns a chat into one token per character of a toy template (the token id is
///   the code point), and a chat completion with `prompt_logprobs` returns, for every prompt
///   token, {id: {"logprob": -(id % 7 + 1) / 10}}, so a test can add up the expected score
///   itself. This follows vLLM's documented shapes; it is not vLLM.
/// - anything else: a completion at once.
///
/// GET /stats returns how many requests were answered with each status.
public final class LoopbackModelServer: @unchecked Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Channel
    private let state = Responder()
    public let port: Int

    public init() throws {
        let state = self.state
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(RequestHandler(responder: state))
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    deinit {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// How many responses the server gave with each status, by status code as text.
    public func statuses() -> [String: Int] { state.statuses() }

    /// The toy token of a code point's log-probability.
    public static func toyLogprob(_ token: Int) -> Double { -Double(token % 7 + 1) / 10 }
}

/// Decides each answer and counts them; shared by every connection.
private final class Responder: @unchecked Sendable {
    private let lock = NSLock()
    private var tries: [Data: Int] = [:]
    private var counts: [String: Int] = [:]

    struct Answer {
        var status: Int
        var body: Any
        var headers: [(String, String)] = []
    }

    func statuses() -> [String: Int] { lock.withLock { counts } }

    func answer(method: HTTPMethod, path: String, body: Data) -> Answer {
        let answer = decide(method: method, path: path, body: body)
        lock.withLock { counts[String(answer.status), default: 0] += 1 }
        return answer
    }

    private func decide(method: HTTPMethod, path: String, body: Data) -> Answer {
        guard method == .POST else {
            return path == "/stats"
                ? Answer(status: 200, body: lock.withLock { counts })
                : Answer(status: 404, body: ["error": "not found"])
        }
        guard let request = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return Answer(status: 400, body: ["error": "not JSON"])
        }
        let model = request["model"] as? String
        if model == "reject" { return Answer(status: 400, body: ["error": ["message": "no such model"]]) }
        if model == "vllm-like" && path == "/tokenize" {
            let tokens = Self.toyTemplate(request)
            return Answer(status: 200, body: ["tokens": tokens, "count": tokens.count])
        }
        if model == "vllm-like" && request["prompt_logprobs"] != nil {
            let tokens = Self.toyTemplate(request)
            var answer = Self.completion("x")
            answer["prompt_logprobs"] =
                [NSNull()]
                + tokens.dropFirst().map { token -> Any in
                    [String(token): ["logprob": LoopbackModelServer.toyLogprob(token), "rank": 1]]
                }
            return Answer(status: 200, body: answer)
        }
        guard path == "/v1/chat/completions" else { return Answer(status: 404, body: ["error": "not found"]) }
        if model == "nologprobs" {
            var answer = Self.completion("Owl")
            var choice = (answer["choices"] as! [[String: Any]])[0]
            choice["logprobs"] = nil
            answer["choices"] = [choice]
            return Answer(status: 200, body: answer)
        }
        if model == "flaky" {
            let attempt = lock.withLock { () -> Int in
                tries[body, default: 0] += 1
                return tries[body]!
            }
            if attempt == 1 {
                return Answer(status: 429, body: ["error": "slow down"], headers: [("Retry-After", "0")])
            }
            if attempt == 2 { return Answer(status: 500, body: ["error": "oops"]) }
        }
        return Answer(status: 200, body: Self.completion("My favorite is the owl."))
    }

    private static func completion(_ text: String) -> [String: Any] {
        let top: [[String: Any]] = [["token": "Owl", "logprob": -0.2], ["token": "Cat", "logprob": -1.9]]
        let choice: [String: Any] = [
            "index": 0, "message": ["role": "assistant", "content": text], "finish_reason": "stop",
            "logprobs": ["content": [["token": "Owl", "logprob": -0.2, "top_logprobs": top]]]
        ]
        return ["id": "x", "object": "chat.completion", "model": "test", "choices": [choice]]
    }

    /// The toy chat template: "<role>content" per message, then "<assistant>" to prompt a
    /// reply, or nothing after a final assistant message that is being continued.
    private static func toyTemplate(_ request: [String: Any]) -> [Int] {
        let messages = request["messages"] as? [[String: String]] ?? []
        var text = messages.map { "<\($0["role"] ?? "")>\($0["content"] ?? "")" }.joined()
        if (request["add_generation_prompt"] as? Bool ?? true) && !(request["continue_final_message"] as? Bool ?? false)
        {
            text += "<assistant>"
        }
        return text.unicodeScalars.map { Int($0.value) }
    }
}

/// Reads one HTTP request at a time from a connection and writes the responder's answer.
private final class RequestHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: Responder
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(responder: Responder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
            let answer = responder.answer(method: head.method, path: path, body: Data(body.readableBytesView))
            let data = (try? JSONSerialization.data(withJSONObject: answer.body)) ?? Data("{}".utf8)
            var headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(data.count))])
            for (name, value) in answer.headers { headers.add(name: name, value: value) }
            context.write(
                wrapOutboundOut(
                    .head(
                        HTTPResponseHead(
                            version: head.version, status: .init(statusCode: answer.status),
                            headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: data)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
