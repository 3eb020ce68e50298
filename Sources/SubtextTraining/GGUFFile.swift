import CLlama
import Foundation

/// A GGUF model file: its metadata and tensors, read through ggml's own gguf reader (loaded at
/// run time from the directory scripts/install_llama.sh fills), so every storage type llama.cpp
/// writes, quantised ones included, reads back as F32.
package final class GGUFFile {
    package let path: String
    let handle: OpaquePointer
    let libraryDirectory: String

    /// One tensor's name, storage type and ggml dimensions (`shape[0]` varies fastest).
    package struct TensorInfo: Sendable, Equatable {
        package var name: String
        package var type: String
        package var shape: [Int]
        package var count: Int { shape.reduce(1, *) }
    }

    package init(path: String, libraryDirectory: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TrainingError.model(path: path, reason: "no such readable file")
        }
        var error = [CChar](repeating: 0, count: 1024)
        guard let handle = subtext_gguf_open(libraryDirectory, path, &error, error.count) else {
            throw TrainingError.model(path: path, reason: errorText(error))
        }
        self.path = path
        self.handle = handle
        self.libraryDirectory = libraryDirectory
    }

    deinit { subtext_gguf_close(handle) }

    package func string(_ key: String) -> String? {
        subtext_gguf_string(handle, subtext_gguf_find_key(handle, key)).map { String(cString: $0) }
    }

    package func number(_ key: String) -> Double? {
        var value = 0.0
        return subtext_gguf_number(handle, subtext_gguf_find_key(handle, key), &value) != 0 ? value : nil
    }

    /// The element count of an array-valued key, nil when the key holds no array.
    package func arrayLength(_ key: String) -> Int? {
        let length = subtext_gguf_array_length(handle, subtext_gguf_find_key(handle, key))
        return length < 0 ? nil : Int(length)
    }

    package private(set) lazy var tensors: [String: TensorInfo] = {
        var tensors: [String: TensorInfo] = [:]
        for index in 0..<subtext_gguf_tensor_count(handle) {
            tensors[name(index)] = info(index)
        }
        return tensors
    }()

    /// Reads tensor `name` as F32 into `out`, which holds its ``TensorInfo/count`` values.
    package func read(_ name: String, into out: UnsafeMutablePointer<Float>) throws {
        guard tensors[name] != nil else { throw TrainingError.model(path: path, reason: "no tensor \(name)") }
        let index = (0..<subtext_gguf_tensor_count(handle)).first { self.name($0) == name }!
        var error = [CChar](repeating: 0, count: 1024)
        guard subtext_gguf_tensor_read(handle, index, out, &error, error.count) == 0 else {
            throw TrainingError.model(path: path, reason: errorText(error))
        }
    }

    private func name(_ index: Int64) -> String { String(cString: subtext_gguf_tensor_name(handle, index)) }

    private func info(_ index: Int64) -> TensorInfo {
        var ne = [Int64](repeating: 0, count: 4)
        subtext_gguf_tensor_shape(handle, index, &ne)
        var shape = ne.map(Int.init)
        while shape.count > 1 && shape.last == 1 { shape.removeLast() }
        return TensorInfo(
            name: name(index), type: String(cString: subtext_gguf_tensor_type(handle, index)), shape: shape)
    }
}

/// A GGUF file put together in memory and written in one go, through a temporary file and a
/// rename, so a crash never leaves half a model where a finished one is expected.
package final class GGUFWriter {
    private let handle: OpaquePointer

    package init(libraryDirectory: String) throws {
        var error = [CChar](repeating: 0, count: 1024)
        guard let handle = subtext_gguf_writer_new(libraryDirectory, &error, error.count) else {
            throw TrainingError.model(path: libraryDirectory, reason: errorText(error))
        }
        self.handle = handle
    }

    deinit { subtext_gguf_writer_free(handle) }

    /// Takes every metadata key of `source`: a merged model keeps its base's tokenizer and hyperparameters.
    package func copyMetadata(from source: GGUFFile) { subtext_gguf_writer_copy_metadata(handle, source.handle) }
    package func set(_ key: String, _ value: String) { subtext_gguf_writer_set_string(handle, key, value) }
    package func set(_ key: String, _ value: Float) { subtext_gguf_writer_set_f32(handle, key, value) }
    package func set(_ key: String, _ value: UInt32) { subtext_gguf_writer_set_u32(handle, key, value) }

    /// Adds a matrix of `rows` rows of `columns` values (ggml shape [columns, rows]).
    package func add(_ name: String, rows: Int, columns: Int, half: Bool = false, values: UnsafePointer<Float>) throws {
        guard subtext_gguf_writer_add_tensor(handle, name, Int64(columns), Int64(rows), half ? 1 : 0, values) == 0
        else {
            throw TrainingError.model(path: name, reason: "out of memory adding the tensor")
        }
    }

    package func write(to path: String) throws {
        let partial = path + ".partial"
        guard subtext_gguf_writer_write(handle, partial) == 0 else {
            throw TrainingError.model(path: path, reason: "cannot write the GGUF file")
        }
        guard rename(partial, path) == 0 else {
            throw TrainingError.model(
                path: path, reason: "cannot move the written file into place: \(String(cString: strerror(errno)))")
        }
    }
}

/// The text a C function wrote into `buffer`, up to its terminator.
func errorText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
