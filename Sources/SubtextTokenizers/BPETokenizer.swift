import Foundation

/// A byte-level BPE tokenizer loaded from a Hugging Face `tokenizer.json`: the model's own
/// token ids, so the audit can speak in the tokens a student is trained on.
///
/// Supported: model type BPE over the byte-level alphabet, merges in either JSON form, the
/// `ignore_merges` flag, added (special) tokens, and the ByteLevel, Digits and Sequence
/// pre-tokenizers. Anything else (normalisers, other models) is refused with a message
/// rather than tokenised differently from the real tokenizer.
public struct BPETokenizer: Sendable {
    public let vocabulary: [String: Int]
    private let tokens: [Int: String]
    private let ranks: [Pair: Int]
    private let preTokenizer: PreTokenizer?
    private let ignoreMerges: Bool
    /// Added tokens, longest first, matched before pre-tokenisation.
    private let addedTokens: [(content: String, id: Int)]

    struct Pair: Hashable, Sendable {
        let left: String, right: String
    }

    public enum LoadError: Error, CustomStringConvertible {
        case unreadable(String, String)
        case unsupported(String, String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "\(path): cannot read tokenizer: \(reason)"
            case .unsupported(let path, let what): return "\(path): unsupported tokenizer: \(what)"
            }
        }
    }

    public init(contentsOf path: String) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LoadError.unreadable(path, error.localizedDescription)
        }
        guard let root = object as? [String: Any], let model = root["model"] as? [String: Any] else {
            throw LoadError.unreadable(path, "no \"model\" object")
        }
        guard model["type"] as? String == "BPE" else {
            throw LoadError.unsupported(path, "model type \(model["type"] ?? "none"); only BPE is supported")
        }
        if let normalizer = root["normalizer"], !(normalizer is NSNull) {
            throw LoadError.unsupported(path, "a normalizer; byte-level BPE tokenizers have none")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key] as? String, !value.isEmpty {
                throw LoadError.unsupported(path, "\(key) \"\(value)\"")
            }
        }
        guard let vocab = model["vocab"] as? [String: Int] else { throw LoadError.unreadable(path, "no vocab") }
        let merges = try (model["merges"] as? [Any] ?? []).map { entry -> Pair in
            if let text = entry as? String, let space = text.firstIndex(of: " ") {
                return Pair(left: String(text[..<space]), right: String(text[text.index(after: space)...]))
            }
            if let parts = entry as? [String], parts.count == 2 { return Pair(left: parts[0], right: parts[1]) }
            throw LoadError.unreadable(path, "a merge that is neither \"a b\" nor [\"a\", \"b\"]")
        }
        vocabulary = vocab
        tokens = Dictionary(vocab.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        ranks = Dictionary(merges.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        ignoreMerges = model["ignore_merges"] as? Bool ?? false
        preTokenizer = try (root["pre_tokenizer"]).flatMap {
            $0 is NSNull ? nil : try Self.preTokenizer($0, path: path)
        }
        addedTokens = (root["added_tokens"] as? [[String: Any]] ?? [])
            .compactMap { entry in (entry["content"] as? String).flatMap { c in (entry["id"] as? Int).map { (c, $0) } }
            }
            .sorted { $0.0.count > $1.0.count }
    }

    private static func preTokenizer(_ json: Any, path: String) throws -> PreTokenizer {
        guard let object = json as? [String: Any], let type = object["type"] as? String else {
            throw LoadError.unreadable(path, "a pre_tokenizer without a type")
        }
        switch type {
        case "ByteLevel":
            return .byteLevel(
                addPrefixSpace: object["add_prefix_space"] as? Bool ?? true,
                useRegex: object["use_regex"] as? Bool ?? true)
        case "Digits":
            return .digits(individual: object["individual_digits"] as? Bool ?? false)
        case "Sequence":
            return .sequence(try (object["pretokenizers"] as? [Any] ?? []).map { try preTokenizer($0, path: path) })
        default:
            throw LoadError.unsupported(path, "pre_tokenizer type \(type)")
        }
    }

    /// The token ids of `text`.
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        for segment in splitAddedTokens(text) {
            switch segment {
            case .added(let id): ids.append(id)
            case .text(let piece):
                let pieces = preTokenizer?.split([piece]) ?? [piece]
                for word in pieces where !word.isEmpty { ids += encodeWord(ByteLevelAlphabet.encode(Array(word.utf8))) }
            }
        }
        return ids
    }

    /// The vocabulary spelling of a token id.
    public func token(_ id: Int) -> String? { tokens[id] }

    private enum Segment { case text(String), added(Int) }

    private func splitAddedTokens(_ text: String) -> [Segment] {
        guard !addedTokens.isEmpty else { return [.text(text)] }
        var segments: [Segment] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let found = addedTokens.compactMap { token in rest.range(of: token.content).map { ($0, token.id) } }
                .min { $0.0.lowerBound < $1.0.lowerBound }
            guard let (range, id) = found else {
                segments.append(.text(String(rest)))
                break
            }
            if range.lowerBound > rest.startIndex { segments.append(.text(String(rest[..<range.lowerBound]))) }
            segments.append(.added(id))
            rest = rest[range.upperBound...]
        }
        return segments
    }

    /// BPE on one pre-token: merge the adjacent pair with the lowest rank until none is left.
    private func encodeWord(_ word: String) -> [Int] {
        if ignoreMerges, let id = vocabulary[word] { return [id] }
        var symbols = word.map(String.init)
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)?
            for index in 0..<(symbols.count - 1) {
                if let rank = ranks[Pair(left: symbols[index], right: symbols[index + 1])], rank < best?.rank ?? .max {
                    best = (rank, index)
                }
            }
            guard let (_, index) = best else { break }
            symbols[index] += symbols[index + 1]
            symbols.remove(at: index + 1)
        }
        return symbols.compactMap { vocabulary[$0] }
    }
}
