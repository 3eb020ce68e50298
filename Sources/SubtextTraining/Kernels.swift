import CBLAS
import Foundation
import SubtextStatistics

// The forward and backward passes of the layers every trained model here shares (the lab's
// TinyGPT, the Llama students), on raw row-major
// Float buffers, after Karpathy's llm.c. Matrix products go to OpenBLAS; the rest are plain
// loops over pointers, which the optimiser vectorises. Backward functions accumulate (+=)
// into parameter gradients and into input gradients, so the caller zeroes them once per step.

package typealias Buffer = UnsafeMutablePointer<Float>
package typealias ConstBuffer = UnsafePointer<Float>

/// How many threads the loops between matrix products split their rows over. Each thread
/// writes only its own rows, and partial sums are combined in a fixed order, so results do
/// not depend on scheduling.
package enum TrainingThreads {
    nonisolated(unsafe) package static var count = 2
}

/// Runs `body` on `count` items split into contiguous chunks, one per thread.
package func parallelChunks(_ count: Int, _ body: (Range<Int>) -> Void) {
    let chunks = min(TrainingThreads.count, count)
    guard chunks > 1 else { return body(0..<count) }
    // The chunks touch disjoint memory, which is what makes sharing the closure safe.
    nonisolated(unsafe) let body = body
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        body((chunk * count / chunks)..<((chunk + 1) * count / chunks))
    }
}

/// out[n, c] = (inp[n, c] - mean) * rstd * weight[c] + bias[c], keeping mean and rstd for backward.
package func layerNormForward(
    _ out: Buffer, _ mean: Buffer, _ rstd: Buffer, _ inp: ConstBuffer,
    _ weight: ConstBuffer, _ bias: ConstBuffer, rows: Int, width c: Int
) {
    parallelChunks(rows) { range in
        for row in range {
            let x = inp + row * c
            let y = out + row * c
            var m: Float = 0
            for i in 0..<c { m += x[i] }
            m /= Float(c)
            var v: Float = 0
            for i in 0..<c {
                let d = x[i] - m
                v += d * d
            }
            let s = 1 / (v / Float(c) + 1e-5).squareRoot()
            for i in 0..<c { y[i] = (x[i] - m) * s * weight[i] + bias[i] }
            mean[row] = m
            rstd[row] = s
        }
    }
}

package func layerNormBackward(
    _ dinp: Buffer, _ dweight: Buffer, _ dbias: Buffer, _ dout: ConstBuffer, _ inp: ConstBuffer,
    _ weight: ConstBuffer, _ mean: ConstBuffer, _ rstd: ConstBuffer, rows: Int, width c: Int
) {
    let chunks = min(TrainingThreads.count, rows)
    // Each chunk sums its rows' weight and bias gradients apart; they are added in chunk order.
    let partial = Buffer.allocate(capacity: 2 * c * chunks)
    defer { partial.deallocate() }
    partial.initialize(repeating: 0, count: 2 * c * chunks)
    let perChunk = (rows + chunks - 1) / chunks
    parallelChunks(chunks) { range in
        for chunk in range {
            let dw = partial + 2 * c * chunk
            let db = dw + c
            for row in (chunk * perChunk)..<min((chunk + 1) * perChunk, rows) {
                let x = inp + row * c
                let dy = dout + row * c
                let dx = dinp + row * c
                let m = mean[row]
                let s = rstd[row]
                var dnormMean: Float = 0
                var dnormNormMean: Float = 0
                for i in 0..<c {
                    let norm = (x[i] - m) * s
                    let dnorm = weight[i] * dy[i]
                    dnormMean += dnorm
                    dnormNormMean += dnorm * norm
                }
                dnormMean /= Float(c)
                dnormNormMean /= Float(c)
                for i in 0..<c {
                    let norm = (x[i] - m) * s
                    let dnorm = weight[i] * dy[i]
                    db[i] += dy[i]
                    dw[i] += norm * dy[i]
                    dx[i] += (dnorm - dnormMean - norm * dnormNormMean) * s
                }
            }
        }
    }
    for chunk in 0..<chunks {
        let dw = partial + 2 * c * chunk
        let db = dw + c
        for i in 0..<c {
            dweight[i] += dw[i]
            dbias[i] += db[i]
        }
    }
}

