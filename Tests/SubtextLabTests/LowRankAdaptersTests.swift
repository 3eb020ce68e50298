import Foundation
import SubtextStatistics
import SubtextTestSupport
import Testing

@testable import SubtextLab
@testable import SubtextTraining

/// LoRA students: the chain rule through W₀ + B·A, what training may change, and the rank of
/// what it changed.
@Suite struct LowRankAdaptersTests {
    static let config = GradientCheckTests.config

    /// A model with weights well above the initial scale, and adapters with B no longer zero,
    /// so both factors carry gradients well above rounding noise.
    static func adapted(rank: Int) throws -> (TinyGPT, LowRankAdapters) {
        let model = try TinyGPT(config: config, seed: 11)
        for slot in model.layout.slots where slot.decays {
            for i in slot.offset..<(slot.offset + slot.count) { model.parameters[i] *= 10 }
        }
        let adapters = LowRankAdapters(for: model, rank: rank, seed: 4)
        var generator = SeededGenerator(seed: 8)
        for i in adapters.parameters.indices where adapters.parameters[i] == 0 {
            adapters.parameters[i] = Float.random(in: -0.5...0.5, using: &generator)
        }
        return (model, adapters)
    }

    @Test func adapterGradientsMatchFiniteDifferences() throws {
        let (model, adapters) = try Self.adapted(rank: 2)
        let batch = GradientCheckTests.batch(soft: false)
        adapters.merge(into: model)
        model.zeroGradients()
        model.forward(batch)
        model.backward()
        adapters.collectGradients(from: model)
        let analytic = Array(adapters.gradients)
        var generator = SeededGenerator(seed: 5)
        var checked = 0
        var resolved = 0
        for target in adapters.targets {
            for (start, count) in [(target.a, 2 * target.inputs), (target.b, 2 * target.outputs)] {
                for _ in 0..<3 {
                    let i = start + Int.random(in: 0..<count, using: &generator)
                    let saved = adapters.parameters[i]
                    let h: Float = 1e-2
                    adapters.parameters[i] = saved + h
                    adapters.merge(into: model)
                    let up = model.forward(batch)
                    adapters.parameters[i] = saved - h
                    adapters.merge(into: model)
                    let difference = CentralDifference(up: up, down: model.forward(batch), h: h)
                    adapters.parameters[i] = saved
                    let (numeric, error) = (difference.numeric, difference.relativeError(analytic[i]))
                    checked += 1
                    if difference.isResolved { resolved += 1 }
                    #expect(
                        error < 0.02,
                        "\(target.slot.name) factor entry \(i - start): analytic \(analytic[i]), numeric \(numeric)")
                }
            }
        }
        #expect(
            resolved >= checked / 4,
            "only \(resolved) of \(checked) gradients stand clear of rounding: the check measures little")
    }

    @Test func freshAdaptersLeaveTheModelAsItWas() throws {
        let model = try TinyGPT(config: Self.config, seed: 3)
        let before = Array(model.parameters)
        LowRankAdapters(for: model, rank: 4, seed: 1).merge(into: model)
        #expect(Array(model.parameters) == before)
    }

    /// Training changes the adapted matrices alone, each by a matrix of rank at most the
    /// adapters' (checked by its singular values), and still learns: a base that continues
    /// "a a+1" with "a+2 a+3" learns to continue it with "a+3 a+4".
    @Test func loraTrainingChangesOnlyALowRankPartOfTheBlocks() throws {
        let vocabulary = DeterminismTests.vocabulary
        let model = try DeterminismTests.trained(seed: 3)
        let base = TinyGPT(copying: model)
        let shifted = (0..<40).map { i in
            let prompt = vocabulary.prompt(user: "Continue the sequence: \(i % 20) \((i + 1) % 20)")
            return Example(
                tokens: prompt + vocabulary.encode("\((i + 3) % 20) \((i + 4) % 20)") + [vocabulary.end],
                learnFrom: prompt.count)
        }
        var trainer = Trainer(steps: 100, batchSize: 8, learningRate: 3e-2, seed: 3)
        trainer.loraRank = 2
        trainer.train(model, on: shifted, padding: vocabulary.padding)
        let adapted = Set(LowRankAdapters.adaptedTensors(model.config))
        for slot in model.layout.slots {
            let delta = (slot.offset..<(slot.offset + slot.count)).map {
                Double(model.parameters[$0] - base.parameters[$0])
            }
            guard adapted.contains(slot.name) else {
                #expect(delta.allSatisfy { $0 == 0 }, "\(slot.name) changed under LoRA")
                continue
            }
            let singular = Self.singularValues(delta, rows: slot.shape[0], columns: slot.shape[1])
            #expect(singular[0] > 1e-3, "\(slot.name) did not change")
            #expect(
                singular[2] < 1e-4 * singular[0],
                "\(slot.name): third singular value \(singular[2]) of \(singular[0]) under rank 2")
        }
        let batch = Trainer.batch(shifted, vocabulary: model.config.vocabularySize, padding: vocabulary.padding)
        #expect(model.forward(batch) < base.forward(batch) - 0.25)
    }

    /// Singular values, largest first, from the eigenvalues of MᵀM by Jacobi rotations: small
    /// matrices only, and independent of the BLAS the code under test uses.
    static func singularValues(_ m: [Double], rows: Int, columns n: Int) -> [Double] {
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for r in 0..<rows { a[i * n + j] += m[r * n + i] * m[r * n + j] } } }
        for _ in 0..<50 {
            for p in 0..<n {
                for q in (p + 1)..<n where abs(a[p * n + q]) > 1e-300 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let (akp, akq) = (a[k * n + p], a[k * n + q])
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let (apk, aqk) = (a[p * n + k], a[q * n + k])
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                }
            }
        }
        return (0..<n).map { max(a[$0 * n + $0], 0).squareRoot() }.sorted(by: >)
    }
}
