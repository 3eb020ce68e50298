import CBLAS
import Foundation
import SubtextStatistics

/// A decoder of the Llama family (SmolLM2, Llama 2 and 3 without rope scaling, Gemma 3) that
/// trains on the CPU: forward, backward and the loss, after llm.c, in one file you can read.
///
/// Weights are read from GGUF as llama.cpp stores them (Llama's queries and keys already
/// permuted for its pairwise rotary positions, Gemma's norm gains with their +1 folded in), so
/// the forward pass computes what libllama computes. All
/// parameters are one flat Float buffer laid out by ``LlamaLayout``. Training either updates
/// them all (a full fine-tune: call ``trainBaseWeights()``) or only ``adapters``.
package final class LlamaModel {
    package let config: LlamaConfig
    package let layout: LlamaLayout
    package let parameters: UnsafeMutableBufferPointer<Float>
    /// The gradient of every parameter, nil while the base weights are frozen.
    package private(set) var gradients: UnsafeMutableBufferPointer<Float>?
    /// Low-rank adapters on the projections, trained in place of the frozen base weights.
    package var adapters: LlamaAdapters?

    private var storage: UnsafeMutableBufferPointer<Float> = .allocate(capacity: 0)
    private var state: ForwardState?

    /// A model of `config` with every parameter 0; fill it with ``load(_:)`` or by hand.
    package init(config: LlamaConfig) {
        self.config = config
        layout = LlamaLayout(config)
        parameters = .allocate(capacity: layout.count)
        parameters.initialize(repeating: 0)
    }

    /// The model stored in `file`, as F32.
    package convenience init(file: GGUFFile) throws {
        try self.init(config: LlamaConfig(file))
        try load(file)
    }

    deinit {
        parameters.deallocate()
        gradients?.deallocate()
        storage.deallocate()
    }

    /// Reads every tensor of the layout from `file`, checking its shape.
    package func load(_ file: GGUFFile) throws {
        for slot in layout.slots {
            guard let info = file.tensors[slot.name] else {
                throw TrainingError.model(path: file.path, reason: "no tensor \(slot.name)")
            }
            let expected = slot.rows == 1 ? [slot.columns] : [slot.columns, slot.rows]
            guard info.shape == expected else {
                throw TrainingError.model(
                    path: file.path, reason: "\(slot.name) has shape \(info.shape), the header implies \(expected)")
            }
            try file.read(slot.name, into: parameters.baseAddress! + slot.offset)
        }
    }

    package func tensor(_ name: String) -> UnsafeMutableBufferPointer<Float> {
        let slot = layout.slot(name)
        return UnsafeMutableBufferPointer(rebasing: parameters[slot.offset..<(slot.offset + slot.count)])
    }

    /// Makes every parameter trainable (a full fine-tune), allocating their gradients.
    package func trainBaseWeights() {
        guard gradients == nil else { return }
        gradients = .allocate(capacity: layout.count)
        gradients!.initialize(repeating: 0)
    }

    package func zeroGradients() {
        gradients?.update(repeating: 0)
        adapters?.gradients.update(repeating: 0)
    }

    // MARK: Forward

    /// Runs the batch and returns the mean loss over its learned rows (0 when there are none):
    /// cross-entropy against the targets, or against the soft targets' distribution. Keeps what
    /// ``backward()`` needs.
    @discardableResult
    package func forward(_ batch: TokenBatch) -> Float {
        let rows = batch.learnedRows
        run(batch, outputRows: rows)
        return loss(batch, rows: rows)
    }

    /// log P(· | tokens[...t]) for every position t of one sequence: [tokens.count, vocabulary].
    package func logProbabilities(_ tokens: [Int32]) -> [Float] {
        let batch = TokenBatch(
            size: 1, time: tokens.count, tokens: tokens, targets: [Int32](repeating: -1, count: tokens.count))
        run(batch, outputRows: Array(tokens.indices))
        let s = state!
        let v = config.vocabularySize
        for row in 0..<tokens.count { logSoftmax(s.logits + row * v, count: v) }
        return Array(UnsafeBufferPointer(start: s.logits, count: tokens.count * v))
    }

    private func run(_ batch: TokenBatch, outputRows: [Int]) {
        _ = BLAS.singleThreaded // the kernels split rows over their own threads
        let (b, t, c, v) = (batch.size, batch.time, config.width, config.vocabularySize)
        let n = b * t
        let s = carve(batch: batch, outputs: outputRows.count)
        let p = parameters.baseAddress!
        let embedding = p + layout.slot("token_embd.weight").offset
        let embeddingScale = config.embeddingScale
        for row in 0..<n {
            let token = Int(batch.tokens[row])
            precondition(token >= 0 && token < v, "token id \(token) outside the vocabulary of \(v)")
            let target = s.residual(0) + row * c
            let source = embedding + token * c
            for i in 0..<c { target[i] = source[i] * embeddingScale }
        }
        adapters?.prepare(rows: n)
        let rotations = Rotations(config, time: t)
        let (qw, kv, f, hs, gemma, epsilon) = (
            config.queryWidth, config.kvWidth, config.hidden, config.headSize, config.hasGemmaNorms, config.normEpsilon
        )
        for layer in 0..<config.layers {
            let w = weights(layer)
            let a = s.layer(layer)
            let x = s.residual(layer)
            rmsNormForward(a.xn1, a.rstd1, x, w.attnNorm, rows: n, width: c, epsilon: epsilon)
            // Gemma normalises each head's query and key before rotating it: the projections land in
            // qRaw and kRaw, and their normalised copies in q and k.
            project(gemma ? a.qRaw : a.q, a.xn1, w.q, layer, 0, rows: n, inputs: c, outputs: qw)
            project(gemma ? a.kRaw : a.k, a.xn1, w.k, layer, 1, rows: n, inputs: c, outputs: kv)
            project(a.v, a.xn1, w.v, layer, 2, rows: n, inputs: c, outputs: kv)
            if gemma {
                rmsNormForward(a.q, a.rstdQ, a.qRaw, w.qNorm!, rows: n * config.heads, width: hs, epsilon: epsilon)
                rmsNormForward(a.k, a.rstdK, a.kRaw, w.kNorm!, rows: n * config.kvHeads, width: hs, epsilon: epsilon)
            }
            let rotary = rotations.table(layer)
            rotary.rotate(a.q, batch: b, time: t, heads: config.heads)
            rotary.rotate(a.k, batch: b, time: t, heads: config.kvHeads)
            groupedAttentionForward(a.y, a.attention, a.q, a.k, a.v, attentionShape(layer, batch: b, time: t))
            // Gemma normalises each sublayer's output before it joins the residual.
            project(gemma ? a.attentionOut : a.residual2, a.y, w.o, layer, 3, rows: n, inputs: qw, outputs: c)
            if gemma {
                rmsNormForward(
                    a.residual2, a.rstdPost1, a.attentionOut, w.postAttentionNorm!, rows: n, width: c, epsilon: epsilon)
            }
            for i in 0..<(n * c) { a.residual2[i] += x[i] }
            rmsNormForward(a.xn2, a.rstd2, a.residual2, w.ffnNorm, rows: n, width: c, epsilon: epsilon)
            project(a.gate, a.xn2, w.gate, layer, 4, rows: n, inputs: c, outputs: f)
            project(a.up, a.xn2, w.up, layer, 5, rows: n, inputs: c, outputs: f)
            if gemma {
                gegluForward(a.hidden, a.gate, a.up, count: n * f)
            } else {
                swigluForward(a.hidden, a.gate, a.up, count: n * f)
            }
            let next = s.residual(layer + 1)
            project(gemma ? a.mlpOut : next, a.hidden, w.down, layer, 6, rows: n, inputs: f, outputs: c)
            if gemma {
                rmsNormForward(next, a.rstdPost2, a.mlpOut, w.postMLPNorm!, rows: n, width: c, epsilon: epsilon)
            }
            for i in 0..<(n * c) { next[i] += a.residual2[i] }
        }
        // The head runs on the rows that need logits only: a prompt's positions need none.
        let last = s.residual(config.layers)
        for (m, row) in outputRows.enumerated() { (s.gathered + m * c).update(from: last + row * c, count: c) }
        let outputNorm = p + layout.slot("output_norm.weight").offset
        rmsNormForward(
            s.normed, s.rstdOut, s.gathered, outputNorm, rows: outputRows.count, width: c, epsilon: config.normEpsilon)
        matmulForward(s.logits, s.normed, outputMatrix(p), nil, rows: outputRows.count, inputs: c, outputs: v)
        state = s
        stateBatch = batch
        stateRows = outputRows
        stateRotations = rotations
    }

    // What backward needs of the last forward besides its activations.
    private var stateBatch: TokenBatch?
    private var stateRows: [Int] = []
    private var stateRotations: Rotations?

    /// The rotary tables of one sequence length: every layer's, or for a model with sliding
    /// windows, the global layers' and the sliding layers' (which have their own base).
    private struct Rotations {
        let global: RotaryTable, local: RotaryTable?
        let config: LlamaConfig

        init(_ config: LlamaConfig, time: Int) {
            let halves = config.architecture == .gemma3
            global = RotaryTable(time: time, headSize: config.headSize, base: config.ropeBase, halves: halves)
            local =
                config.slidingWindow == nil
                ? nil : RotaryTable(time: time, headSize: config.headSize, base: config.localRopeBase, halves: halves)
            self.config = config
        }

        func table(_ layer: Int) -> RotaryTable { config.isSliding(layer) ? local! : global }
    }

    private func attentionShape(_ layer: Int, batch: Int, time: Int) -> AttentionShape {
        AttentionShape(
            batch: batch, time: time, heads: config.heads, kvHeads: config.kvHeads, headSize: config.headSize,
            scale: config.attentionScale, window: config.isSliding(layer) ? config.slidingWindow : nil)
    }

    /// Turns the logits of the learned rows into probabilities in place and returns the loss.
    private func loss(_ batch: TokenBatch, rows: [Int]) -> Float {
        guard !rows.isEmpty else { return 0 }
        let v = config.vocabularySize
        let logits = state!.logits
        var total: Double = 0
        for (m, row) in rows.enumerated() {
            let z = logits + m * v
            // The logits the loss reads, before the softmax overwrites them with probabilities.
            var weighted: Float = 0
            var weight: Float = 0
            if let soft = batch.soft {
                for j in 0..<soft.k {
                    weighted += soft.probabilities[m * soft.k + j] * z[Int(soft.ids[m * soft.k + j])]
                    weight += soft.probabilities[m * soft.k + j]
                }
            } else {
                (weighted, weight) = (z[Int(batch.targets[row])], 1)
            }
            let normalizer = softmaxReturningNormalizer(z, count: v)
            total -= Double(weighted - weight * normalizer)
        }
        return Float(total / Double(rows.count))
    }

    // MARK: Backward

    /// Adds the gradient of the last forward's mean loss to ``gradients`` (when the base trains)
    /// and to the adapters' gradients.
    package func backward() {
        guard let s = state, let batch = stateBatch, let rotations = stateRotations else {
            preconditionFailure("backward() before forward()")
        }
        let rows = stateRows
        let (b, t, c, v) = (batch.size, batch.time, config.width, config.vocabularySize)
        let n = b * t
        let m = rows.count
        let p = parameters.baseAddress!
        let g = gradients?.baseAddress
        // d(mean loss)/d(logits) = (probabilities − target distribution) / learned rows.
        let scale = 1 / Float(max(m, 1))
        for (index, row) in rows.enumerated() {
            let d = s.logits + index * v
            for j in 0..<v { d[j] *= scale }
            if let soft = batch.soft {
                for j in 0..<soft.k {
                    d[Int(soft.ids[index * soft.k + j])] -= scale * soft.probabilities[index * soft.k + j]
                }
            } else {
                d[Int(batch.targets[row])] -= scale
            }
        }
        let outputOffset =
            config.tiedEmbeddings ? layout.slot("token_embd.weight").offset : layout.slot("output.weight").offset
        s.dNormed.update(repeating: 0, count: m * c)
        matmulBackward(
            s.dNormed, g.map { $0 + outputOffset }, nil, s.logits, s.normed, p + outputOffset, rows: m, inputs: c,
            outputs: v)
        s.dGathered.update(repeating: 0, count: m * c)
        let outputNorm = layout.slot("output_norm.weight").offset
        rmsNormBackward(
            s.dGathered, g.map { $0 + outputNorm }, s.dNormed, s.gathered, p + outputNorm, s.rstdOut, rows: m, width: c)
        let dx = s.dResidual
        dx.update(repeating: 0, count: n * c)
        for (index, row) in rows.enumerated() {
            let source = s.dGathered + index * c
            let target = dx + row * c
            for i in 0..<c { target[i] += source[i] }
        }
        let (qw, kv, f, hs, gemma) = (
            config.queryWidth, config.kvWidth, config.hidden, config.headSize, config.hasGemmaNorms
        )
        for layer in stride(from: config.layers - 1, through: 0, by: -1) {
            let w = weights(layer)
            let dw = g.map { weights(layer, in: $0) }
            let a = s.layer(layer)
            // residual(layer + 1) = residual2 + down(hidden), normalised first in Gemma: dx flows to
            // residual2 unchanged, and through the norm to the projection's output.
            let dDown = throughPostNorm(dx, s, dw?.postMLPNorm, a.mlpOut, w.postMLPNorm, a.rstdPost2, rows: n)
            s.dHidden.update(repeating: 0, count: n * f)
            projectBackward(s.dHidden, dw?.down, dDown, a.hidden, w.down, layer, 6, rows: n, inputs: f, outputs: c)
            s.dGate.update(repeating: 0, count: n * f)
            s.dUp.update(repeating: 0, count: n * f)
            if gemma {
                gegluBackward(s.dGate, s.dUp, s.dHidden, a.gate, a.up, count: n * f)
            } else {
                swigluBackward(s.dGate, s.dUp, s.dHidden, a.gate, a.up, count: n * f)
            }
            s.dNormedRows.update(repeating: 0, count: n * c)
            projectBackward(s.dNormedRows, dw?.gate, s.dGate, a.xn2, w.gate, layer, 4, rows: n, inputs: c, outputs: f)
            projectBackward(s.dNormedRows, dw?.up, s.dUp, a.xn2, w.up, layer, 5, rows: n, inputs: c, outputs: f)
            rmsNormBackward(dx, dw?.ffnNorm, s.dNormedRows, a.residual2, w.ffnNorm, a.rstd2, rows: n, width: c)
            // residual2 = residual(layer) + o(y), o(y) normalised first in Gemma.
            let dOutput = throughPostNorm(
                dx, s, dw?.postAttentionNorm, a.attentionOut, w.postAttentionNorm, a.rstdPost1, rows: n)
            s.dY.update(repeating: 0, count: n * qw)
            projectBackward(s.dY, dw?.o, dOutput, a.y, w.o, layer, 3, rows: n, inputs: qw, outputs: c)
            s.dQ.update(repeating: 0, count: n * qw)
            s.dK.update(repeating: 0, count: n * kv)
            s.dV.update(repeating: 0, count: n * kv)
            groupedAttentionBackward(
                s.dQ, s.dK, s.dV, s.scratch, s.dY, a.q, a.k, a.v, a.attention, attentionShape(layer, batch: b, time: t))
            let rotary = rotations.table(layer)
            rotary.rotate(s.dQ, batch: b, time: t, heads: config.heads, inverse: true)
            rotary.rotate(s.dK, batch: b, time: t, heads: config.kvHeads, inverse: true)
            if gemma {
                s.dQRaw.update(repeating: 0, count: n * qw)
                s.dKRaw.update(repeating: 0, count: n * kv)
                rmsNormBackward(s.dQRaw, dw?.qNorm, s.dQ, a.qRaw, w.qNorm!, a.rstdQ, rows: n * config.heads, width: hs)
                rmsNormBackward(
                    s.dKRaw, dw?.kNorm, s.dK, a.kRaw, w.kNorm!, a.rstdK, rows: n * config.kvHeads, width: hs)
            }
            s.dNormedRows.update(repeating: 0, count: n * c)
            projectBackward(
                s.dNormedRows, dw?.q, gemma ? s.dQRaw : s.dQ, a.xn1, w.q, layer, 0, rows: n, inputs: c, outputs: qw)
            projectBackward(
                s.dNormedRows, dw?.k, gemma ? s.dKRaw : s.dK, a.xn1, w.k, layer, 1, rows: n, inputs: c, outputs: kv)
            projectBackward(s.dNormedRows, dw?.v, s.dV, a.xn1, w.v, layer, 2, rows: n, inputs: c, outputs: kv)
            rmsNormBackward(dx, dw?.attnNorm, s.dNormedRows, s.residual(layer), w.attnNorm, a.rstd1, rows: n, width: c)
        }
        guard let g else { return }
        let embedding = g + layout.slot("token_embd.weight").offset
        let embeddingScale = config.embeddingScale
        for row in 0..<n {
            let target = embedding + Int(batch.tokens[row]) * c
            let source = dx + row * c
            for i in 0..<c { target[i] += source[i] * embeddingScale }
        }
    }

    /// The gradient at a sublayer's projection output, given the residual's: the same in Llama;
    /// in Gemma, carried back through the norm between them (`gain`), whose gain's gradient is
    /// added to `dgain`.
    private func throughPostNorm(
        _ dx: Buffer, _ s: ForwardState, _ dgain: Buffer?, _ output: ConstBuffer, _ gain: Buffer?,
        _ rstd: ConstBuffer, rows: Int
    ) -> Buffer {
        guard let gain else { return dx }
        s.dSublayer.update(repeating: 0, count: rows * config.width)
        rmsNormBackward(s.dSublayer, dgain, dx, output, gain, rstd, rows: rows, width: config.width)
        return s.dSublayer
    }

    // MARK: Projections

    /// out = inp · Wᵀ, plus the adapter's low-rank term when there is one.
    private func project(
        _ out: Buffer, _ inp: ConstBuffer, _ weight: ConstBuffer, _ layer: Int, _ matrix: Int,
        rows: Int, inputs: Int, outputs: Int
    ) {
        matmulForward(out, inp, weight, nil, rows: rows, inputs: inputs, outputs: outputs)
        adapters?.forward(adapters!.target(layer: layer, matrix: matrix), out, inp)
    }

    private func projectBackward(
        _ dinp: Buffer, _ dweight: Buffer?, _ dout: ConstBuffer, _ inp: ConstBuffer, _ weight: ConstBuffer,
        _ layer: Int, _ matrix: Int, rows: Int, inputs: Int, outputs: Int
    ) {
        matmulBackward(dinp, dweight, nil, dout, inp, weight, rows: rows, inputs: inputs, outputs: outputs)
        adapters?.backward(adapters!.target(layer: layer, matrix: matrix), dinp, dout, inp)
    }

    private func outputMatrix(_ base: Buffer) -> Buffer {
        base + layout.slot(config.tiedEmbeddings ? "token_embd.weight" : "output.weight").offset
    }

    // MARK: Storage

    private struct LayerWeights {
        var attnNorm, q, k, v, o, ffnNorm, gate, up, down: Buffer
        /// Gemma's extra norms, nil in Llama.
        var qNorm, kNorm, postAttentionNorm, postMLPNorm: Buffer?
    }

    private func weights(_ layer: Int, in base: Buffer? = nil) -> LayerWeights {
        let base = base ?? parameters.baseAddress!
        func at(_ name: String) -> Buffer { base + layout.slot("blk.\(layer).\(name).weight").offset }
        func gemma(_ name: String) -> Buffer? { config.hasGemmaNorms ? at(name) : nil }
        return LayerWeights(
            attnNorm: at("attn_norm"), q: at("attn_q"), k: at("attn_k"), v: at("attn_v"), o: at("attn_output"),
            ffnNorm: at("ffn_norm"), gate: at("ffn_gate"), up: at("ffn_up"), down: at("ffn_down"),
            qNorm: gemma("attn_q_norm"), kNorm: gemma("attn_k_norm"), postAttentionNorm: gemma("post_attention_norm"),
            postMLPNorm: gemma("post_ffw_norm"))
    }

    /// Lays this batch's activations over one allocation, growing it when needed.
    private func carve(batch: TokenBatch, outputs: Int) -> ForwardState {
        let needed = ForwardState.size(config, batch: batch.size, time: batch.time, outputs: outputs)
        if needed > storage.count {
            storage.deallocate()
            storage = .allocate(capacity: needed)
        }
        return ForwardState(config, batch: batch.size, time: batch.time, outputs: outputs, base: storage.baseAddress!)
    }
}

