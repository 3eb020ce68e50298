import CLlama
import Foundation

/// Log-probabilities of given texts under a GGUF model, computed in-process by llama.cpp's
/// library, many sequences per decode call.
///
/// llama-server cannot score a given text (no echo, no prompt logprobs); forcing one token per
/// request is exact but far too slow for datasets. libllama is loaded at run time from the
/// directory scripts/install_llama.sh fills, so nothing else in Subtext needs it.
public final class LlamaScorer {
    private let handle: OpaquePointer
    /// The longest sequence, prompt and text together, in tokens.
    public let contextTokens: Int
    /// Sequences per decode call.
    public let maximumSequences: Int
    private let lock = NSLock()

    /// Where install_llama.sh puts the library: $SUBTEXT_CACHE/llama-lib/lib, default ~/.cache/subtext.
    public static var defaultLibraryDirectory: String {
        let cache = ProcessInfo.processInfo.environment["SUBTEXT_CACHE"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/subtext").path
        return cache + "/llama-lib/lib"
    }

    public init(model: String, libraryDirectory: String = LlamaScorer.defaultLibraryDirectory, contextTokens: Int = 512,
                maximumSequences: Int = 16, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        var error = [CChar](repeating: 0, count: 1024)
        guard let handle = subtext_llama_open(libraryDirectory, model, Int32(contextTokens), Int32(maximumSequences),
                                              Int32(threads), &error, error.count)
        else {
            throw AttributionError.backend(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                + " (scripts/install_llama.sh builds libllama into \(LlamaScorer.defaultLibraryDirectory))")
        }
        self.handle = handle
        self.contextTokens = contextTokens
        self.maximumSequences = maximumSequences
    }

    deinit { subtext_llama_close(handle) }

    public func tokenize(_ text: String, special: Bool) -> [Int32] {
        lock.withLock {
            var tokens = [Int32](repeating: 0, count: max(16, text.utf8.count + 8))
            var count = subtext_llama_tokenize(handle, text, special ? 1 : 0, special ? 1 : 0, &tokens, Int32(tokens.count))
            if count < 0 {
                tokens = [Int32](repeating: 0, count: Int(-count))
                count = subtext_llama_tokenize(handle, text, special ? 1 : 0, special ? 1 : 0, &tokens, Int32(tokens.count))
            }
            return Array(tokens.prefix(Int(max(count, 0))))
        }
    }

    /// The model's own chat template applied to a system (or none) and user message, ending
    /// where the reply begins.
    public func chatPrompt(system: String?, user: String) -> String {
        lock.withLock {
            var buffer = [CChar](repeating: 0, count: 4 * (user.utf8.count + (system?.utf8.count ?? 0)) + 256)
            var length = subtext_llama_chat_prompt(handle, system, user, &buffer, Int32(buffer.count))
            if length < 0 {
                buffer = [CChar](repeating: 0, count: Int(-length) + 1)
                length = subtext_llama_chat_prompt(handle, system, user, &buffer, Int32(buffer.count))
            }
            return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// One text to score: `context` tokens condition, `continuation` tokens are scored.
    public struct Item: Sendable {
        public var context: [Int32]
        public var continuation: [Int32]

        public init(context: [Int32], continuation: [Int32]) {
            self.context = context
            self.continuation = continuation
        }
    }

    /// log P(continuation | context) for each item, packing as many items into each decode
    /// call as the context allows.
    public func logProbabilities(_ items: [Item]) throws -> [Double] {
        var results = [Double](repeating: 0, count: items.count)
        var start = 0
        while start < items.count {
            let end = min(start + maximumSequences, items.count)
            if let long = items[start..<end].first(where: { $0.context.count + $0.continuation.count > contextTokens }) {
                throw AttributionError.backend("a text of \(long.context.count + long.continuation.count) tokens is longer "
                    + "than the \(contextTokens)-token context")
            }
            let batch = Array(items[start..<end])
            let flat = batch.flatMap { $0.context + $0.continuation }
            let lengths = batch.map { Int32($0.context.count + $0.continuation.count) }
            let starts = batch.map { Int32($0.context.count) }
            var out = [Double](repeating: 0, count: batch.count)
            let status = lock.withLock { subtext_llama_score(handle, flat, lengths, starts, Int32(batch.count), &out) }
            guard status == 0 else { throw AttributionError.backend("llama_decode failed with status \(status)") }
            results.replaceSubrange(start..<end, with: out)
            start = end
        }
        return results
    }
}

public enum AttributionError: Error, CustomStringConvertible {
    case backend(String)
    case usage(String)

    public var description: String {
        switch self {
        case let .backend(message): return "attribution: \(message)"
        case let .usage(message): return message
        }
    }
}
