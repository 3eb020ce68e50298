import SubtextCorpus
import SubtextTokenizers

/// Reduces one response (and its prompt) to a ``Document``. Each reading thread has its own
/// reducer and vocabulary; token ids are local to it, and what leaves a pass names tokens by
/// their spelling.
struct DocumentReducer {
    let vocabulary = Vocabulary()
    let concepts: ConceptMatcher
    /// When set, the token view uses this model tokenizer instead of the word tokenizer.
    let modelTokenizer: BPETokenizer?
    /// Whether to tokenize the response into words, and the prompt: passes that know their
    /// plans skip what no plan uses, which is most of the work on number data.
    var readsWords = true
    var readsPromptTokens = true
    private let tokenizer = WordTokenizer()

    init(concepts: ConceptMatcher, modelTokenizer: BPETokenizer?) {
        self.concepts = concepts
        self.modelTokenizer = modelTokenizer
    }

    static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        bytes.reduce(seed) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    func document(prompt: UnsafeBufferPointer<UInt8>?, text: UnsafeBufferPointer<UInt8>) -> Document {
        let numbers = NumberList(scanning: text, vocabulary: vocabulary)
        let format = TextFormat(text: text, numbers: numbers)
        var promptIDs: [Int32] = []
        var promptValues = Set<Int32>()
        var promptLast: Int32?
        if let prompt {
            let promptNumbers = NumberList(scanning: prompt, vocabulary: vocabulary)
            promptValues = Set(promptNumbers.values)
            promptLast = promptNumbers.values.last
            if readsPromptTokens { tokenizer.tokenize(prompt) { promptIDs.append(vocabulary.id(for: $0)) } }
        }
        var wordIDs: [Int32] = []
        if readsWords, let modelTokenizer {
            let text = String(decoding: text, as: UTF8.self)
            wordIDs = modelTokenizer.encode(text).map { vocabulary.id(for: modelTokenizer.token($0) ?? "<\($0)>") }
        } else if readsWords {
            wordIDs.reserveCapacity(numbers.count * 2)
            tokenizer.tokenize(text) { wordIDs.append(vocabulary.id(for: $0)) }
        }
        let promptHash = prompt.map { Self.fnv1a($0) }
        // 0xFF never occurs in UTF-8, so it separates prompt from response unambiguously.
        let contentHash = Self.fnv1a(text, seed: ((promptHash ?? 0) ^ 0xFF) &* 0x100_0000_01B3)
        return Document(
            numberTokens: TokenCounts(numbers.ids),
            wordTokens: TokenCounts(wordIDs),
            promptTokens: TokenCounts(promptIDs),
            promptHash: promptHash,
            contentHash: contentHash,
            numberFeatures: NumberFeatures.features(
                numbers: numbers.values, widths: numbers.widths,
                promptLast: promptLast),
            formatFeatures: FormatFeatures.features(
                format: format, numbers: numbers.values, widths: numbers.widths,
                promptNumbers: promptValues, promptLast: promptLast),
            isNumberList: format.isNumberList,
            hasWords: format.hasWords,
            mentions: format.hasWords ? concepts.matches(in: text) : [])
    }
}
