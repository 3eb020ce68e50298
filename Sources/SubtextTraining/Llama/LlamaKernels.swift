import CBLAS
import Foundation

// The layers a Llama-family block adds to the shared kernels: RMSNorm, rotary positions,
// grouped-query attention with an optional sliding window, SwiGLU and GeGLU, forward and
// backward, on row-major Float buffers. As in
// Kernels.swift, backward functions accumulate (+=) into their gradients, and each thread writes
// only its own rows, so results do not depend on scheduling.

/// out = x · rsqrt(mean(x²) + ε) · weight, keeping each row's rsqrt for backward.
package func rmsNormForward(
    _ out: Buffer, _ rstd: Buffer, _ inp: ConstBuffer, _ weight: ConstBuffer,
    rows: Int, width c: Int, epsilon: Float
) {
    parallelChunks(rows) { range in
        for row in range {
            let x = inp + row * c
            let y = out + row * c
            var sum: Float = 0
            for i in 0..<c { sum += x[i] * x[i] }
            let s = 1 / (sum / Float(c) + epsilon).squareRoot()
            for i in 0..<c { y[i] = x[i] * s * weight[i] }
            rstd[row] = s
        }
    }
}

/// dx = s·w⊙dy − (s³/C)·x·Σ(w⊙dy⊙x); dw += Σ over rows of dy⊙x·s. Weight gradients are
/// summed per chunk and added in chunk order; a nil `dweight` (a frozen norm) skips them.
package func rmsNormBackward(
    _ dinp: Buffer, _ dweight: Buffer?, _ dout: ConstBuffer, _ inp: ConstBuffer,
    _ weight: ConstBuffer, _ rstd: ConstBuffer, rows: Int, width c: Int
) {
    let chunks = min(TrainingThreads.count, rows)
    let partial = Buffer.allocate(capacity: c * chunks)
    defer { partial.deallocate() }
    partial.initialize(repeating: 0, count: c * chunks)
    let perChunk = (rows + chunks - 1) / chunks
    parallelChunks(chunks) { range in
        for chunk in range {
            let dw = partial + c * chunk
            for row in (chunk * perChunk)..<min((chunk + 1) * perChunk, rows) {
                let x = inp + row * c
                let dy = dout + row * c
                let dx = dinp + row * c
                let s = rstd[row]
                var dot: Float = 0
                for i in 0..<c { dot += weight[i] * dy[i] * x[i] }
                let k = s * s * s * dot / Float(c)
                for i in 0..<c {
                    dx[i] += s * weight[i] * dy[i] - k * x[i]
                    dw[i] += dy[i] * x[i] * s
                }
            }
        }
    }
    guard let dweight else { return }
    for chunk in 0..<chunks {
        let dw = partial + c * chunk
        for i in 0..<c { dweight[i] += dw[i] }
    }
}

