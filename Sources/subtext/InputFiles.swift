import Foundation
import SubtextCorpus

/// Command-line file arguments: directories expand to the JSONL files inside them.
enum InputFiles {
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CorpusError.cannotOpen(path: path, reason: "No such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let inside = try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.gz") }
                .sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            guard !inside.isEmpty else { throw CorpusError.emptyDirectory(path: path) }
            files += inside
        }
        return files
    }
}
