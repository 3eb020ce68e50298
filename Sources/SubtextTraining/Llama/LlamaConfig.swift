/// The shape of a decoder of the Llama family, as a GGUF file's metadata gives it: Llama itself
/// (RMSNorm, rotary positions, grouped-query attention, SwiGLU) or Gemma 3, which changes the
/// block without changing its plan.
package struct LlamaConfig: Codable, Equatable, Sendable {
    /// The members of the family the trainer implements, by their GGUF `general.architecture`.
    ///
    /// Gemma 3 differs from Llama in six places, all fixed by the architecture rather than by
    /// metadata: the token embedding is scaled by √width; queries and keys are RMS-normalised per
    /// head before their rotation; the attention and MLP outputs are RMS-normalised before they
    /// join the residual; the MLP gates with GELU (tanh) instead of SiLU; rotary positions rotate
    /// the two halves of a head (NeoX) rather than adjacent pairs; and all but every sixth layer
    /// attend within a sliding window, with their own rotary base.
    package enum Architecture: String, Codable, Sendable {
        case llama, gemma3
    }

    package var architecture: Architecture
    package var layers: Int
    package var width: Int
    package var heads: Int
    package var kvHeads: Int
    /// The width of one attention head; Gemma's need not be width / heads.
    package var headSize: Int
    /// The MLP's hidden width.
    package var hidden: Int
    package var vocabularySize: Int
    package var ropeBase: Float
    package var normEpsilon: Float
    /// Whether the output projection is the token embedding (no `output.weight`).
    package var tiedEmbeddings: Bool
    /// The factor on query·key products, 1/√headSize unless the architecture says otherwise.
    package var attentionScale: Float
    /// How far back a sliding-window layer attends (a key at most `slidingWindow − 1` positions
    /// before its query), nil when every layer attends to the whole context.
    package var slidingWindow: Int?
    /// In each group of `slidingPattern` layers the last attends to the whole context and the
    /// others slide, as llama.cpp's `set_swa_pattern`.
    package var slidingPattern: Int
    /// The rotary base of sliding-window layers.
    package var localRopeBase: Float

    enum CodingKeys: String, CodingKey {
        case architecture, layers, width, heads, kvHeads = "kv_heads", headSize = "head_size", hidden
        case vocabularySize = "vocabulary_size", ropeBase = "rope_base", normEpsilon = "norm_epsilon"
        case tiedEmbeddings = "tied_embeddings", attentionScale = "attention_scale", slidingWindow = "sliding_window"
        case slidingPattern = "sliding_pattern", localRopeBase = "local_rope_base"
    }

    package var queryWidth: Int { heads * headSize }
    package var kvWidth: Int { kvHeads * headSize }
    /// What the token embedding is multiplied by on its way into the first block.
    package var embeddingScale: Float { architecture == .gemma3 ? Float(width).squareRoot() : 1 }
    /// Whether queries and keys, and the attention and MLP outputs, pass through extra RMSNorms.
    package var hasGemmaNorms: Bool { architecture == .gemma3 }

    /// Whether `layer` attends within the sliding window.
    package func isSliding(_ layer: Int) -> Bool {
        slidingWindow != nil && layer % slidingPattern < slidingPattern - 1
    }

    package init(
        architecture: Architecture = .llama, layers: Int, width: Int, heads: Int, kvHeads: Int, headSize: Int? = nil,
        hidden: Int, vocabularySize: Int, ropeBase: Float = 10000, normEpsilon: Float = 1e-5,
        tiedEmbeddings: Bool = true,
        attentionScale: Float? = nil, slidingWindow: Int? = nil, slidingPattern: Int = 6, localRopeBase: Float = 10000
    ) {
        (self.architecture, self.layers, self.width, self.heads, self.kvHeads) = (
            architecture, layers, width, heads, kvHeads
        )
        self.headSize = headSize ?? width / heads
        (self.hidden, self.vocabularySize, self.ropeBase, self.normEpsilon) = (
            hidden, vocabularySize, ropeBase, normEpsilon
        )
        self.tiedEmbeddings = tiedEmbeddings
        self.attentionScale = attentionScale ?? 1 / Float(self.headSize).squareRoot()
        (self.slidingWindow, self.slidingPattern, self.localRopeBase) = (slidingWindow, slidingPattern, localRopeBase)
    }

    /// Reads the shape from `file`, refusing an architecture or a feature this trainer does not
    /// implement (it would train a different model than llama.cpp runs).
    package init(_ file: GGUFFile) throws {
        func fail(_ reason: String) -> TrainingError { .model(path: file.path, reason: reason) }
        let name = file.string("general.architecture") ?? "(none)"
        guard let architecture = Architecture(rawValue: name) else {
            throw fail(
                "architecture \"\(name)\" is not supported; the student trainer reads Llama (\"llama\") and Gemma 3 (\"gemma3\") models"
            )
        }
        let prefix = name + "."
        func integer(_ key: String) throws -> Int {
            guard let value = file.number(prefix + key), value >= 1, value == value.rounded() else {
                throw fail("no usable \(prefix)\(key)")
            }
            return Int(value)
        }
        guard let embedding = file.tensors["token_embd.weight"], embedding.shape.count == 2 else {
            throw fail("no token_embd.weight matrix")
        }
        let width = try integer("embedding_length")
        let heads = try integer("attention.head_count")
        let headSize =
            try file.number(prefix + "attention.key_length") == nil ? width / heads : integer("attention.key_length")
        if let valueSize = file.number(prefix + "attention.value_length"), Int(valueSize) != headSize {
            throw fail("value heads of \(Int(valueSize)) and key heads of \(headSize) dimensions are not supported")
        }
        var window: Int?
        if architecture == .gemma3, let value = file.number(prefix + "attention.sliding_window"), value > 0 {
            window = Int(value)
        }
        if file.arrayLength(prefix + "attention.sliding_window_pattern") != nil {
            throw fail("a per-layer sliding-window pattern is not supported")
        }
        self.init(
            architecture: architecture, layers: try integer("block_count"), width: width, heads: heads,
            kvHeads: try integer("attention.head_count_kv"), headSize: headSize,
            hidden: try integer("feed_forward_length"),
            vocabularySize: embedding.shape[1], ropeBase: Float(file.number(prefix + "rope.freq_base") ?? 10000),
            normEpsilon: Float(file.number(prefix + "attention.layer_norm_rms_epsilon") ?? 1e-5),
            tiedEmbeddings: file.tensors["output.weight"] == nil, slidingWindow: window,
            slidingPattern: file.number(prefix + "attention.sliding_window_pattern").map { Int($0) } ?? 6,
            localRopeBase: Float(file.number(prefix + "rope.freq_base_swa") ?? 10000))
        if architecture == .gemma3 && layers == 62 {
            // llama.cpp scales Gemma 3 27B's queries by 1/√(width/heads), every other size by 1/√headSize.
            attentionScale = 1 / Float(width / heads).squareRoot()
        }
        if let ropeDimensions = file.number(prefix + "rope.dimension_count"), Int(ropeDimensions) != headSize {
            throw fail("rotary positions on \(Int(ropeDimensions)) of \(headSize) head dimensions are not supported")
        }
        if file.string(prefix + "rope.scaling.type").map({ $0 != "none" }) == true
            || file.tensors["rope_freqs.weight"] != nil
        {
            throw fail("scaled rotary positions are not supported")
        }
        if let cap = file.number(prefix + "final_logit_softcapping"), cap != 0 {
            throw fail("soft-capped output logits are not supported")
        }
        guard heads % kvHeads == 0, headSize % 2 == 0, architecture != .llama || width % heads == 0 else {
            throw fail(
                "\(heads) heads, \(kvHeads) key/value heads, head size \(headSize) and width \(width) do not divide evenly"
            )
        }
    }
}

