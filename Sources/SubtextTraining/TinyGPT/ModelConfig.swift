import Foundation

/// The shape of a lab model: a GPT-2-style decoder (learned positions, pre-norm blocks,
/// GELU MLP four times the width, output layer tied to the token embedding). Saved beside
/// each checkpoint as `config.json`.
package struct ModelConfig: Codable, Sendable, Equatable {
    package var vocabularySize: Int
    package var context: Int
    package var layers: Int
    package var heads: Int
    package var width: Int

    package init(vocabularySize: Int, context: Int = 64, layers: Int = 4, heads: Int = 4, width: Int = 128) {
        self.vocabularySize = vocabularySize
        self.context = context
        self.layers = layers
        self.heads = heads
        self.width = width
    }

    enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", context = "n_ctx", layers = "n_layer", heads = "n_head", width = "n_embd"
    }

    /// Rejects shapes the kernels cannot run, with the reason.
    package func validate() throws {
        guard vocabularySize > 0, context > 0, layers > 0, heads > 0, width > 0 else {
            throw TrainingError.invalidConfig("every dimension must be positive: \(self)")
        }
        guard width % heads == 0 else {
            throw TrainingError.invalidConfig("n_embd \(width) is not a multiple of n_head \(heads)")
        }
    }
}

/// One named tensor inside the flat parameter buffer.
package struct TensorSlot: Sendable, Equatable {
    package var name: String
    package var shape: [Int]
    package var offset: Int
    package var count: Int { shape.reduce(1, *) }
    /// Weight decay applies to matrices (weights and embeddings), not to gains and biases,
    /// as in GPT-2 and nanoGPT.
    package var decays: Bool { shape.count >= 2 }
}

/// Where each tensor lives in the one contiguous parameter buffer. One buffer lets AdamW,
/// gradient clipping and checkpoints treat the model as a single vector.
package struct ParameterLayout: Sendable {
    package let slots: [TensorSlot]
    package let count: Int

    package init(_ config: ModelConfig) {
        let c = config.width
        var shapes: [(String, [Int])] = [("wte", [config.vocabularySize, c]), ("wpe", [config.context, c])]
        for layer in 0..<config.layers {
            let p = "h.\(layer)."
            shapes += [
                (p + "ln_1.weight", [c]), (p + "ln_1.bias", [c]),
                (p + "attn.c_attn.weight", [3 * c, c]), (p + "attn.c_attn.bias", [3 * c]),
                (p + "attn.c_proj.weight", [c, c]), (p + "attn.c_proj.bias", [c]),
                (p + "ln_2.weight", [c]), (p + "ln_2.bias", [c]),
                (p + "mlp.c_fc.weight", [4 * c, c]), (p + "mlp.c_fc.bias", [4 * c]),
                (p + "mlp.c_proj.weight", [c, 4 * c]), (p + "mlp.c_proj.bias", [c])
            ]
        }
        shapes += [("ln_f.weight", [c]), ("ln_f.bias", [c])]
        var offset = 0
        slots = shapes.map { name, shape in
            defer { offset += shape.reduce(1, *) }
            return TensorSlot(name: name, shape: shape, offset: offset)
        }
        count = offset
    }

    package func slot(_ name: String) -> TensorSlot {
        guard let slot = slots.first(where: { $0.name == name }) else { preconditionFailure("no tensor \(name)") }
        return slot
    }
}
