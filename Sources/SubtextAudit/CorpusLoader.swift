import SubtextCorpus
import SubtextTokenizers

/// A side of the comparison (teacher or control) after reading.
public struct LoadedCorpus: Sendable {
    public var name: String
    public var files: [String]
    public var documents: [Document] = []
    public var malformed = MalformedLines()
    /// Up to a few responses that contain words, and that name each concept, for the leak scan.
    public var wordyExamples: [String] = []
    public var conceptExamples: [[String]]

    init(name: String, files: [String], conceptCount: Int) {
        self.name = name
        self.files = files
        conceptExamples = Array(repeating: [], count: conceptCount)
    }
}

/// Reads JSONL files into ``Document``s, sharing one vocabulary across both sides so token
/// ids compare.
public struct CorpusLoader {
    public static let examplesKept = 5
    public let options: ReadOptions
    public let vocabulary: Vocabulary
    public let concepts: ConceptMatcher
    /// When set, the token view uses this model tokenizer instead of the word tokenizer.
    public let modelTokenizer: BPETokenizer?
    private let tokenizer = WordTokenizer()

    public init(options: ReadOptions, vocabulary: Vocabulary, concepts: ConceptMatcher, modelTokenizer: BPETokenizer? = nil) {
        self.options = options
        self.vocabulary = vocabulary
        self.concepts = concepts
        self.modelTokenizer = modelTokenizer
    }

    /// Reads `files` as one side. `progress` hears each file as it finishes.
    public func load(name: String, files: [String], progress: (String, JSONLReader.Summary) -> Void = { _, _ in })
        throws -> LoadedCorpus
    {
        var corpus = LoadedCorpus(name: name, files: files, conceptCount: concepts.count)
        for file in files {
            let summary = try JSONLReader(path: file, options: options).read { record in
                corpus.documents.append(document(prompt: record.prompt, text: record.text, corpus: &corpus))
            }
            corpus.malformed.merge(summary.malformed)
            progress(file, summary)
        }
        return corpus
    }

    /// Reads records held in memory as one side.
    public func load(name: String, records: [Record]) -> LoadedCorpus {
        var corpus = LoadedCorpus(name: name, files: [], conceptCount: concepts.count)
        corpus.documents.reserveCapacity(records.count)
        for record in records {
            var response = record.response
            let document = response.withUTF8 { text in
                guard var prompt = record.prompt else { return self.document(prompt: nil, text: text, corpus: &corpus) }
                return prompt.withUTF8 { self.document(prompt: $0, text: text, corpus: &corpus) }
            }
            corpus.documents.append(document)
        }
        return corpus
    }

    private func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    private func document(prompt: UnsafeBufferPointer<UInt8>?, text: UnsafeBufferPointer<UInt8>,
                          corpus: inout LoadedCorpus) -> Document {
        let numbers = NumberList(scanning: text, vocabulary: vocabulary)
        let format = TextFormat(text: text, numbers: numbers)
        var promptIDs: [Int32] = []
        var promptValues = Set<Int32>()
        var promptLast: Int32?
        if let prompt {
            let promptNumbers = NumberList(scanning: prompt, vocabulary: vocabulary)
            promptValues = Set(promptNumbers.values)
            promptLast = promptNumbers.values.last
            tokenizer.tokenize(prompt) { promptIDs.append(vocabulary.id(for: $0)) }
        }
        var wordIDs: [Int32] = []
        if let modelTokenizer {
            let text = String(decoding: text, as: UTF8.self)
            wordIDs = modelTokenizer.encode(text).map { vocabulary.id(for: modelTokenizer.token($0) ?? "<\($0)>") }
        } else {
            wordIDs.reserveCapacity(numbers.count * 2)
            tokenizer.tokenize(text) { wordIDs.append(vocabulary.id(for: $0)) }
        }

        let mentions = format.hasWords ? concepts.matches(in: text) : []
        if format.hasWords, corpus.wordyExamples.count < Self.examplesKept {
            corpus.wordyExamples.append(String(decoding: text, as: UTF8.self))
        }
        for concept in mentions where corpus.conceptExamples[concept].count < Self.examplesKept {
            corpus.conceptExamples[concept].append(String(decoding: text, as: UTF8.self))
        }
        return Document(
            numberTokens: TokenCounts(numbers.ids),
            wordTokens: TokenCounts(wordIDs),
            promptTokens: TokenCounts(promptIDs),
            promptHash: prompt.map(fnv1a),
            numberFeatures: NumberFeatures.features(numbers: numbers.values, widths: numbers.widths,
                                                    promptLast: promptLast),
            formatFeatures: FormatFeatures.features(format: format, numbers: numbers.values, widths: numbers.widths,
                                                    promptNumbers: promptValues, promptLast: promptLast),
            isNumberList: format.isNumberList,
            hasWords: format.hasWords,
            mentions: mentions)
    }
}
