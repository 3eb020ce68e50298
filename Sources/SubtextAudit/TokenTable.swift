import SubtextCorpus

/// How often each token occurs in one input, and in how many of its responses, by spelling:
/// the form in which token counts leave a shard and merge with others.
public struct TokenTable: Sendable, Equatable, Codable {
    public struct Count: Sendable, Equatable {
        public var occurrences = 0
        public var documents = 0
    }

    public private(set) var counts: [String: Count] = [:]

    public init() {}

    public mutating func merge(_ other: TokenTable) {
        for (token, count) in other.counts {
            counts[token, default: Count()].occurrences += count.occurrences
            counts[token, default: Count()].documents += count.documents
        }
    }

    /// Encoded as parallel arrays in token order, so equal tables encode equally.
    enum CodingKeys: String, CodingKey { case tokens, occurrences, documents }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let tokens = try container.decode([String].self, forKey: .tokens)
        let occurrences = try container.decode([Int].self, forKey: .occurrences)
        let documents = try container.decode([Int].self, forKey: .documents)
        guard tokens.count == occurrences.count, tokens.count == documents.count, Set(tokens).count == tokens.count
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .tokens, in: container,
                debugDescription: "tokens and counts do not match")
        }
        for index in tokens.indices {
            counts[tokens[index]] = Count(occurrences: occurrences[index], documents: documents[index])
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let tokens = counts.keys.sorted()
        try container.encode(tokens, forKey: .tokens)
        try container.encode(tokens.map { counts[$0]!.occurrences }, forKey: .occurrences)
        try container.encode(tokens.map { counts[$0]!.documents }, forKey: .documents)
    }

    /// Token counts by a reading thread's ids, turned into a table by spelling once the
    /// thread is done: arrays indexed by id keep the per-response work free of hashing.
    struct Accumulator {
        private var occurrences: [Int] = []
        private var documents: [Int] = []

        mutating func add(_ tokens: TokenCounts) {
            for (id, count) in zip(tokens.ids, tokens.counts) {
                let index = Int(id)
                if index >= occurrences.count {
                    let grown = max(index + 1, occurrences.count * 2)
                    occurrences += Array(repeating: 0, count: grown - occurrences.count)
                    documents += Array(repeating: 0, count: grown - documents.count)
                }
                occurrences[index] += Int(count)
                documents[index] += 1
            }
        }

        func table(_ vocabulary: Vocabulary) -> TokenTable {
            var table = TokenTable()
            for index in documents.indices where documents[index] > 0 {
                table.counts[vocabulary.spelling(Int32(index))] = Count(
                    occurrences: occurrences[index],
                    documents: documents[index])
            }
            return table
        }
    }
}