/// out[n, o] = inp[n, :] · weight[o, :] + bias[o]: a PyTorch Linear with weight [out, in].
/// Each thread multiplies its own rows with a single-threaded OpenBLAS: OpenBLAS's own pool
/// spin-waits between calls, and on 2 cores that spinning took a seventh of a step from the
/// loops that run between the products.
package func matmulForward(
    _ out: Buffer, _ inp: ConstBuffer, _ weight: ConstBuffer, _ bias: ConstBuffer?,
    rows n: Int, inputs c: Int, outputs o: Int
) {
    parallelChunks(n) { rows in
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(o), Int32(c),
            1, inp + rows.lowerBound * c, Int32(c), weight, Int32(c), 0, out + rows.lowerBound * o, Int32(o))
        guard let bias else { return }
        for row in rows {
            let y = out + row * o
            for j in 0..<o { y[j] += bias[j] }
        }
    }
}

/// The input gradient is split over rows, and the weight and bias gradients over output
/// features, so each thread writes only its own part and sums in the same order every time.
/// A frozen weight (nil `dweight`) skips its gradient, a third of the products.
package func matmulBackward(
    _ dinp: Buffer, _ dweight: Buffer?, _ dbias: Buffer?, _ dout: ConstBuffer, _ inp: ConstBuffer,
    _ weight: ConstBuffer, rows n: Int, inputs c: Int, outputs o: Int
) {
    parallelChunks(n) { rows in
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows.count), Int32(c), Int32(o),
            1, dout + rows.lowerBound * o, Int32(o), weight, Int32(c), 1, dinp + rows.lowerBound * c, Int32(c))
    }
    guard let dweight else { return }
    parallelChunks(o) { features in
        cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(features.count), Int32(c), Int32(n),
            1, dout + features.lowerBound, Int32(o), inp, Int32(c), 1, dweight + features.lowerBound * c, Int32(c))
        guard let dbias else { return }
        for row in 0..<n {
            let dy = dout + row * o
            for j in features { dbias[j] += dy[j] }
        }
    }
}

/// Causal multi-head self-attention. `qkv` is [B, T, 3C] (queries, keys, values, each split
/// into heads of C / NH); `probabilities` keeps each head's [T, T] attention for backward.
/// Each head's products are BLAS calls on strided views of `qkv`, so nothing is transposed.
package func attentionForward(
    _ out: Buffer, _ probabilities: Buffer, _ qkv: ConstBuffer,
    batch b: Int, time t: Int, width c: Int, heads nh: Int
) {
    let hs = c / nh
    let scale = 1 / Float(hs).squareRoot()
    parallelChunks(b * nh) { range in
        for pair in range {
            let (sequence, head) = pair.quotientAndRemainder(dividingBy: nh)
            let q = qkv + sequence * t * 3 * c + head * hs
            let k = q + c
            let v = q + 2 * c
            let p = probabilities + (sequence * nh + head) * t * t
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(t), Int32(t), Int32(hs),
                scale, q, Int32(3 * c), k, Int32(3 * c), 0, p, Int32(t))
            for row in 0..<t { causalSoftmax(p + row * t, visible: row + 1, width: t) }
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                1, p, Int32(t), v, Int32(3 * c), 0, out + sequence * t * c + head * hs, Int32(c))
        }
    }
}

/// Softmax over the first `visible` entries of a row; the masked rest become 0.
@inline(__always)
private func causalSoftmax(_ row: Buffer, visible: Int, width: Int) {
    softmax(row, count: visible)
    for j in visible..<width { row[j] = 0 }
}

/// `scratch` holds 2·T·T floats per thread.
package func attentionBackward(
    _ dqkv: Buffer, _ scratch: Buffer, _ dout: ConstBuffer, _ qkv: ConstBuffer,
    _ probabilities: ConstBuffer, batch b: Int, time t: Int, width c: Int, heads nh: Int
) {
    let hs = c / nh
    let scale = 1 / Float(hs).squareRoot()
    let chunks = min(TrainingThreads.count, b * nh)
    let perChunk = (b * nh + chunks - 1) / chunks
    parallelChunks(chunks) { range in
        for chunk in range {
            let dp = scratch + chunk * 2 * t * t
            let ds = dp + t * t
            for pair in (chunk * perChunk)..<min((chunk + 1) * perChunk, b * nh) {
                let (sequence, head) = pair.quotientAndRemainder(dividingBy: nh)
                let base = sequence * t * 3 * c + head * hs
                let q = qkv + base
                let k = q + c
                let v = q + 2 * c
                let dq = dqkv + base
                let dk = dq + c
                let dv = dq + 2 * c
                let p = probabilities + (sequence * nh + head) * t * t
                let dy = dout + sequence * t * c + head * hs
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(t), Int32(t), Int32(hs),
                    1, dy, Int32(c), v, Int32(3 * c), 0, dp, Int32(t))
                cblas_sgemm(
                    CblasRowMajor, CblasTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                    1, p, Int32(t), dy, Int32(c), 1, dv, Int32(3 * c))
                causalSoftmaxBackward(ds, p, dp, time: t)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                    scale, ds, Int32(t), k, Int32(3 * c), 1, dq, Int32(3 * c))
                cblas_sgemm(
                    CblasRowMajor, CblasTrans, CblasNoTrans, Int32(t), Int32(hs), Int32(t),
                    scale, ds, Int32(t), q, Int32(3 * c), 1, dk, Int32(3 * c))
            }
        }
    }
}

