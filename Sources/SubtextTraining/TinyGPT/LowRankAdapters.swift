import CBLAS
import Foundation

/// Low-rank adapters (LoRA, Hu et al. 2021) on a TinyGPT's block matrices: each adapted
/// weight becomes W₀ + B·A, with W₀ frozen, A of shape [rank, inputs] and B of shape
/// [outputs, rank] the only values training changes.
///
/// The adapters never enter the kernels. Before each step ``merge(into:)`` writes W₀ + B·A
/// into the model, the model's own backward gives the full-matrix gradient dW, and
/// ``collectGradients(from:)`` turns it into dA = Bᵀ·dW and dB = dW·Aᵀ, which is the chain
/// rule through the sum exactly. The cost is two small products per matrix and step.
///
/// A is drawn N(0, 1/inputs) and B starts at zero, so the model starts as the base and AᵀA
/// is close to the projection onto A's rows: an SGD step at a given rate then moves W as a
/// full fine-tune step would, restricted to a rank-`rank` subspace. That is why there is no
/// separate α/r scale, and why a rank sweep can keep the full fine-tune's learning rate.
package final class LowRankAdapters {
    package let rank: Int
    /// Flat [A, B] per adapted matrix, in ``targets`` order; what the optimiser updates.
    package let parameters: UnsafeMutableBufferPointer<Float>
    package let gradients: UnsafeMutableBufferPointer<Float>
    let targets: [Target]
    private let frozen: [Float]

    struct Target {
        var slot: TensorSlot
        var outputs: Int, inputs: Int
        /// Offsets of A and B in ``parameters``, and of W₀ in ``frozen``.
        var a: Int, b: Int, base: Int
    }

    /// The matrices adapted: attention's qkv and output projections and the MLP's two, in
    /// every block, as in LoRA applied to a whole transformer block.
    package static func adaptedTensors(_ config: ModelConfig) -> [String] {
        (0..<config.layers).flatMap { layer in
            ["attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight"].map {
                "h.\(layer).\($0)"
            }
        }
    }

    package init(for model: TinyGPT, rank: Int, seed: UInt64) {
        precondition(rank > 0, "a LoRA rank must be positive")
        self.rank = rank
        var targets: [Target] = []
        var offset = 0
        var baseOffset = 0
        var frozen: [Float] = []
        for name in Self.adaptedTensors(model.config) {
            let slot = model.layout.slot(name)
            let (outputs, inputs) = (slot.shape[0], slot.shape[1])
            targets.append(
                Target(
                    slot: slot, outputs: outputs, inputs: inputs, a: offset, b: offset + rank * inputs, base: baseOffset
                ))
            offset += rank * (inputs + outputs)
            baseOffset += slot.count
            frozen += model.parameters[slot.offset..<(slot.offset + slot.count)]
        }
        self.targets = targets
        self.frozen = frozen
        let factors = LowRankFactors(
            count: offset, rank: rank, matrices: targets.map { .init(a: $0.a, inputs: $0.inputs) }, seed: seed,
            stream: "lab.lora.init")
        (parameters, gradients) = (factors.parameters, factors.gradients)
    }

    deinit {
        parameters.deallocate()
        gradients.deallocate()
    }

    package var parameterCount: Int { parameters.count }

    /// Writes W₀ + B·A into each adapted matrix of `model`.
    package func merge(into model: TinyGPT) {
        let p = parameters.baseAddress!
        let w = model.parameters.baseAddress!
        frozen.withUnsafeBufferPointer { frozen in
            for target in targets {
                let out = w + target.slot.offset
                out.update(from: frozen.baseAddress! + target.base, count: target.slot.count)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(target.outputs), Int32(target.inputs), Int32(rank),
                    1, p + target.b, Int32(rank), p + target.a, Int32(target.inputs), 1, out, Int32(target.inputs))
            }
        }
    }

    /// Sets ``gradients`` from the model's full-matrix gradients of the merged weights.
    package func collectGradients(from model: TinyGPT) {
        let p = parameters.baseAddress!
        let g = gradients.baseAddress!
        let dw = model.gradients.baseAddress!
        for target in targets {
            let d = dw + target.slot.offset
            // dA [rank, inputs] = Bᵀ [rank, outputs] · dW [outputs, inputs]
            cblas_sgemm(
                CblasRowMajor, CblasTrans, CblasNoTrans, Int32(rank), Int32(target.inputs), Int32(target.outputs),
                1, p + target.b, Int32(rank), d, Int32(target.inputs), 0, g + target.a, Int32(target.inputs))
            // dB [outputs, rank] = dW [outputs, inputs] · Aᵀ [inputs, rank]
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(target.outputs), Int32(rank), Int32(target.inputs),
                1, d, Int32(target.inputs), p + target.a, Int32(target.inputs), 0, g + target.b, Int32(rank))
        }
    }
}
