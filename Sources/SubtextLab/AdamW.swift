import Foundation

/// AdamW (Loshchilov & Hutter), as `torch.optim.AdamW`: decoupled weight decay on matrices
/// only, bias-corrected moments. Moments live in flat buffers aligned with the parameters they
/// update: a whole model's, or its LoRA factors'.
public struct AdamW {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.95
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0.1
    public private(set) var step = 0
    private var m: [Float]
    private var v: [Float]
    private let decays: [Bool]

    public init(for model: TinyGPT) {
        var decays = [Bool](repeating: false, count: model.parameterCount)
        for slot in model.layout.slots where slot.decays {
            for i in slot.offset..<(slot.offset + slot.count) { decays[i] = true }
        }
        self.init(decays: decays)
    }

    /// For LoRA factors, which are all matrices.
    public init(for adapters: LowRankAdapters) {
        self.init(decays: [Bool](repeating: true, count: adapters.parameterCount))
    }

    private init(decays: [Bool]) {
        m = [Float](repeating: 0, count: decays.count)
        v = m
        self.decays = decays
    }

    /// One update of `model` from its accumulated gradients.
    public mutating func update(_ model: TinyGPT, learningRate lr: Float) {
        update(model.parameters, gradients: model.gradients, learningRate: lr)
    }

    /// One update of `parameters` from `gradients`, aligned with the buffers this was made for.
    public mutating func update(_ parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>,
                                learningRate lr: Float) {
        precondition(parameters.count == m.count && gradients.count == m.count)
        step += 1
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        let p = parameters.baseAddress!, g = gradients.baseAddress!
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                decays.withUnsafeBufferPointer { decays in
                    for i in 0..<m.count {
                        m[i] = b1 * m[i] + (1 - b1) * g[i]
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                        let mHat = m[i] / correction1, vHat = v[i] / correction2
                        if decays[i] { p[i] -= lr * wd * p[i] }
                        p[i] -= lr * mHat / (vHat.squareRoot() + eps)
                    }
                }
            }
        }
    }
}

extension TinyGPT {
    /// Scales the gradients so their global L2 norm is at most `maximum`; returns the norm before.
    @discardableResult
    public func clipGradients(to maximum: Float) -> Float { clipNorm(gradients, to: maximum) }
}

/// Scales `gradients` so their global L2 norm is at most `maximum`; returns the norm before.
@discardableResult
func clipNorm(_ gradients: UnsafeMutableBufferPointer<Float>, to maximum: Float) -> Float {
    var sum: Double = 0
    for g in gradients { sum += Double(g) * Double(g) }
    let norm = Float(sum.squareRoot())
    if norm > maximum {
        let scale = maximum / norm
        for i in gradients.indices { gradients[i] *= scale }
    }
    return norm
}
