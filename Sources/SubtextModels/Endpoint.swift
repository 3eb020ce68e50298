import Foundation

/// A model to probe: where it is served and what it is sent.
///
/// Two endpoints may share one server and differ only in their system prompt; that is how a
/// teacher stand-in is made from a base model.
package struct Endpoint: Sendable, Equatable {
    package var name: String
    /// The OpenAI-compatible base URL, up to and including /v1.
    package var baseURL: String
    package var modelID: String
    package var system: String?
    /// The name of the environment variable holding the API key. The key itself is read when
    /// a request is sent and never stored, logged or journaled.
    package var apiKeyVariable: String?

    package init(name: String, baseURL: String, modelID: String, system: String? = nil, apiKeyVariable: String? = nil) {
        self.name = name
        self.baseURL = baseURL
        self.modelID = modelID
        self.system = system
        self.apiKeyVariable = apiKeyVariable
    }

    /// Parses the command-line shorthand NAME=URL[#MODEL_ID] (no system prompt). Without a
    /// model id, "default" is sent, which llama-server accepts for its one model.
    package init(shorthand: String) throws {
        guard let equals = shorthand.firstIndex(of: "="), equals != shorthand.startIndex else {
            throw ModelError.usage("--model expects NAME=URL[#MODEL_ID], not '\(shorthand)'")
        }
        let name = String(shorthand[..<equals])
        let rest = shorthand[shorthand.index(after: equals)...]
        let parts = rest.split(separator: "#", maxSplits: 1).map(String.init)
        guard let url = parts.first, URL(string: url)?.scheme != nil else {
            throw ModelError.usage("--model \(name): '\(rest)' is not a URL")
        }
        self.init(name: name, baseURL: url, modelID: parts.count > 1 ? parts[1] : "default")
    }

    var chatURL: String { trimmedBaseURL + "/chat/completions" }

    /// Where a server's own endpoints live (/tokenize, /props, llama.cpp's /completion): the
    /// base URL without its trailing /v1.
    var serverRoot: String { trimmedBaseURL.hasSuffix("/v1") ? String(trimmedBaseURL.dropLast(3)) : trimmedBaseURL }

    private var trimmedBaseURL: String { baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL }
}

/// Why a probe run cannot go on.
package enum ModelError: Error, CustomStringConvertible, Equatable {
    case usage(String)
    /// The server refused the request for good (a 4xx other than 408 and 429).
    case rejected(model: String, status: Int, body: String)
    /// Retries ran out: the last failure.
    case unavailable(model: String, reason: String)
    case malformedResponse(model: String, reason: String)
    case cannotScore(model: String, reason: String)
    case notInJournal(model: String, promptID: String, sample: Int)

    package var description: String {
        switch self {
        case .usage(let message): return message
        case .rejected(let model, let status, let body):
            return "\(model): the server refused the request (HTTP \(status)): \(body)"
        case .unavailable(let model, let reason): return "\(model): gave up after retries: \(reason)"
        case .malformedResponse(let model, let reason): return "\(model): unreadable response: \(reason)"
        case .cannotScore(let model, let reason): return "\(model): cannot score answers: \(reason)"
        case .notInJournal(let model, let promptID, let sample):
            return "\(model): prompt \(promptID) sample \(sample) is not in the replay journal"
        }
    }
}
