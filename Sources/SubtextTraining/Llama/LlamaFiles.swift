import CBLAS
import Foundation

extension LlamaModel {
    /// Writes the model as a GGUF that llama.cpp loads: `base`'s metadata (tokenizer, chat
    /// template, hyperparameters) with these weights, the adapters merged in (W + (α/r)·B·A).
    /// Matrices are stored as F16 when `half` is set; norm gains always stay F32.
    package func write(to path: String, metadataFrom base: GGUFFile, half: Bool) throws {
        let writer = try GGUFWriter(libraryDirectory: base.libraryDirectory)
        writer.copyMetadata(from: base)
        writer.set("general.file_type", UInt32(half ? 1 : 0)) // llama_ftype: ALL_F32 or MOSTLY_F16
        let merged = mergedWeights()
        defer { merged.deallocate() }
        for slot in layout.slots {
            try writer.add(
                slot.name, rows: slot.rows, columns: slot.columns, half: half && slot.isMatrix,
                values: merged.baseAddress! + slot.offset)
        }
        try writer.write(to: path)
    }

    /// A copy of the parameters with the adapters, if any, merged into their matrices.
    func mergedWeights() -> UnsafeMutableBufferPointer<Float> {
        let merged = UnsafeMutableBufferPointer<Float>.allocate(capacity: parameters.count)
        _ = merged.initialize(from: parameters)
        guard let adapters else { return merged }
        let p = adapters.parameters.baseAddress!
        for target in adapters.targets {
            let w = merged.baseAddress! + layout.slot(target.name).offset
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(target.outputs), Int32(target.inputs),
                Int32(adapters.rank),
                adapters.scale, p + target.b, Int32(adapters.rank), p + target.a, Int32(target.inputs), 1, w,
                Int32(target.inputs))
        }
        return merged
    }
}

extension LlamaAdapters {
    /// Writes the factors as a llama.cpp LoRA adapter (`llama-server --lora FILE`): general.type
    /// "adapter", adapter.type "lora", the α that with the rank gives the scale, and for each
    /// adapted matrix `NAME.lora_a` (A, [rank, inputs]) and `NAME.lora_b` (B, [outputs, rank]).
    package func write(to path: String, architecture: String, libraryDirectory: String) throws {
        let writer = try GGUFWriter(libraryDirectory: libraryDirectory)
        writer.set("general.architecture", architecture)
        writer.set("general.type", "adapter")
        writer.set("adapter.type", "lora")
        writer.set("adapter.lora.alpha", alpha)
        let p = parameters.baseAddress!
        for target in targets {
            try writer.add(target.name + ".lora_a", rows: rank, columns: target.inputs, values: p + target.a)
            try writer.add(target.name + ".lora_b", rows: target.outputs, columns: rank, values: p + target.b)
        }
        try writer.write(to: path)
    }
}

extension LlamaAdapters {
    /// The adapters stored in a llama.cpp LoRA file, for a model of `config`: every projection's
    /// `lora_a` and `lora_b`, of one rank, with the file's α.
    package convenience init(file: GGUFFile, config: LlamaConfig) throws {
        func fail(_ reason: String) -> TrainingError { .model(path: file.path, reason: reason) }
        guard file.string("general.type") == "adapter", file.string("adapter.type") == "lora" else {
            throw fail("not a LoRA adapter (general.type \"adapter\", adapter.type \"lora\")")
        }
        guard let first = file.tensors["blk.0.attn_q.weight.lora_a"], first.shape.count == 2 else {
            throw fail("no blk.0.attn_q.weight.lora_a matrix")
        }
        let alpha = file.number("adapter.lora.alpha").map(Float.init)
        self.init(for: config, rank: first.shape[1], alpha: alpha.flatMap { $0 > 0 ? $0 : nil }, seed: 0)
        for target in targets {
            for (suffix, offset, shape) in [
                (".lora_a", target.a, [target.inputs, rank]), (".lora_b", target.b, [rank, target.outputs])
            ] {
                guard file.tensors[target.name + suffix]?.shape == shape else {
                    throw fail("\(target.name + suffix) is missing or not of shape \(shape)")
                }
                try file.read(target.name + suffix, into: parameters.baseAddress! + offset)
            }
        }
    }
}
