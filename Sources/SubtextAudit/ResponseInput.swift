import SubtextCorpus

/// One input of an audit: a JSONL file, or records a program holds. Every pass reads it again,
/// so nothing about its responses has to stay in memory between passes.
public enum ResponseInput: Sendable {
    case file(String)
    case records(name: String, [Record])

    public var name: String {
        switch self {
        case .file(let path): return path
        case .records(let name, _): return name
        }
    }

    /// Reads this shard's share, calling `visit` with each response's prompt, text and line.
    /// Records in memory are shared out by index, as gzip lines are.
    /// `onBytes` hears a file's bytes as they are read.
    func read(
        shard: Shard, options: ReadOptions, onBytes: ((UnsafeRawBufferPointer) -> Void)? = nil,
        _ visit: (_ prompt: UnsafeBufferPointer<UInt8>?, _ text: UnsafeBufferPointer<UInt8>, _ line: Int) throws -> Void
    ) throws -> JSONLReader.Summary {
        switch self {
        case .file(let path):
            var reader = JSONLReader(path: path, options: options, shard: shard)
            reader.onBytes = onBytes
            return try reader.read { record in
                try visit(record.prompt, record.text, record.line)
            }
        case .records(_, let records):
            var summary = JSONLReader.Summary()
            for index in stride(from: shard.index, to: records.count, by: shard.count) {
                var response = records[index].response
                try response.withUTF8 { text in
                    guard var prompt = records[index].prompt else { return try visit(nil, text, index + 1) }
                    try prompt.withUTF8 { try visit($0, text, index + 1) }
                }
                summary.records += 1
            }
            summary.lines = records.count
            return summary
        }
    }
}
