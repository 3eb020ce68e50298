/// The shape of a Llama-architecture decoder (RMSNorm, rotary positions, grouped-query
/// attention, SwiGLU), as a GGUF file's `llama.*` metadata gives it.
public struct LlamaConfig: Codable, Equatable, Sendable {
    public var layers: Int
    public var width: Int
    public var heads: Int
    public var kvHeads: Int
    /// The SwiGLU hidden width.
    public var hidden: Int
    public var vocabularySize: Int
    public var ropeBase: Float
    public var normEpsilon: Float
    /// Whether the output projection is the token embedding (no `output.weight`).
    public var tiedEmbeddings: Bool

    enum CodingKeys: String, CodingKey {
        case layers, width, heads, kvHeads = "kv_heads", hidden, vocabularySize = "vocabulary_size", ropeBase = "rope_base"
        case normEpsilon = "norm_epsilon", tiedEmbeddings = "tied_embeddings"
    }

    public var headSize: Int { width / heads }
    public var kvWidth: Int { kvHeads * headSize }

    public init(layers: Int, width: Int, heads: Int, kvHeads: Int, hidden: Int, vocabularySize: Int,
                ropeBase: Float = 10000, normEpsilon: Float = 1e-5, tiedEmbeddings: Bool = true) {
        (self.layers, self.width, self.heads, self.kvHeads, self.hidden) = (layers, width, heads, kvHeads, hidden)
        (self.vocabularySize, self.ropeBase, self.normEpsilon, self.tiedEmbeddings) = (vocabularySize, ropeBase, normEpsilon, tiedEmbeddings)
    }

    /// Reads the shape from `file`, refusing an architecture or a feature this trainer does not
    /// implement (it would train a different model than llama.cpp runs).
    public init(_ file: GGUFFile) throws {
        func fail(_ reason: String) -> TrainingError { .model(path: file.path, reason: reason) }
        let architecture = file.string("general.architecture") ?? "(none)"
        guard architecture == "llama" else {
            throw fail("architecture \"\(architecture)\" is not supported; the student trainer reads Llama-architecture models (\"llama\")")
        }
        func integer(_ key: String) throws -> Int {
            guard let value = file.number("llama." + key), value >= 1, value == value.rounded() else { throw fail("no usable llama.\(key)") }
            return Int(value)
        }
        guard let embedding = file.tensors["token_embd.weight"], embedding.shape.count == 2 else {
            throw fail("no token_embd.weight matrix")
        }
        self.init(layers: try integer("block_count"), width: try integer("embedding_length"),
                  heads: try integer("attention.head_count"), kvHeads: try integer("attention.head_count_kv"),
                  hidden: try integer("feed_forward_length"), vocabularySize: embedding.shape[1],
                  ropeBase: Float(file.number("llama.rope.freq_base") ?? 10000),
                  normEpsilon: Float(file.number("llama.attention.layer_norm_rms_epsilon") ?? 1e-5),
                  tiedEmbeddings: file.tensors["output.weight"] == nil)
        if let ropeDimensions = file.number("llama.rope.dimension_count"), Int(ropeDimensions) != headSize {
            throw fail("rotary positions on \(Int(ropeDimensions)) of \(headSize) head dimensions are not supported")
        }
        if file.string("llama.rope.scaling.type").map({ $0 != "none" }) == true || file.tensors["rope_freqs.weight"] != nil {
            throw fail("scaled rotary positions are not supported")
        }
        guard width % heads == 0, heads % kvHeads == 0, headSize % 2 == 0 else {
            throw fail("\(heads) heads, \(kvHeads) key/value heads and width \(width) do not divide evenly")
        }
    }
}

/// Where each tensor lives in a Llama model's one flat parameter buffer, named as in GGUF.
public struct LlamaLayout: Sendable {
    public struct Slot: Sendable {
        public var name: String
        public var rows: Int, columns: Int
        public var offset: Int
        public var count: Int { rows * columns }
        /// Matrices take weight decay; norm gains do not.
        public var isMatrix: Bool { rows > 1 }
    }

    public let slots: [Slot]
    public let count: Int
    private let index: [String: Int]

    /// The matrices of each block that LoRA adapts: every attention and MLP projection.
    public static let adaptedMatrices = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]

    public init(_ config: LlamaConfig) {
        var slots: [Slot] = [], offset = 0
        func add(_ name: String, _ rows: Int, _ columns: Int) {
            slots.append(Slot(name: name, rows: rows, columns: columns, offset: offset))
            offset += rows * columns
        }
        let (c, kv, f) = (config.width, config.kvWidth, config.hidden)
        add("token_embd.weight", config.vocabularySize, c)
        for layer in 0..<config.layers {
            let prefix = "blk.\(layer)."
            add(prefix + "attn_norm.weight", 1, c)
            add(prefix + "attn_q.weight", c, c)
            add(prefix + "attn_k.weight", kv, c)
            add(prefix + "attn_v.weight", kv, c)
            add(prefix + "attn_output.weight", c, c)
            add(prefix + "ffn_norm.weight", 1, c)
            add(prefix + "ffn_gate.weight", f, c)
            add(prefix + "ffn_up.weight", f, c)
            add(prefix + "ffn_down.weight", c, f)
        }
        add("output_norm.weight", 1, c)
        if !config.tiedEmbeddings { add("output.weight", config.vocabularySize, c) }
        self.slots = slots
        count = offset
        index = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($1.name, $0) })
    }

    public func slot(_ name: String) -> Slot {
        guard let position = index[name] else { preconditionFailure("no tensor \(name)") }
        return slots[position]
    }
}
