import SubtextStatistics

/// The trainable values of a set of low-rank adapters (LoRA, Hu et al. 2021), as both the lab's
/// TinyGPT adapters and the real students' Llama adapters start them: flat [A, B] per adapted
/// matrix, every B zero, so that the adapted model starts as its base, and every A drawn
/// N(0, 1/inputs), so that a step moves the weights by about what a full fine-tune step would,
/// within the adapters' subspace.
struct LowRankFactors {
    /// Where one matrix's A begins in ``parameters``, and its number of inputs (A's columns).
    struct Matrix {
        var a: Int
        var inputs: Int
    }

    let parameters: UnsafeMutableBufferPointer<Float>
    let gradients: UnsafeMutableBufferPointer<Float>

    /// `count` values with each of `matrices`' A drawn, in order, from the generator `stream`
    /// of `seed`; gradients zero. The owner deallocates both buffers.
    init(count: Int, rank: Int, matrices: [Matrix], seed: UInt64, stream: String) {
        parameters = .allocate(capacity: count)
        gradients = .allocate(capacity: count)
        parameters.initialize(repeating: 0)
        gradients.initialize(repeating: 0)
        var generator = SeededGenerator.stream(seed, stream)
        for matrix in matrices {
            let std = 1 / Float(matrix.inputs).squareRoot()
            for i in 0..<(rank * matrix.inputs) { parameters[matrix.a + i] = std * standardNormal(&generator) }
        }
    }
}
