import CBLAS
import Foundation
import SubtextStatistics

/// A GPT-2-style decoder small enough to train on two CPU cores: the lab's model organism.
///
/// Parameters and their gradients are two flat Float buffers laid out by ``ParameterLayout``.
/// ``forward(_:)`` keeps every activation that ``backward()`` needs, for batches of up to
/// the capacity it was last asked for. Everything is deterministic for a given seed and
/// OpenBLAS thread count.
package final class TinyGPT {
    package let config: ModelConfig
    package let layout: ParameterLayout
    package private(set) var parameters: UnsafeMutableBufferPointer<Float>
    package private(set) var gradients: UnsafeMutableBufferPointer<Float>
    private var storage: UnsafeMutableBufferPointer<Float> = .allocate(capacity: 0)
    private var activations: Activations!
    private var lastBatch: Batch?

    /// A freshly initialised model: N(0, 0.02) weights, with the residual projections scaled
    /// by 1/√(2·layers) as in GPT-2; gains 1, biases 0.
    package init(config: ModelConfig, seed: UInt64) throws {
        try config.validate()
        self.config = config
        layout = ParameterLayout(config)
        parameters = .allocate(capacity: layout.count)
        gradients = .allocate(capacity: layout.count)
        parameters.initialize(repeating: 0)
        gradients.initialize(repeating: 0)
        var generator = SeededGenerator.stream(seed, "lab.init")
        let residualScale = 1 / Float(2 * config.layers).squareRoot()
        for slot in layout.slots {
            let values = parameters.baseAddress! + slot.offset
            if slot.name.hasSuffix("ln_1.weight") || slot.name.hasSuffix("ln_2.weight") || slot.name == "ln_f.weight" {
                for i in 0..<slot.count { values[i] = 1 }
            } else if slot.decays {
                let std: Float = slot.name.hasSuffix("c_proj.weight") ? 0.02 * residualScale : 0.02
                for i in 0..<slot.count { values[i] = std * standardNormal(&generator) }
            }
        }
    }

    /// A model holding a copy of `other`'s parameters.
    package init(copying other: TinyGPT) {
        config = other.config
        layout = other.layout
        parameters = .allocate(capacity: layout.count)
        gradients = .allocate(capacity: layout.count)
        _ = parameters.initialize(from: other.parameters)
        gradients.initialize(repeating: 0)
    }

    deinit {
        parameters.deallocate()
        gradients.deallocate()
        storage.deallocate()
    }

    package var parameterCount: Int { layout.count }

    package func tensor(_ name: String) -> UnsafeMutableBufferPointer<Float> {
        let slot = layout.slot(name)
        return UnsafeMutableBufferPointer(rebasing: parameters[slot.offset..<(slot.offset + slot.count)])
    }

    package func zeroGradients() { gradients.update(repeating: 0) }

    // MARK: Forward

    /// Runs the batch through the model and returns the mean loss over its learned positions
    /// (0 when there are none). Keeps the activations for ``backward()``.
    @discardableResult
    package func forward(_ batch: Batch) -> Float {
        precondition(batch.time <= config.context, "sequence of \(batch.time) tokens exceeds n_ctx \(config.context)")
        _ = BLAS.singleThreaded // the kernels split rows over their own threads
        let (b, t, c, v) = (batch.size, batch.time, config.width, config.vocabularySize)
        let n = b * t
        let a = carveActivations(batch: b, time: t)
        let p = parameters.baseAddress!
        let wte = p + layout.slot("wte").offset
        let wpe = p + layout.slot("wpe").offset
        batch.tokens.withUnsafeBufferPointer { tokens in
            for row in 0..<n {
                let token = Int(tokens[row])
                precondition(token >= 0 && token < v, "token id \(token) outside the vocabulary of \(v)")
                let out = a.encoded + row * c
                let te = wte + token * c
                let pe = wpe + (row % t) * c
                for i in 0..<c { out[i] = te[i] + pe[i] }
            }
        }
        var residual = ConstBuffer(a.encoded)
        for layer in 0..<config.layers {
            let w = weights(layer, in: p)
            let l = a.layer(layer)
            layerNormForward(l.ln1, l.ln1Mean, l.ln1Rstd, residual, w.ln1w, w.ln1b, rows: n, width: c)
            matmulForward(l.qkv, l.ln1, w.qkvw, w.qkvb, rows: n, inputs: c, outputs: 3 * c)
            attentionForward(l.atty, l.att, l.qkv, batch: b, time: t, width: c, heads: config.heads)
            matmulForward(l.attproj, l.atty, w.attprojw, w.attprojb, rows: n, inputs: c, outputs: c)
            add(l.residual2, residual, l.attproj, count: n * c)
            layerNormForward(l.ln2, l.ln2Mean, l.ln2Rstd, l.residual2, w.ln2w, w.ln2b, rows: n, width: c)
            matmulForward(l.fch, l.ln2, w.fcw, w.fcb, rows: n, inputs: c, outputs: 4 * c)
            geluForward(l.fchGelu, l.fch, count: n * 4 * c)
            matmulForward(l.fcproj, l.fchGelu, w.fcprojw, w.fcprojb, rows: n, inputs: 4 * c, outputs: c)
            add(l.residual3, l.residual2, l.fcproj, count: n * c)
            residual = ConstBuffer(l.residual3)
        }
        let lnfw = p + layout.slot("ln_f.weight").offset
        let lnfb = p + layout.slot("ln_f.bias").offset
        layerNormForward(a.lnf, a.lnfMean, a.lnfRstd, residual, lnfw, lnfb, rows: n, width: c)
        matmulForward(a.logits, a.lnf, wte, nil, rows: n, inputs: c, outputs: v)
        lastBatch = batch
        return softmaxCrossEntropy(batch, rows: n)
    }

    /// Turns logits into probabilities in place and, for backward, into the loss gradient.
    private func softmaxCrossEntropy(_ batch: Batch, rows n: Int) -> Float {
        let v = config.vocabularySize
        let learned = batch.learnedPositions
        var loss: Double = 0
        for row in 0..<n {
            let probabilities = activations!.logits + row * v
            softmax(probabilities, count: v)
            let target = Int(batch.targets[row])
            guard target >= 0 else { continue }
            if let distributions = batch.distributions {
                distributions.withUnsafeBufferPointer { q in
                    for j in 0..<v where q[row * v + j] > 0 {
                        loss -= Double(q[row * v + j]) * log(Double(max(probabilities[j], 1e-30)))
                    }
                }
            } else {
                loss -= log(Double(max(probabilities[target], 1e-30)))
            }
        }
        return learned == 0 ? 0 : Float(loss / Double(learned))
    }

    /// The next-token probabilities at one position of the last forward batch.
    package func probabilities(sequence: Int, position: Int) -> UnsafeBufferPointer<Float> {
        let batch = lastBatch!
        let row = sequence * batch.time + position
        return UnsafeBufferPointer(
            start: activations!.logits + row * config.vocabularySize, count: config.vocabularySize)
    }

    // MARK: Backward

    /// Adds the gradient of the last forward's mean loss to ``gradients``.
    package func backward() {
        guard let batch = lastBatch else { preconditionFailure("backward() before forward()") }
        let (b, t, c, v) = (batch.size, batch.time, config.width, config.vocabularySize)
        let n = b * t
        let a = activations!
        let p = parameters.baseAddress!
        let g = gradients.baseAddress!
        lossGradient(batch, into: a.logits, rows: n)
        let wteOffset = layout.slot("wte").offset
        let dresidual = a.dresidual
        let dln = a.dln
        dln.update(repeating: 0, count: n * c)
        matmulBackward(dln, g + wteOffset, nil, a.logits, a.lnf, p + wteOffset, rows: n, inputs: c, outputs: v)
        dresidual.update(repeating: 0, count: n * c)
        let lnf = layout.slot("ln_f.weight").offset
        let lnfBias = layout.slot("ln_f.bias").offset
        let finalResidual = config.layers > 0 ? a.layer(config.layers - 1).residual3 : a.encoded
        layerNormBackward(
            dresidual, g + lnf, g + lnfBias, dln, finalResidual, p + lnf, a.lnfMean, a.lnfRstd, rows: n, width: c)
        for layer in stride(from: config.layers - 1, through: 0, by: -1) {
            let w = weights(layer, in: p)
            let dw = weights(layer, in: g)
            let l = a.layer(layer)
            let residual = layer == 0 ? a.encoded : a.layer(layer - 1).residual3
            // residual3 = residual2 + fcproj: dresidual flows to both unchanged.
            a.dwide.update(repeating: 0, count: n * 4 * c)
            matmulBackward(
                a.dwide, dw.fcprojw, dw.fcprojb, dresidual, l.fchGelu, w.fcprojw, rows: n, inputs: 4 * c, outputs: c)
            a.dwide2.update(repeating: 0, count: n * 4 * c)
            geluBackward(a.dwide2, l.fch, a.dwide, count: n * 4 * c)
            dln.update(repeating: 0, count: n * c)
            matmulBackward(dln, dw.fcw, dw.fcb, a.dwide2, l.ln2, w.fcw, rows: n, inputs: c, outputs: 4 * c)
            layerNormBackward(
                dresidual, dw.ln2w, dw.ln2b, dln, l.residual2, w.ln2w, l.ln2Mean, l.ln2Rstd, rows: n, width: c)
            // residual2 = residual + attproj.
            a.datty.update(repeating: 0, count: n * c)
            matmulBackward(
                a.datty, dw.attprojw, dw.attprojb, dresidual, l.atty, w.attprojw, rows: n, inputs: c, outputs: c)
            a.dqkv.update(repeating: 0, count: n * 3 * c)
            attentionBackward(
                a.dqkv, a.scratch, a.datty, l.qkv, l.att, batch: b, time: t, width: c, heads: config.heads)
            dln.update(repeating: 0, count: n * c)
            matmulBackward(dln, dw.qkvw, dw.qkvb, a.dqkv, l.ln1, w.qkvw, rows: n, inputs: c, outputs: 3 * c)
            layerNormBackward(
                dresidual, dw.ln1w, dw.ln1b, dln, residual, w.ln1w, l.ln1Mean, l.ln1Rstd, rows: n, width: c)
        }
        let dwte = g + wteOffset
        let dwpe = g + layout.slot("wpe").offset
        for row in 0..<n {
            let token = Int(batch.tokens[row])
            let dy = dresidual + row * c
            let te = dwte + token * c
            let pe = dwpe + (row % t) * c
            for i in 0..<c {
                te[i] += dy[i]
                pe[i] += dy[i]
            }
        }
    }

    /// d(mean loss)/d(logits) = (probabilities − target) / learned positions; 0 elsewhere.
    private func lossGradient(_ batch: Batch, into logits: Buffer, rows n: Int) {
        let v = config.vocabularySize
        let scale = 1 / Float(max(batch.learnedPositions, 1))
        for row in 0..<n {
            let d = logits + row * v
            let target = Int(batch.targets[row])
            guard target >= 0 else {
                d.update(repeating: 0, count: v)
                continue
            }
            if let distributions = batch.distributions {
                distributions.withUnsafeBufferPointer { q in
                    for j in 0..<v { d[j] = (d[j] - q[row * v + j]) * scale }
                }
            } else {
                for j in 0..<v { d[j] *= scale }
                d[target] -= scale
            }
        }
    }

    // MARK: Storage

    private struct LayerWeights {
        var ln1w, ln1b, qkvw, qkvb, attprojw, attprojb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb: Buffer
    }

    private func weights(_ layer: Int, in base: Buffer) -> LayerWeights {
        let first = layout.slot("h.\(layer).ln_1.weight").offset
        let c = config.width
        var offset = first
        func next(_ count: Int) -> Buffer {
            defer { offset += count }
            return base + offset
        }
        return LayerWeights(
            ln1w: next(c), ln1b: next(c), qkvw: next(3 * c * c), qkvb: next(3 * c), attprojw: next(c * c),
            attprojb: next(c), ln2w: next(c), ln2b: next(c), fcw: next(4 * c * c), fcb: next(4 * c),
            fcprojw: next(4 * c * c), fcprojb: next(c))
    }

    /// Lays the activations for this batch shape over the storage, growing it when needed.
    private func carveActivations(batch b: Int, time t: Int) -> Activations {
        let needed = Activations.size(config, batch: b, time: t)
        if needed > storage.count {
            storage.deallocate()
            storage = .allocate(capacity: needed)
        }
        activations = Activations(config, batch: b, time: t, base: storage.baseAddress!)
        return activations
    }
}
