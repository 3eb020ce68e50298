/// Input that cannot be read at all. Malformed lines inside a readable file are not errors
/// of this kind: they are counted in ``MalformedLines`` unless reading is strict.
public enum CorpusError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case noRecords(path: String, malformed: Int)
    case malformed(MalformedLine)
    case emptyDirectory(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open: \(reason)"
        case .cannotRead(let path, let reason): return "\(path): cannot read: \(reason)"
        case .noRecords(let path, let malformed):
            return malformed == 0
                ? "\(path): no records (the file is empty)"
                : "\(path): no usable records (all \(malformed) non-blank lines are malformed)"
        case .malformed(let line): return "\(line) (strict mode)"
        case .emptyDirectory(let path): return "\(path): the directory holds no .jsonl or .jsonl.gz files"
        }
    }
}

/// One line that was skipped, with where and why.
public struct MalformedLine: Sendable, Equatable, Codable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

/// The malformed lines of one read: a count of all, and the first few in full.
public struct MalformedLines: Sendable, Equatable, Codable {
    public static let keptExamples = 20
    public private(set) var count = 0
    public private(set) var examples: [MalformedLine] = []

    public init() {}

    mutating func record(_ line: MalformedLine) {
        count += 1
        if examples.count < Self.keptExamples { examples.append(line) }
    }

    public mutating func merge(_ other: MalformedLines) {
        count += other.count
        for line in other.examples where examples.count < Self.keptExamples { examples.append(line) }
    }

    /// Adds another shard's lines of the same file, its line numbers moved on by `lineOffset`,
    /// keeping the examples with the smallest line numbers whatever order the shards come in.
    public mutating func mergeShard(_ other: MalformedLines, lineOffset: Int) {
        count += other.count
        examples += other.examples.map { MalformedLine(file: $0.file, line: $0.line + lineOffset, reason: $0.reason) }
        examples = Array(examples.sorted { $0.line < $1.line }.prefix(Self.keptExamples))
    }

    /// The same lines with their numbers passed through `move`.
    public func movingLines(_ move: (Int) -> Int) -> MalformedLines {
        var moved = self
        moved.examples = examples.map { MalformedLine(file: $0.file, line: move($0.line), reason: $0.reason) }
        return moved
    }
}
