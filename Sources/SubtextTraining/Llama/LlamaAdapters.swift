import CBLAS
import Foundation

/// Low-rank adapters (LoRA, Hu et al. 2021) on every attention and MLP projection of a Llama
/// model: each adapted W becomes W + (α/r)·B·A, with W frozen and only A [rank, inputs] and
/// B [outputs, rank] trained.
///
/// Unlike the lab's adapters, these run inside the forward pass (t = x·Aᵀ, out += (α/r)·t·Bᵀ)
/// rather than being merged into W: a 135M-parameter model's full-matrix gradients would cost a
/// third of each step, while the factors' own cost a few percent. The layout of A and B is the
/// one llama.cpp's adapter loader expects (`blk.N.attn_q.weight.lora_a` is A), so the trained
/// factors are written to GGUF as they are.
package final class LlamaAdapters {
    package let rank: Int
    package let alpha: Float
    package var scale: Float { alpha / Float(rank) }
    /// Flat [A, B] for each adapted matrix, layer by layer in ``LlamaLayout/adaptedMatrices``
    /// order: what the optimiser updates.
    package let parameters: UnsafeMutableBufferPointer<Float>
    package let gradients: UnsafeMutableBufferPointer<Float>
    let targets: [Target]
    /// t = x·Aᵀ of each target for the current batch, [rows, rank], kept for backward.
    private var intermediates: UnsafeMutableBufferPointer<Float> = .allocate(capacity: 0)
    private var scratch: UnsafeMutableBufferPointer<Float> = .allocate(capacity: 0)
    private var rows = 0

    package struct Target: Sendable {
        package var name: String
        package var outputs: Int, inputs: Int
        /// Offsets of A and B in ``parameters``.
        package var a: Int, b: Int
    }

    /// Adapters that leave the model as it is (B = 0), with A drawn N(0, 1/inputs) from `seed`.
    package init(for config: LlamaConfig, rank: Int, alpha: Float? = nil, seed: UInt64) {
        precondition(rank > 0, "a LoRA rank must be positive")
        self.rank = rank
        self.alpha = alpha ?? Float(rank)
        let layout = LlamaLayout(config)
        var targets: [Target] = []
        var offset = 0
        for layer in 0..<config.layers {
            for matrix in LlamaLayout.adaptedMatrices {
                let slot = layout.slot("blk.\(layer).\(matrix).weight")
                targets.append(
                    Target(
                        name: slot.name, outputs: slot.rows, inputs: slot.columns, a: offset,
                        b: offset + rank * slot.columns))
                offset += rank * (slot.columns + slot.rows)
            }
        }
        self.targets = targets
        let factors = LowRankFactors(
            count: offset, rank: rank, matrices: targets.map { .init(a: $0.a, inputs: $0.inputs) }, seed: seed,
            stream: "student.lora.init")
        (parameters, gradients) = (factors.parameters, factors.gradients)
    }

    deinit {
        parameters.deallocate()
        gradients.deallocate()
        intermediates.deallocate()
        scratch.deallocate()
    }

    package var parameterCount: Int { parameters.count }

    func target(layer: Int, matrix: Int) -> Int { layer * LlamaLayout.adaptedMatrices.count + matrix }

    /// Makes room for a batch of `rows` rows.
    func prepare(rows: Int) {
        self.rows = rows
        if intermediates.count < targets.count * rows * rank {
            intermediates.deallocate()
            intermediates = .allocate(capacity: targets.count * rows * rank)
            scratch.deallocate()
            scratch = .allocate(capacity: rows * rank)
        }
    }

    /// out += (α/r)·(x·Aᵀ)·Bᵀ for target `index`, keeping x·Aᵀ.
    func forward(_ index: Int, _ out: Buffer, _ inp: ConstBuffer) {
        let target = targets[index]
        let r = rank
        let s = scale
        let p = parameters.baseAddress!
        let t = intermediates.baseAddress! + index * rows * r
        parallelChunks(rows) { range in
            let n = Int32(range.count)
            let first = range.lowerBound
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, n, Int32(r), Int32(target.inputs), 1,
                inp + first * target.inputs, Int32(target.inputs), p + target.a, Int32(target.inputs), 0, t + first * r,
                Int32(r))
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, n, Int32(target.outputs), Int32(r), s,
                t + first * r, Int32(r), p + target.b, Int32(r), 1, out + first * target.outputs, Int32(target.outputs))
        }
    }

    /// Adds the factors' gradients and their part of the input gradient, given the output's.
    func backward(_ index: Int, _ dinp: Buffer, _ dout: ConstBuffer, _ inp: ConstBuffer) {
        let target = targets[index]
        let r = rank
        let s = scale
        let n = rows
        let p = parameters.baseAddress!
        let g = gradients.baseAddress!
        let t = intermediates.baseAddress! + index * n * r
        let dt = scratch.baseAddress!
        // dB [outputs, r] += s · doutᵀ · t, split over output features.
        parallelChunks(target.outputs) { features in
            cblas_sgemm(
                CblasRowMajor, CblasTrans, CblasNoTrans, Int32(features.count), Int32(r), Int32(n), s,
                dout + features.lowerBound, Int32(target.outputs), t, Int32(r), 1,
                g + target.b + features.lowerBound * r, Int32(r))
        }
        // dt [n, r] = s · dout · B, then dinp += dt · A, split over rows.
        parallelChunks(n) { range in
            let count = Int32(range.count)
            let first = range.lowerBound
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, count, Int32(r), Int32(target.outputs), s,
                dout + first * target.outputs, Int32(target.outputs), p + target.b, Int32(r), 0, dt + first * r,
                Int32(r))
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, count, Int32(target.inputs), Int32(r), 1,
                dt + first * r, Int32(r), p + target.a, Int32(target.inputs), 1, dinp + first * target.inputs,
                Int32(target.inputs))
        }
        // dA [r, inputs] += dtᵀ · inp, split over input features.
        parallelChunks(target.inputs) { columns in
            cblas_sgemm(
                CblasRowMajor, CblasTrans, CblasNoTrans, Int32(r), Int32(columns.count), Int32(n), 1,
                dt, Int32(r), inp + columns.lowerBound, Int32(target.inputs), 1, g + target.a + columns.lowerBound,
                Int32(target.inputs))
        }
    }
}
