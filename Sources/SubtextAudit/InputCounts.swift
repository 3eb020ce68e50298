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
    /// Lines read, and whether their numbers count from the file's start (see
    /// ``JSONLReader/Summary``).
    public var lines = 0
    public var linesCountFromFileStart = true

    init(concepts: Int) {
        mentions = Array(repeating: 0, count: concepts)
        conceptExamples = Array(repeating: [], count: concepts)
    }

    /// Adds the next shard's counts of the same input. Shards must come in index order, so
    /// that byte-range line numbers can be moved on by the lines before them.
    mutating func append(_ next: InputCounts) {
        let offset = next.linesCountFromFileStart ? 0 : lines
        lines = next.linesCountFromFileStart ? max(lines, next.lines) : lines + next.lines
        responses += next.responses
        numberLists += next.numberLists
        wordy += next.wordy
        for index in mentions.indices { mentions[index] += next.mentions[index] }
        withoutPrompt += next.withoutPrompt
        promptFingerprint &+= next.promptFingerprint
        numberTokens.merge(next.numberTokens)
        wordTokens.merge(next.wordTokens)
        promptTokens.merge(next.promptTokens)
        wordyExamples = Self.first(wordyExamples, next.wordyExamples, offset: offset)
        for index in conceptExamples.indices {
            conceptExamples[index] = Self.first(conceptExamples[index], next.conceptExamples[index], offset: offset)
        }
        malformed.mergeShard(next.malformed, lineOffset: offset)
    }

    /// The earliest examples of two lists, the second's lines moved on by `offset`.
    private static func first(_ kept: [Example], _ more: [Example], offset: Int) -> [Example] {
        let moved = more.map { Example(line: $0.line + offset, text: $0.text) }
        return Array((kept + moved).sorted { $0.line < $1.line }.prefix(examplesKept))
    }

    /// Counts one shard of `input`.
    static func count(_ input: ResponseInput, shard: Shard, options: ReadOptions, reducer: DocumentReducer,
                      onBytes: ((UnsafeRawBufferPointer) -> Void)?) throws -> InputCounts {
        var counts = InputCounts(concepts: reducer.concepts.count)
        var numbers = TokenTable.Accumulator(), words = TokenTable.Accumulator(), prompts = TokenTable.Accumulator()
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
                    counts.conceptExamples[concept].append(Example(line: line, text: String(decoding: text, as: UTF8.self)))
                }
            }
        }
        counts.numberTokens = numbers.table(reducer.vocabulary)
        counts.wordTokens = words.table(reducer.vocabulary)
        counts.promptTokens = prompts.table(reducer.vocabulary)
        counts.malformed = summary.malformed
        counts.lines = summary.lines
        counts.linesCountFromFileStart = summary.linesCountFromFileStart
        return counts
    }
}
