import CLlama
import Foundation

/// Log-probabilities of given texts under a GGUF model, computed in-process by llama.cpp's
/// library, reusing the cached prompt a text shares with the one scored before it.
///
/// llama-server cannot score a given text (no echo, no prompt logprobs); forcing one token per
/// request is exact but far too slow for datasets. libllama is loaded at run time from the
/// directory scripts/install_llama.sh fills, so nothing else in Subtext needs it.
// Unchecked: the handle and the counters are used only under `lock`; `journal` is set before use.
package final class LlamaScorer: LogProbabilityScorer, @unchecked Sendable {
    private let handle: OpaquePointer
    /// The longest sequence, prompt and text together, in tokens.
    package let contextTokens: Int
    private let lock = NSLock()
    private var decoded = 0

    private var reused = 0

    /// Tokens run through the model so far; shared prefixes are counted once.
    package var tokensDecoded: Int { lock.withLock { decoded } }
    /// Texts whose scores were taken from a journal instead of the model.
    package var textsReused: Int { lock.withLock { reused } }
    /// Where scores of texts are kept as they are made, so a run stopped midway resumes
    /// without scoring them again; nil keeps none.
    package var journal: ScoreJournal?

    /// Where install_llama.sh puts the library: $SUBTEXT_CACHE/llama-lib/lib, default ~/.cache/subtext.
    package static var defaultLibraryDirectory: String {
        let cache =
            ProcessInfo.processInfo.environment["SUBTEXT_CACHE"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/subtext").path
        return cache + "/llama-lib/lib"
    }

    /// `exactAttention` keeps keys and values in F32 instead of llama.cpp's F16 cache: slower,
    /// and what a comparison with another F32 implementation needs.
    package init(
        model: String, libraryDirectory: String = LlamaScorer.defaultLibraryDirectory, contextTokens: Int = 512,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, exactAttention: Bool = false
    ) throws {
        var error = [CChar](repeating: 0, count: 1024)
        guard
            let handle = subtext_llama_open(
                libraryDirectory, model, Int32(contextTokens), Int32(threads),
                exactAttention ? 1 : 0, &error, error.count)
        else {
            throw ScorerError.backend(
                String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    + " (scripts/install_llama.sh builds libllama into \(LlamaScorer.defaultLibraryDirectory))")
        }
        self.handle = handle
        self.contextTokens = contextTokens
    }

    deinit { subtext_llama_close(handle) }

    /// Reads every later text through the model with the LoRA adapter at `path` (as
    /// `llama-server --lora` does), forgetting what was cached without it.
    package func useAdapter(_ path: String) throws {
        var error = [CChar](repeating: 0, count: 1024)
        let status = lock.withLock { subtext_llama_use_adapter(handle, path, &error, error.count) }
        guard status == 0 else {
            throw ScorerError.backend(
                String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    package func tokenize(_ text: String, special: Bool) -> [Int32] {
        lock.withLock {
            var tokens = [Int32](repeating: 0, count: max(16, text.utf8.count + 8))
            var count = subtext_llama_tokenize(
                handle, text, special ? 1 : 0, special ? 1 : 0, &tokens, Int32(tokens.count))
            if count < 0 {
                tokens = [Int32](repeating: 0, count: Int(-count))
                count = subtext_llama_tokenize(
                    handle, text, special ? 1 : 0, special ? 1 : 0, &tokens, Int32(tokens.count))
            }
            return Array(tokens.prefix(Int(max(count, 0))))
        }
    }

    /// The model's own chat template applied to a system (or none) and user message, ending
    /// where the reply begins.
    package func chatPrompt(system: String?, user: String) -> String {
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
    package struct Item: Sendable {
        package var context: [Int32]
        package var continuation: [Int32]

        package init(context: [Int32], continuation: [Int32]) {
            self.context = context
            self.continuation = continuation
        }
    }

    /// log P(continuation | context) for each item. Items are scored in token order, so those
    /// that share a prompt follow one another and its keys and values are computed once, and
    /// so do continuations that open alike, whose shared scored tokens are scored once.
    /// Items ``journal`` holds are taken from it; each item scored is added to it at once.
    package func logProbabilities(of items: [Item], progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws
        -> [Double]
    {
        if let long = items.first(where: { $0.context.count + $0.continuation.count > contextTokens }) {
            throw ScorerError.backend(
                "a text of \(long.context.count + long.continuation.count) tokens is longer "
                    + "than the \(contextTokens)-token context")
        }
        if let empty = items.first(where: { $0.context.isEmpty || $0.continuation.isEmpty }) {
            throw ScorerError.backend(
                "cannot score an empty text or a text without context "
                    + "(\(empty.context.count) context tokens, \(empty.continuation.count) to score)")
        }
        let order = items.indices.sorted {
            items[$0].context == items[$1].context
                ? items[$0].continuation.lexicographicallyPrecedes(items[$1].continuation)
                : items[$0].context.lexicographicallyPrecedes(items[$1].context)
        }
        var results = [Double](repeating: 0, count: items.count)
        try lock.withLock {
            for (done, index) in order.enumerated() {
                if done % 64 == 0 { progress(done, items.count) }
                if let known = journal?.logProbability(items[index]) {
                    results[index] = known
                    reused += 1
                    continue
                }
                let tokens = items[index].context + items[index].continuation
                var value = 0.0
                let status = subtext_llama_score(
                    handle, tokens, Int32(tokens.count), Int32(items[index].context.count), &value)
                guard status >= 0 else { throw ScorerError.backend("llama_decode failed with status \(status)") }
                decoded += Int(status)
                results[index] = value
                try journal?.record(value, for: items[index])
            }
        }
        progress(items.count, items.count)
        return results
    }
}

extension LlamaScorer: NextTokenModel {
    package var vocabularySize: Int { lock.withLock { Int(subtext_llama_vocabulary_size(handle)) } }

    /// The token that closes an assistant's reply in this model's chat template, nil if it has none.
    package var endOfTurn: Int32? {
        let token = lock.withLock { subtext_llama_end_of_turn(handle) }
        return token >= 0 ? token : nil
    }

    package func piece(_ token: Int32) -> [UInt8] {
        lock.withLock {
            var buffer = [CChar](repeating: 0, count: 32)
            var length = subtext_llama_piece(handle, token, &buffer, Int32(buffer.count))
            if length < 0 {
                buffer = [CChar](repeating: 0, count: Int(-length))
                length = subtext_llama_piece(handle, token, &buffer, Int32(buffer.count))
            }
            return buffer.prefix(Int(max(length, 0))).map { UInt8(bitPattern: $0) }
        }
    }

    package func nextTokenLogProbabilities(context: [Int32], continuation: [Int32]) throws -> [Float] {
        let tokens = context + continuation
        guard tokens.count <= contextTokens else {
            throw ScorerError.backend(
                "a text of \(tokens.count) tokens is longer than the \(contextTokens)-token context")
        }
        guard !context.isEmpty else { throw ScorerError.backend("cannot read distributions without context") }
        let vocabulary = vocabularySize
        var rows = [Float](repeating: 0, count: continuation.count * vocabulary)
        try lock.withLock {
            let status = subtext_llama_log_softmax(handle, tokens, Int32(tokens.count), Int32(context.count), &rows)
            guard status >= 0 else { throw ScorerError.backend("llama_decode failed with status \(status)") }
            decoded += Int(status)
        }
        return rows
    }
}

extension LlamaScorer {
    /// Each text as the model's chat template lays it out: its system and user prompt as
    /// context, its response scored. A response and a context shared by several texts are
    /// tokenized once. Scores in ``journal`` are read from it, and new ones added.
    package func logProbabilities(_ texts: [ScoredText], progress: (_ done: Int, _ total: Int) -> Void) throws
        -> [Double]
    {
        var contexts: [ContextKey: [Int32]] = [:]
        var responses: [String: [Int32]] = [:]
        let items = texts.map { text -> Item in
            let key = ContextKey(system: text.system, prompt: text.prompt)
            if contexts[key] == nil {
                contexts[key] = tokenize(chatPrompt(system: text.system, user: text.prompt), special: true)
            }
            if responses[text.response] == nil { responses[text.response] = tokenize(text.response, special: false) }
            return Item(context: contexts[key]!, continuation: responses[text.response]!)
        }
        return try logProbabilities(of: items, progress: progress)
    }

    private struct ContextKey: Hashable {
        var system: String?
        var prompt: String
    }
}
