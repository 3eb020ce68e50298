import Foundation
import SubtextSupport

extension GenerationResult {
    /// The manifest.json of the `subtext generate` directory that holds `dataset`, and the name
    /// the dataset has there.
    package static func manifestPath(besides dataset: String) -> (manifest: String, file: String) {
        let directory = (dataset as NSString).deletingLastPathComponent
        return (
            ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent("manifest.json"),
            (dataset as NSString).lastPathComponent
        )
    }

    /// The system prompt the side that wrote `dataset` was given, from the manifest beside it:
    /// what a later step (the divergence reading) must give the model again to read the data as
    /// its teacher wrote it. Throws, naming the manifest, when there is none, it cannot be read,
    /// or it gives no system prompt for that file.
    package static func systemPrompt(of dataset: String) throws -> String {
        let (path, name) = manifestPath(besides: dataset)
        guard FileManager.default.fileExists(atPath: path) else {
            throw JSONFile.Failure(
                path: DisplayPath.of(path),
                reason: "no such file (no `subtext generate` manifest beside \(name))")
        }
        let manifest = try JSONFile.decode(GenerationResult.self, path: path)
        guard let system = manifest.sides.first(where: { $0.file == name })?.system else {
            throw JSONFile.Failure(path: DisplayPath.of(path), reason: "gives no system prompt for \(name)")
        }
        return system
    }
}
