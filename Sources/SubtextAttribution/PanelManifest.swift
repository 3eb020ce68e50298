import Foundation
import SubtextCorpus
import SubtextSupport

/// What attribution reads of a `subtext generate` manifest.json: each side's trait and file.
package struct PanelManifest {
    package var path: String
    package var control: String
    package var teachers: [(trait: String, path: String)]

    private struct File: Decodable {
        struct Side: Decodable {
            var name: String
            var trait: String?
            var file: String
        }
        var sides: [Side]
    }

    package init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorpusError.cannotOpen(
                path: path, reason: "a panel is a `subtext generate` directory with a manifest.json")
        }
        let sides: [File.Side]
        do {
            sides = try JSONDecoder().decode(File.self, from: data).sides
        } catch {
            throw CorpusError.cannotOpen(
                path: path,
                reason: "not a generate manifest (sides with name, trait and file): "
                    + JSONFile.describe(error))
        }
        let file = { (side: File.Side) in (directory as NSString).appendingPathComponent(side.file) }
        guard let control = sides.first(where: { $0.trait == nil }) else {
            throw CorpusError.cannotOpen(path: path, reason: "no control side (a side without a trait)")
        }
        self.control = file(control)
        teachers = sides.compactMap { side in side.trait.map { ($0, file(side)) } }
    }
}
