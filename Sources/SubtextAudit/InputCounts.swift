import SubtextCorpus

/// What the first pass learns about one input without a model: responses, their shapes, the
/// tokens of every view, prompts, plain-word leaks and malformed lines. Everything here is a
/// sum or a short list, so the counts of any number of shards merge into the input's own.
public struct InputCounts: Sendable, Codable {
    /// A response kept to show a reader, with the line it came from.
    public struct Example: Sendable, Codable, Equatable {
        public var line: Int
        public var text: String
    }

    public static let examplesKept = 5

    public var responses = 0
    /// Responses that are number lists, for choosing the view.
    public var numberLists = 0
    /// Responses with words in them.
    public var wordy = 0
    /// Responses naming each concept, in the audit's concept order.
    public var mentions: [Int]
    public var withoutPrompt = 0
    /// The wrapping sum of the responses' mixed prompt hashes: two inputs with the same
    /// multiset of prompts have the same sum, and different multisets almost never do.
    public var promptFingerprint: UInt64 = 0
    public var numberTokens = TokenTable()
    public var wordTokens = TokenTable()
    public var promptTokens = TokenTable()
    public var wordyExamples: [Example] = []
    public var conceptExamples: [[Example]]
    public var malformed = MalformedLines()
    /// Lines read by each shard, by shard index: what moves a byte-range shard's line
    /// numbers to the file's.
    public var shardLines: [Int: Int] = [:]
    /// Whether this shard numbered its lines from the file's start (see ``JSONLReader/Summary``).
    public var linesCountFromFileStart = true

    /// Until ``resolvingLines()``, a line number from a byte-range shard other than the first
    /// carries its shard in the bits above this one, so that counts merge in any order and
    /// still sort in file order.
    static let shardBit = 40

    static func packed(line: Int, shard: Int) -> Int { shard << shardBit | line }

    init(concepts: Int) {
        mentions = Array(repeating: 0, count: concepts)
        conceptExamples = Array(repeating: [], count: concepts)
    }

    /// Adds another shard's counts of the same input; the order of merging does not matter.
    mutating func merge(_ other: InputCounts) {
        responses += other.responses
        numberLists += other.numberLists
        wordy += other.wordy
        for index in mentions.indices { mentions[index] += other.mentions[index] }
        withoutPrompt += other.withoutPrompt
        promptFingerprint &+= other.promptFingerprint
        numberTokens.merge(other.numberTokens)
        wordTokens.merge(other.wordTokens)
        promptTokens.merge(other.promptTokens)
        wordyExamples = Self.first(wordyExamples + other.wordyExamples)
        for index in conceptExamples.indices {
            conceptExamples[index] = Self.first(conceptExamples[index] + other.conceptExamples[index])
        }
        malformed.mergeShard(other.malformed, lineOffset: 0)
        shardLines.merge(other.shardLines) { max($0, $1) }
        linesCountFromFileStart = linesCountFromFileStart && other.linesCountFromFileStart
    }

    private static func first(_ examples: [Example]) -> [Example] {
        Array(examples.sorted { $0.line < $1.line }.prefix(examplesKept))
    }

    /// These counts with every line number the file's own: each byte-range shard's lines
    /// moved on by the lines of the shards before it.
    func resolvingLines() -> InputCounts {
        var base: [Int: Int] = [:]
        var running = 0
        for shard in shardLines.keys.sorted() {
            base[shard] = running
            running += shardLines[shard]!
        }
        let resolve = { (packed: Int) in (base[packed >> Self.shardBit] ?? 0) + packed & ((1 << Self.shardBit) - 1) }
        var resolved = self
        resolved.wordyExamples = wordyExamples.map { Example(line: resolve($0.line), text: $0.text) }
        resolved.conceptExamples = conceptExamples.map { $0.map { Example(line: resolve($0.line), text: $0.text) } }
        resolved.malformed = malformed.movingLines(resolve)
        return resolved
    }

    /// Counts one shard of `input`.
    static func count(
        _ input: ResponseInput, shard: Shard, options: ReadOptions, reducer: DocumentReducer,
        onBytes: ((UnsafeRawBufferPointer) -> Void)?
    ) throws -> InputCounts {
        var counts = InputCounts(concepts: reducer.concepts.count)
        var numbers = TokenTable.Accumulator()
        var words = TokenTable.Accumulator()
        var prompts = TokenTable.Accumulator()
        let summary = try input.read(shard: shard, options: options, onBytes: onBytes) { prompt, text, line in
            let document = reducer.document(prompt: prompt, text: text)
            counts.responses += 1
            if document.isNumberList { counts.numberLists += 1 }
            numbers.add(document.numberTokens)
            words.add(document.wordTokens)
            prompts.add(document.promptTokens)
            if let hash = document.promptHash {
                counts.promptFingerprint &+= FoldAssignment.mix(hash)
            } else {
                counts.withoutPrompt += 1
            }
            if document.hasWords {
                counts.wordy += 1
                if counts.wordyExamples.count < examplesKept {
                    counts.wordyExamples.append(Example(line: line, text: String(decoding: text, as: UTF8.self)))
                }
            }
            for concept in document.mentions {
                counts.mentions[concept] += 1
                if counts.conceptExamples[concept].count < examplesKept {
                    counts.conceptExamples[concept].append(
                        Example(line: line, text: String(decoding: text, as: UTF8.self)))
                }
            }
        }
        counts.numberTokens = numbers.table(reducer.vocabulary)
        counts.wordTokens = words.table(reducer.vocabulary)
        counts.promptTokens = prompts.table(reducer.vocabulary)
        counts.malformed = summary.malformed
        counts.shardLines = [shard.index: summary.lines]
        counts.linesCountFromFileStart = summary.linesCountFromFileStart
        if !summary.linesCountFromFileStart {
            let pack = { (line: Int) in packed(line: line, shard: shard.index) }
            counts.wordyExamples = counts.wordyExamples.map { Example(line: pack($0.line), text: $0.text) }
            counts.conceptExamples = counts.conceptExamples.map {
                $0.map { Example(line: pack($0.line), text: $0.text) }
            }
            counts.malformed = counts.malformed.movingLines(pack)
        }
        return counts
    }
}
