/// Every intermediate value of one forward pass that backward reads, plus backward's scratch,
/// carved out of one allocation. The carving depends on the batch's shape, so it is redone
/// (without reallocating) for each batch.
struct Activations {
    struct Layer {
        var ln1, ln1Mean, ln1Rstd, qkv, att, atty, attproj, residual2: Buffer
        var ln2, ln2Mean, ln2Rstd, fch, fchGelu, fcproj, residual3: Buffer
    }

    var encoded: Buffer
    var layers: [Layer]
    var lnf, lnfMean, lnfRstd, logits: Buffer
    var dresidual, dln, datty, dqkv, dwide, dwide2, scratch: Buffer
    /// Floats used from the allocation.
    var used: Int

    func layer(_ index: Int) -> Layer { layers[index] }

    /// Floats needed for a batch of `b` sequences of `t` tokens.
    static func size(_ config: ModelConfig, batch b: Int, time t: Int) -> Int {
        // Only sizes are wanted here: any non-null address serves, and nothing is written.
        Activations(config, batch: b, time: t, base: UnsafeMutablePointer(bitPattern: 64)!).used
    }

    init(_ config: ModelConfig, batch b: Int, time t: Int, base: Buffer) {
        let c = config.width
        let n = b * t
        var used = 0
        func take(_ count: Int) -> Buffer {
            defer { used += count }
            return base + used
        }
        encoded = take(n * c)
        layers = (0..<config.layers).map { _ in
            Layer(
                ln1: take(n * c), ln1Mean: take(n), ln1Rstd: take(n), qkv: take(n * 3 * c),
                att: take(b * config.heads * t * t), atty: take(n * c), attproj: take(n * c),
                residual2: take(n * c), ln2: take(n * c), ln2Mean: take(n), ln2Rstd: take(n),
                fch: take(n * 4 * c), fchGelu: take(n * 4 * c), fcproj: take(n * c), residual3: take(n * c))
        }
        lnf = take(n * c)
        lnfMean = take(n)
        lnfRstd = take(n)
        logits = take(n * config.vocabularySize)
        dresidual = take(n * c)
        dln = take(n * c)
        datty = take(n * c)
        dqkv = take(n * 3 * c)
        dwide = take(n * 4 * c)
        dwide2 = take(n * 4 * c)
        scratch = take(2 * t * t * TrainingThreads.count)
        self.used = used
    }
}