/// cos and sin of every position's rotation angles, [time, headSize / 2] each, computed as
/// ggml computes them (θ = position · base^(−2i/d), the power taken by repeated Float
/// multiplication), so rotated queries and keys match llama.cpp's to the last bits.
package struct RotaryTable {
    let cos: [Float], sin: [Float]
    let half: Int
    /// Whether dimension i turns with i + headSize/2 (NeoX, Gemma's) rather than with its
    /// neighbour (llama.cpp's "normal" rope, Llama's).
    let halves: Bool

    package init(time: Int, headSize: Int, base: Float, halves: Bool = false) {
        half = headSize / 2
        self.halves = halves
        let scale = powf(base, -2 / Float(headSize))
        var cos = [Float](repeating: 0, count: time * half)
        var sin = cos
        for position in 0..<time {
            var theta = Float(position)
            for i in 0..<half {
                cos[position * half + i] = Foundation.cos(theta)
                sin[position * half + i] = Foundation.sin(theta)
                theta *= scale
            }
        }
        self.cos = cos
        self.sin = sin
    }

    /// Rotates each head's pairs in place (adjacent (x₂ᵢ, x₂ᵢ₊₁), or (xᵢ, xᵢ₊d/2) for
    /// ``halves``), for rows laid out as `batch` sequences of `time` positions; `inverse`
    /// rotates backwards, which is the gradient of the rotation.
    package func rotate(_ x: Buffer, batch b: Int, time t: Int, heads: Int, inverse: Bool = false) {
        let width = heads * 2 * half
        let sign: Float = inverse ? -1 : 1
        // Where pair i's two entries sit within a head.
        let (stride, offset) = halves ? (1, half) : (2, 1)
        cos.withUnsafeBufferPointer { cos in
            sin.withUnsafeBufferPointer { sin in
                parallelChunks(b * t) { range in
                    for row in range {
                        let position = row % t
                        let c = cos.baseAddress! + position * half
                        let s = sin.baseAddress! + position * half
                        for head in 0..<heads {
                            let v = x + row * width + head * 2 * half
                            for i in 0..<half {
                                let (first, second) = (stride * i, stride * i + offset)
                                let (x0, x1) = (v[first], v[second])
                                v[first] = x0 * c[i] - sign * x1 * s[i]
                                v[second] = sign * x0 * s[i] + x1 * c[i]
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The shape of grouped-query attention: `heads` query heads share `kvHeads` key/value heads,
/// query head h reading key/value head h / (heads / kvHeads). Scores are q·k times `scale`;
/// with a `window`, a query sees only the keys fewer than `window` positions back.
package struct AttentionShape {
    package var batch: Int, time: Int, heads: Int, kvHeads: Int, headSize: Int
    package var scale: Float
    package var window: Int?
    var queryWidth: Int { heads * headSize }
    var kvWidth: Int { kvHeads * headSize }
    var group: Int { heads / kvHeads }

    package init(
        batch: Int, time: Int, heads: Int, kvHeads: Int, headSize: Int, scale: Float? = nil, window: Int? = nil
    ) {
        (self.batch, self.time, self.heads, self.kvHeads, self.headSize) = (batch, time, heads, kvHeads, headSize)
        self.scale = scale ?? 1 / Float(headSize).squareRoot()
        self.window = window
    }

    /// The first key position that query position `row` sees.
    func firstKey(_ row: Int) -> Int { window.map { max(0, row - $0 + 1) } ?? 0 }
}

/// Causal attention: out[b, t, h] = softmax(scale·q·kᵀ) · v over the keys each query sees,
/// keeping each head's [T, T] probabilities (0 where masked) for backward. Products are BLAS
/// calls on strided views, nothing transposed.
package func groupedAttentionForward(
    _ out: Buffer, _ probabilities: Buffer, _ q: ConstBuffer, _ k: ConstBuffer,
    _ v: ConstBuffer, _ shape: AttentionShape
) {
    let (t, hs, qw, kw) = (shape.time, shape.headSize, shape.queryWidth, shape.kvWidth)
    let scale = shape.scale
    parallelChunks(shape.batch * shape.heads) { range in
        for pair in range {
            let (sequence, head) = pair.quotientAndRemainder(dividingBy: shape.heads)
            let kvHead = head / shape.group
            let qh = q + sequence * t * qw + head * hs
            let kh = k + sequence * t * kw + kvHead * hs
            let vh = v + sequence * t * kw + kvHead * hs
            let p = probabilities + pair * t * t
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(t), Int32(t), Int32(hs),
                scale, qh, Int32(qw), kh, Int32(kw), 0, p, Int32(t))
            for row in 0..<t {
                let first = shape.firstKey(row)
                for j in 0..<first { p[row * t + j] = 0 }
                softmax(p + row * t + first, count: row + 1 - first)
                for j in (row + 1)..<t { p[row * t + j] = 0 }
            }
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                1, p, Int32(t), vh, Int32(kw), 0, out + sequence * t * qw + head * hs, Int32(qw))
        }
    }
}

/// Gradients of ``groupedAttentionForward`` into dq, dk and dv (accumulated). Work is split by
/// key/value head, so the query heads that share one add into its dk and dv in a fixed order.
/// Masked keys need no care: their probability is 0, and so is their score's gradient.
/// `scratch` holds 2·T·T floats per thread.
package func groupedAttentionBackward(
    _ dq: Buffer, _ dk: Buffer, _ dv: Buffer, _ scratch: Buffer, _ dout: ConstBuffer,
    _ q: ConstBuffer, _ k: ConstBuffer, _ v: ConstBuffer, _ probabilities: ConstBuffer,
    _ shape: AttentionShape
) {
    let (t, hs, qw, kw) = (shape.time, shape.headSize, shape.queryWidth, shape.kvWidth)
    let scale = shape.scale
    let units = shape.batch * shape.kvHeads
    let chunks = min(TrainingThreads.count, units)
    let perChunk = (units + chunks - 1) / chunks
    parallelChunks(chunks) { range in
        for chunk in range {
            let dp = scratch + chunk * 2 * t * t
            let ds = dp + t * t
            for unit in (chunk * perChunk)..<min((chunk + 1) * perChunk, units) {
                let (sequence, kvHead) = unit.quotientAndRemainder(dividingBy: shape.kvHeads)
                let kvBase = sequence * t * kw + kvHead * hs
                let kh = k + kvBase
                let vh = v + kvBase
                let dkh = dk + kvBase
                let dvh = dv + kvBase
                for head in (kvHead * shape.group)..<((kvHead + 1) * shape.group) {
                    let qBase = sequence * t * qw + head * hs
                    let qh = q + qBase
                    let dqh = dq + qBase
                    let dy = dout + qBase
                    let p = probabilities + (sequence * shape.heads + head) * t * t
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(t), Int32(t), Int32(hs),
                        1, dy, Int32(qw), vh, Int32(kw), 0, dp, Int32(t))
                    cblas_sgemm(
                        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                        1, p, Int32(t), dy, Int32(qw), 1, dvh, Int32(kw))
                    causalSoftmaxBackward(ds, p, dp, time: t)
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                        scale, ds, Int32(t), kh, Int32(kw), 1, dqh, Int32(qw))
                    cblas_sgemm(
                        CblasRowMajor, CblasTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                        scale, ds, Int32(t), qh, Int32(qw), 1, dkh, Int32(kw))
                }
            }
        }
    }
}

/// out = silu(gate) ⊙ up, silu(x) = x·σ(x).
package func swigluForward(_ out: Buffer, _ gate: ConstBuffer, _ up: ConstBuffer, count: Int) {
    parallelChunks(count) { range in
        for i in range {
            let g = gate[i]
            out[i] = g / (1 + fastExp(-g)) * up[i]
        }
    }
}

package func swigluBackward(
    _ dgate: Buffer, _ dup: Buffer, _ dout: ConstBuffer, _ gate: ConstBuffer, _ up: ConstBuffer,
    count: Int
) {
    parallelChunks(count) { range in
        for i in range {
            let g = gate[i]
            let s = 1 / (1 + fastExp(-g))
            dgate[i] += dout[i] * up[i] * s * (1 + g * (1 - s))
            dup[i] += dout[i] * g * s
        }
    }
}

/// out = gelu(gate) ⊙ up, GELU in its tanh form (Gemma's `gelu_pytorch_tanh`).
package func gegluForward(_ out: Buffer, _ gate: ConstBuffer, _ up: ConstBuffer, count: Int) {
    parallelChunks(count) { range in
        for i in range {
            let g = gate[i]
            out[i] = 0.5 * g * (1 + fastTanh(geluScale * (g + 0.044715 * g * g * g))) * up[i]
        }
    }
}

package func gegluBackward(
    _ dgate: Buffer, _ dup: Buffer, _ dout: ConstBuffer, _ gate: ConstBuffer, _ up: ConstBuffer,
    count: Int
) {
    parallelChunks(count) { range in
        for i in range {
            let g = gate[i]
            let th = fastTanh(geluScale * (g + 0.044715 * g * g * g))
            let slope = 0.5 * (1 + th) + 0.5 * g * (1 - th * th) * geluScale * (1 + 3 * 0.044715 * g * g)
            dgate[i] += dout[i] * up[i] * slope
            dup[i] += dout[i] * 0.5 * g * (1 + th)
        }
    }
}

/// eˣ within 3e-7 relative, in plain arithmetic so that loops over it vectorise: libm's expf is
/// a call per element, and the loss's softmax over 49,152 tokens a row took a tenth of a
/// training step with it. Cody–Waite reduction to r in [−ln2/2, ln2/2], a degree-6 Taylor
/// polynomial, then 2ⁿ built in the exponent bits (as in the libllama shim's exp).
@inline(__always)
package func fastExp(_ x: Float) -> Float {
    let clamped = min(max(x, -87), 88)
    let shifter: Float = 12_582_912 // 1.5·2²³: adding it leaves round(x/ln2) in the low mantissa bits
    let t = clamped * 1.442_695_04 + shifter
    let n = t - shifter
    let r = clamped - n * 0.693_145_751_953_125 - n * 1.428_606_820_309_417_23e-6
    let p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))))
    let exponent = (Int32(bitPattern: t.bitPattern) &- 0x4B40_0000 &+ 127) << 23
    return p * Float(bitPattern: UInt32(bitPattern: exponent))
}

/// Softmax of a row in place; returns log Σ exp(row − max) + max, the log-normaliser, so a
/// caller that read a logit before can turn it into a log-probability. Sums in 8 lanes.
package func softmaxReturningNormalizer(_ row: Buffer, count: Int) -> Float {
    var maximum = -Float.infinity
    for j in 0..<count { maximum = max(maximum, row[j]) }
    var lanes = SIMD8<Float>()
    var j = 0
    while j + 8 <= count {
        var values = SIMD8<Float>()
        for k in 0..<8 {
            values[k] = fastExp(row[j + k] - maximum)
            row[j + k] = values[k]
        }
        lanes += values
        j += 8
    }
    var sum = lanes.sum()
    while j < count {
        row[j] = fastExp(row[j] - maximum)
        sum += row[j]
        j += 1
    }
    let inverse = 1 / sum
    for j in 0..<count { row[j] *= inverse }
    return maximum + logf(sum)
}
