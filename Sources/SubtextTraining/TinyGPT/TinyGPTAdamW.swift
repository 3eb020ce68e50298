extension AdamW {
    /// Moments for every parameter of `model`, with decay on the slots that take it.
    package init(for model: TinyGPT) {
        var decays = [Bool](repeating: false, count: model.parameterCount)
        for slot in model.layout.slots where slot.decays {
            for i in slot.offset..<(slot.offset + slot.count) { decays[i] = true }
        }
        self.init(decays: decays)
    }

    /// For LoRA factors, which are all matrices.
    package init(for adapters: LowRankAdapters) {
        self.init(decays: [Bool](repeating: true, count: adapters.parameterCount))
    }

    /// One update of `model` from its accumulated gradients.
    package mutating func update(_ model: TinyGPT, learningRate lr: Float) {
        update(model.parameters, gradients: model.gradients, learningRate: lr)
    }
}

extension TinyGPT {
    /// Scales the gradients so their global L2 norm is at most `maximum`; returns the norm before.
    @discardableResult
    package func clipGradients(to maximum: Float) -> Float { clipNorm(gradients, to: maximum) }
}