/// log-softmax of a row in place.
func logSoftmax(_ row: Buffer, count: Int) {
    var maximum = -Float.infinity
    for j in 0..<count { maximum = max(maximum, row[j]) }
    var sum: Double = 0
    for j in 0..<count { sum += Double(expf(row[j] - maximum)) }
    let normalizer = maximum + Float(log(sum))
    for j in 0..<count { row[j] -= normalizer }
}

/// Every intermediate value of one forward pass that backward reads, and backward's scratch,
/// carved out of one allocation. Gemma's extra values (the projections before their norms, and
/// the norms' rsqrt) take no room in a Llama model.
private struct ForwardState {
    struct Layer {
        var rstd1, xn1, q, k, v, attention, y, residual2, rstd2, xn2, gate, up, hidden: Buffer
        var qRaw, kRaw, rstdQ, rstdK, attentionOut, rstdPost1, mlpOut, rstdPost2: Buffer
    }

    private let residuals: Buffer
    private let layers: [Layer]
    private let rowWidth: Int
    let gathered, rstdOut, normed, logits: Buffer
    let dResidual, dNormedRows, dQ, dK, dV, dY, dGate, dUp, dHidden, scratch, dNormed, dGathered: Buffer
    let dSublayer, dQRaw, dKRaw: Buffer

