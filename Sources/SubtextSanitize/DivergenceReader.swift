import Foundation
import SubtextModels
import SubtextSupport

extension Sanitizer {
    /// Sets `divergence` up to read with GGUF models in process: `model` (the base, read without
    /// a system prompt) against `teacherModel` (a fine-tune of it) or, without one, `model`
    /// under `teacherSystem`, keeping what it reads in `directory/divergence-journal.jsonl`.
    ///
    /// Without a teacher model, two contexts of one model are opened, so that each keeps the
    /// prompt prefix it read last. The journal's key holds both models' SHA-256 and the system
    /// prompt, so a resumed run reuses only what the same models and prompt read.
    package mutating func readDivergence(
        model: String, teacherModel: String?, teacherSystem: String?, threads: Int,
        directory: String
    ) throws {
        let base = try LlamaScorer(model: model, threads: threads)
        let taught = try LlamaScorer(model: teacherModel ?? model, threads: threads)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let journalPath = (directory as NSString).appendingPathComponent("divergence-journal.jsonl")
        let journal = try DivergenceJournal(
            path: journalPath,
            modelSHA256: try FileHash.sha256(model), teacherSystem: teacherSystem,
            teacherModelSHA256: try teacherModel.map(FileHash.sha256))
        let tokens: DivergenceTokens
        do {
            tokens = try DivergenceTokens(teacher: taught, base: base, teacherSystem: teacherSystem)
        } catch let mismatch as DivergenceTokens.VocabularyMismatch {
            throw SanitizeError.unusableTeacherModel(path: teacherModel ?? model, reason: mismatch.description)
        }
        let name = { (path: String) in (path as NSString).lastPathComponent }
        divergence = (tokens, name(model), teacherModel.map(name), journal)
    }
}
