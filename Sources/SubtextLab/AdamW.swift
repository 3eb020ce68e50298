import Foundation

/// AdamW (Loshchilov & Hutter), as `torch.optim.AdamW`: decoupled weight decay on matrices
/// only, bias-corrected moments. Moments live in flat buffers aligned with the parameters.
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
        m = [Float](repeating: 0, count: model.parameterCount)
        v = m
        var decays = [Bool](repeating: false, count: model.parameterCount)
        for slot in model.layout.slots where slot.decays {
            for i in slot.offset..<(slot.offset + slot.count) { decays[i] = true }
        }
        self.decays = decays
    }

    /// One update of `model` from its accumulated gradients.
    public mutating func update(_ model: TinyGPT, learningRate lr: Float) {
        step += 1
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        let p = model.parameters.baseAddress!, g = model.gradients.baseAddress!
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
    public func clipGradients(to maximum: Float) -> Float {
        var sum: Double = 0
        for g in gradients { sum += Double(g) * Double(g) }
        let norm = Float(sum.squareRoot())
        if norm > maximum {
            let scale = maximum / norm
            for i in gradients.indices { gradients[i] *= scale }
        }
        return norm
    }
}
