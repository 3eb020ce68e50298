import Foundation
import SubtextModels
import SubtextTraining

/// The teacher's top-k next-token distribution at every reply position of every example:
/// what a student distils on in place of the sampled tokens.
///
/// The teacher reads each reply after its own chat prompt (with its system prompt, when it is
/// a prompted teacher); the student then learns those distributions after its own prompt,
/// which has none. Probabilities are renormalised over the k kept.
struct SoftLabels {
    /// Per example, ids and probabilities of `k` tokens for each reply position.
    var ids: [[Int32]]
    var probabilities: [[Float]]
    let k: Int

    static func read(
        _ examples: [StudentExample], teacher: LlamaScorer, system: String?, k: Int,
        progress: (Int, Int) -> Void
    ) throws -> SoftLabels {
        let v = teacher.vocabularySize
        var ids: [[Int32]] = []
        var probabilities: [[Float]] = []
        var contexts: [String: [Int32]] = [:]
        for (index, example) in examples.enumerated() {
            if index % 16 == 0 { progress(index, examples.count) }
            if contexts[example.prompt] == nil {
                contexts[example.prompt] = teacher.tokenize(
                    teacher.chatPrompt(system: system, user: example.prompt), special: true)
            }
            let reply = Array(example.tokens[example.responseStart...])
            let rows = try teacher.nextTokenLogProbabilities(context: contexts[example.prompt]!, continuation: reply)
            var exampleIDs: [Int32] = []
            var exampleProbabilities: [Float] = []
            for position in reply.indices {
                let top = topK(rows, row: position, width: v, k: k)
                let mass = top.reduce(Float(0)) { $0 + expf($1.1) }
                exampleIDs += top.map(\.0)
                exampleProbabilities += top.map { expf($0.1) / mass }
            }
            ids.append(exampleIDs)
            probabilities.append(exampleProbabilities)
        }
        progress(examples.count, examples.count)
        return SoftLabels(ids: ids, probabilities: probabilities, k: k)
    }

    /// The k largest entries of one row, largest first (ties by token id).
    private static func topK(_ rows: [Float], row: Int, width: Int, k: Int) -> [(Int32, Float)] {
        var best: [(Int32, Float)] = []
        best.reserveCapacity(k + 1)
        rows.withUnsafeBufferPointer { values in
            let base = row * width
            for token in 0..<width {
                let value = values[base + token]
                guard best.count < k || value > best[best.count - 1].1 else { continue }
                var at = best.count
                while at > 0 && best[at - 1].1 < value { at -= 1 }
                best.insert((Int32(token), value), at: at)
                if best.count > k { best.removeLast() }
            }
        }
        return best
    }
}

/// Refuses a teacher whose tokens are not the student's, token by token: distributions over
/// one vocabulary mean nothing over another.
func checkSameVocabulary(student: LlamaScorer, teacher: LlamaScorer, teacherPath: String) throws {
    guard student.vocabularySize == teacher.vocabularySize else {
        throw StudentError.unusable(
            path: teacherPath,
            reason: "the teacher's vocabulary has \(teacher.vocabularySize) tokens, the "
                + "student's \(student.vocabularySize); soft labels need one vocabulary")
    }
    for token in 0..<Int32(student.vocabularySize) where student.piece(token) != teacher.piece(token) {
        throw StudentError.unusable(
            path: teacherPath,
            reason:
                "token \(token) is \(String(reflecting: String(decoding: teacher.piece(token), as: UTF8.self))) for the teacher and "
                + "\(String(reflecting: String(decoding: student.piece(token), as: UTF8.self))) for the student; soft labels need one vocabulary"
        )
    }
}

extension SoftLabels {
    /// What a soft-labels file holds besides the labels: the run it belongs to, k, and each
    /// example's number of reply positions.
    private struct Header: Codable {
        var key: String
        var k: Int
        var positions: [Int]
    }

    /// Keeps the teacher's reading beside the run's checkpoint. Reading takes about a third of a
    /// second a row on 2 cores, so a killed run of 5,000 rows would otherwise spend half an hour
    /// reading them again. A ``RunStateFile`` whose arrays are all ids (Int32), then all
    /// probabilities (F32).
    func write(to path: String, key: String) throws {
        let header = Header(key: key, k: k, positions: ids.map { $0.count / k })
        try RunStateFile.write(header, to: path) { data in
            for example in ids { example.withUnsafeBufferPointer { data.append($0) } }
            for example in probabilities { example.withUnsafeBufferPointer { data.append($0) } }
        }
    }

    /// The labels a run of `key` kept at `path` for `examples`, refusing a file of another run or
    /// one whose positions are not those examples' replies.
    static func read(from path: String, key: String, examples: [StudentExample]) throws -> SoftLabels {
        func fail(_ reason: String) -> TrainingError { .checkpoint(path: path, reason: reason) }
        let (header, data, start) = try RunStateFile.read(Header.self, from: path, kind: "a soft-labels file")
        guard header.key == key else {
            throw fail(
                "it belongs to another run (its base model, teacher, data or settings differ); delete it or choose another --out"
            )
        }
        let expected = examples.map { $0.tokens.count - $0.responseStart }
        let count = header.k * expected.reduce(0, +)
        guard header.positions == expected, header.k > 0, data.count == start + 8 * count else {
            throw fail("its labels do not fit this run's \(examples.count) replies")
        }
        var ids: [[Int32]] = []
        var probabilities: [[Float]] = []
        data.withUnsafeBytes { raw in
            var idOffset = start
            var probabilityOffset = start + 4 * count
            for positions in expected {
                let n = positions * header.k
                ids.append(
                    (0..<n).map { raw.loadUnaligned(fromByteOffset: idOffset + 4 * $0, as: Int32.self).littleEndian })
                probabilities.append(
                    (0..<n).map {
                        Float(
                            bitPattern: raw.loadUnaligned(fromByteOffset: probabilityOffset + 4 * $0, as: UInt32.self)
                                .littleEndian)
                    })
                idOffset += 4 * n
                probabilityOffset += 4 * n
            }
        }
        return SoftLabels(ids: ids, probabilities: probabilities, k: header.k)
    }
}