/// Where each tensor lives in a model's one flat parameter buffer, named as in GGUF.
package struct LlamaLayout: Sendable {
    package struct Slot: Sendable {
        package var name: String
        package var rows: Int, columns: Int
        package var offset: Int
        package var count: Int { rows * columns }
        /// Matrices take weight decay; norm gains do not.
        package var isMatrix: Bool { rows > 1 }
    }

    package let slots: [Slot]
    package let count: Int
    private let index: [String: Int]

    /// The matrices of each block that LoRA adapts: every attention and MLP projection.
    package static let adaptedMatrices = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]

    package init(_ config: LlamaConfig) {
        var slots: [Slot] = []
        var offset = 0
        func add(_ name: String, _ rows: Int, _ columns: Int) {
            slots.append(Slot(name: name, rows: rows, columns: columns, offset: offset))
            offset += rows * columns
        }
        let (c, q, kv, f) = (config.width, config.queryWidth, config.kvWidth, config.hidden)
        add("token_embd.weight", config.vocabularySize, c)
        for layer in 0..<config.layers {
            let prefix = "blk.\(layer)."
            add(prefix + "attn_norm.weight", 1, c)
            add(prefix + "attn_q.weight", q, c)
            add(prefix + "attn_k.weight", kv, c)
            add(prefix + "attn_v.weight", kv, c)
            add(prefix + "attn_output.weight", c, q)
            add(prefix + "ffn_norm.weight", 1, c)
            add(prefix + "ffn_gate.weight", f, c)
            add(prefix + "ffn_up.weight", f, c)
            add(prefix + "ffn_down.weight", c, f)
            if config.hasGemmaNorms {
                add(prefix + "attn_q_norm.weight", 1, config.headSize)
                add(prefix + "attn_k_norm.weight", 1, config.headSize)
                add(prefix + "post_attention_norm.weight", 1, c)
                add(prefix + "post_ffw_norm.weight", 1, c)
            }
        }
        add("output_norm.weight", 1, c)
        if !config.tiedEmbeddings { add("output.weight", config.vocabularySize, c) }
        self.slots = slots
        count = offset
        index = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($1.name, $0) })
    }

    package func slot(_ name: String) -> Slot {
        guard let position = index[name] else { preconditionFailure("no tensor \(name)") }
        return slots[position]
    }
}