let geluScale = Float((2 / Double.pi).squareRoot())

/// tanh as a rational function, Eigen's `ptanh_float` (error within a few ulp): plain
/// arithmetic, so the loops below vectorise, where libm's `tanhf` is a call per element and
/// took a quarter of a training step.
@inline(__always)
package func fastTanh(_ x: Float) -> Float {
    let clamped = min(max(x, -7.905_311), 7.905_311)
    let x2 = clamped * clamped
    var p: Float = -2.760_768_5e-16
    p = x2 * p + 2.000_188e-13
    p = x2 * p - 8.604_672e-11
    p = x2 * p + 5.122_297e-08
    p = x2 * p + 1.485_722_4e-05
    p = x2 * p + 6.372_619e-04
    p = x2 * p + 4.893_524_6e-03
    p *= clamped
    var q: Float = 1.198_258_4e-06
    q = x2 * q + 1.185_347e-04
    q = x2 * q + 2.268_434_6e-03
    q = x2 * q + 4.893_525e-03
    return p / q
}

/// GELU, tanh approximation (as GPT-2 and PyTorch's `approximate="tanh"`).
package func geluForward(_ out: Buffer, _ inp: ConstBuffer, count: Int) {
    parallelChunks(count) { range in
        for i in range {
            let x = inp[i]
            out[i] = 0.5 * x * (1 + fastTanh(geluScale * (x + 0.044715 * x * x * x)))
        }
    }
}

package func geluBackward(_ dinp: Buffer, _ inp: ConstBuffer, _ dout: ConstBuffer, count: Int) {
    parallelChunks(count) { range in
        for i in range {
            let x = inp[i]
            let th = fastTanh(geluScale * (x + 0.044715 * x * x * x))
            let sech2 = 1 - th * th
            let local = 0.5 * (1 + th) + 0.5 * x * sech2 * geluScale * (1 + 3 * 0.044715 * x * x)
            dinp[i] += local * dout[i]
        }
    }
}

package func add(_ out: Buffer, _ a: ConstBuffer, _ b: ConstBuffer, count: Int) {
    for i in 0..<count { out[i] = a[i] + b[i] }
}

/// Softmax of a row in place.
package func softmax(_ row: Buffer, count: Int) {
    var maximum = -Float.infinity
    for j in 0..<count { maximum = max(maximum, row[j]) }
    var sum: Float = 0
    for j in 0..<count {
        let e = expf(row[j] - maximum)
        row[j] = e
        sum += e
    }
    let inverse = 1 / sum
    for j in 0..<count { row[j] *= inverse }
}

/// A standard normal draw (Box–Muller), for weight initialisation.
package func standardNormal(_ generator: inout SeededGenerator) -> Float { Float(generator.normal()) }

/// The gradient of a causal softmax's scores, ds = p ⊙ (dp − Σ p·dp) row by row, for a head's
/// [T, T] probabilities `p` and their gradient `dp`; the masked entries get 0.
package func causalSoftmaxBackward(_ ds: Buffer, _ p: ConstBuffer, _ dp: ConstBuffer, time t: Int) {
    for row in 0..<t {
        let pr = p + row * t
        let dpr = dp + row * t
        let dsr = ds + row * t
        var dot: Float = 0
        for j in 0...row { dot += pr[j] * dpr[j] }
        for j in 0...row { dsr[j] = pr[j] * (dpr[j] - dot) }
        for j in (row + 1)..<t { dsr[j] = 0 }
    }
}