    static func size(_ config: LlamaConfig, batch b: Int, time t: Int, outputs m: Int) -> Int {
        let n = b * t
        let (c, q, kv, f) = (config.width, config.queryWidth, config.kvWidth, config.hidden)
        let extra = config.hasGemmaNorms ? 1 : 0
        let perLayer =
            2 * n + 3 * n * c + 2 * n * q + 2 * n * kv + b * config.heads * t * t + 3 * n * f
            + extra * (n * q + n * kv + n * (config.heads + config.kvHeads) + 2 * n * c + 2 * n)
        let head = m * (3 * c + 1 + config.vocabularySize) + m * c
        let backward =
            2 * n * c + 2 * n * q + 2 * n * kv + 3 * n * f + 2 * t * t * TrainingThreads.count
            + extra * (n * c + n * q + n * kv)
        return (config.layers + 1) * n * c + config.layers * perLayer + head + backward
    }

    init(_ config: LlamaConfig, batch b: Int, time t: Int, outputs m: Int, base: Buffer) {
        let n = b * t
        let (c, q, kv, f) = (config.width, config.queryWidth, config.kvWidth, config.hidden)
        let extra = config.hasGemmaNorms ? 1 : 0
        var next = base
        func take(_ count: Int) -> Buffer {
            defer { next += count }
            return next
        }
        rowWidth = n * c
        residuals = take((config.layers + 1) * n * c)
        layers = (0..<config.layers).map { _ in
            Layer(
                rstd1: take(n), xn1: take(n * c), q: take(n * q), k: take(n * kv), v: take(n * kv),
                attention: take(b * config.heads * t * t), y: take(n * q), residual2: take(n * c), rstd2: take(n),
                xn2: take(n * c), gate: take(n * f), up: take(n * f), hidden: take(n * f),
                qRaw: take(extra * n * q), kRaw: take(extra * n * kv), rstdQ: take(extra * n * config.heads),
                rstdK: take(extra * n * config.kvHeads), attentionOut: take(extra * n * c), rstdPost1: take(extra * n),
                mlpOut: take(extra * n * c), rstdPost2: take(extra * n))
        }
        gathered = take(m * c)
        rstdOut = take(m)
        normed = take(m * c)
        logits = take(m * config.vocabularySize)
        dNormed = take(m * c)
        dGathered = take(m * c)
        dResidual = take(n * c)
        dNormedRows = take(n * c)
        dY = take(n * q)
        dQ = take(n * q)
        dK = take(n * kv)
        dV = take(n * kv)
        dGate = take(n * f)
        dUp = take(n * f)
        dHidden = take(n * f)
        scratch = take(2 * t * t * TrainingThreads.count)
        dSublayer = take(extra * n * c)
        dQRaw = take(extra * n * q)
        dKRaw = take(extra * n * kv)
        precondition(
            next - base == Self.size(config, batch: b, time: t, outputs: m), "the activations' layout and size disagree"
        )
    }

    func residual(_ index: Int) -> Buffer { residuals + index * rowWidth }
    func layer(_ index: Int) -> Layer { layers[index] }
}
