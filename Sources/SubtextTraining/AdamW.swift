import Foundation

/// AdamW (Loshchilov & Hutter), as `torch.optim.AdamW`: decoupled weight decay on matrices
/// only, bias-corrected moments. Moments live in flat buffers aligned with the parameters they
/// update: a whole model's, or its LoRA factors'.
package struct AdamW {
    package var beta1: Float = 0.9
    package var beta2: Float = 0.95
    package var epsilon: Float = 1e-8
    package var weightDecay: Float = 0.1
    package private(set) var step = 0
    private var m: [Float]
    private var v: [Float]
    private let decays: [Bool]

    /// Moments for `decays.count` parameters; `decays[i]` says whether parameter i takes
    /// weight decay (matrices do, gains and biases do not).
    package init(decays: [Bool]) {
        m = [Float](repeating: 0, count: decays.count)
        v = m
        self.decays = decays
    }

    /// The moments and step count, for a checkpoint that resumes training exactly.
    package var state: (step: Int, m: [Float], v: [Float]) { (step, m, v) }

    /// Takes back a ``state``; false when its moments are not the size of these.
    package mutating func restore(step: Int, m: [Float], v: [Float]) -> Bool {
        guard m.count == self.m.count, v.count == self.v.count, step >= 0 else { return false }
        (self.step, self.m, self.v) = (step, m, v)
        return true
    }

    /// One update of `parameters` from `gradients`, aligned with the buffers this was made for.
    package mutating func update(
        _ parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>,
        learningRate lr: Float
    ) {
        precondition(parameters.count == m.count && gradients.count == m.count)
        step += 1
        let correction1 = 1 - pow(beta1, Float(step))
        let correction2 = 1 - pow(beta2, Float(step))
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        let p = parameters.baseAddress!
        let g = gradients.baseAddress!
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                decays.withUnsafeBufferPointer { decays in
                    for i in 0..<m.count {
                        m[i] = b1 * m[i] + (1 - b1) * g[i]
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                        let mHat = m[i] / correction1
                        let vHat = v[i] / correction2
                        if decays[i] { p[i] -= lr * wd * p[i] }
                        p[i] -= lr * mHat / (vHat.squareRoot() + eps)
                    }
                }
            }
        }
    }
}

/// Scales `gradients` so their global L2 norm is at most `maximum`; returns the norm before.
@discardableResult
package func clipNorm(_ gradients: UnsafeMutableBufferPointer<Float>, to maximum: Float) -> Float {
    var sum: Double = 0
    for g in gradients { sum += Double(g) * Double(g) }
    let norm = Float(sum.squareRoot())
    if norm > maximum {
        let scale = maximum / norm
        for i in gradients.indices { gradients[i] *= scale }
    }
    return norm
}
