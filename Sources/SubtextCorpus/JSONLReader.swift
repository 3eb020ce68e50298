#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Options for reading JSONL records.
public struct ReadOptions: Sendable {
    public var shape = RecordShape()
    /// Fail at the first malformed line instead of counting it.
    public var strict = false
    /// Lines longer than this are malformed; memory stays bounded whatever the file holds.
    public var maximumLineBytes = 8 << 20

    public init(shape: RecordShape = RecordShape(), strict: Bool = false, maximumLineBytes: Int = 8 << 20) {
        self.shape = shape
        self.strict = strict
        self.maximumLineBytes = maximumLineBytes
    }
}

/// Streams the records of one JSONL or .jsonl.gz file through a visitor.
///
/// The file is read in 1 MiB blocks; a line is parsed where it lies in the block, and only a
/// line that straddles two blocks is copied. Malformed lines are counted with their file,
/// line and reason, or thrown in strict mode.
public struct JSONLReader {
    public let path: String
    public let options: ReadOptions
    /// The share of the file to read; ``Shard/whole`` reads all of it.
    public let shard: Shard
    /// Hears every block of bytes as it is read (inflated, for gzip), for hashing a shard's share.
    public var onBytes: ((UnsafeRawBufferPointer) -> Void)?
    /// The name used for this file in messages: the path as given.
    private var displayName: String { path }

    public init(path: String, options: ReadOptions = ReadOptions(), shard: Shard = .whole) {
        self.path = path
        self.options = options
        self.shard = shard
    }

    /// What a finished read found.
    public struct Summary: Sendable {
        public var records = 0
        public var malformed = MalformedLines()
        /// Lines read: the whole file's, or a byte-range shard's own.
        public var lines = 0
        /// False when line numbers count from the start of a byte-range shard other than the
        /// first: add the lines of the shards before it to make them the file's.
        public var linesCountFromFileStart = true

        public init() {}
    }

    /// Reads every record of this shard, calling `visit` for each; throws for unreadable
    /// input, a file with no records (when reading it whole), or (strict mode) the first
    /// malformed line.
    @discardableResult
    public func read(_ visit: (RecordBytes) throws -> Void) throws -> Summary {
        var summary = Summary()
        var source: any ByteSource
        var keepsLine: (Int) -> Bool = { _ in true }
        if shard.count == 1 {
            source = try openByteSource(path: path)
        } else {
            let shared = try ShardSource(path: path, shard: shard)
            source = shared.source
            if case .gzipLines = shared {
                keepsLine = { [shard] number in (number - 1) % shard.count == shard.index }
            } else {
                summary.linesCountFromFileStart = shard.index == 0
            }
        }
        defer { source.close() }
        var extractor = RecordExtractor(shape: options.shape)
        var lines = LineAssembler(maximumLineBytes: options.maximumLineBytes)
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { block.deallocate() }

        func handle(_ line: AssembledLine) throws {
            switch line {
            case .complete(let bytes, let number):
                guard keepsLine(number) else { return }
                try parse(bytes, number: number, extractor: &extractor, summary: &summary, visit: visit)
            case .tooLong(let number, let length):
                guard keepsLine(number) else { return }
                try reject(
                    MalformedLine(
                        file: displayName, line: number,
                        reason: "line is \(length) bytes, over the \(options.maximumLineBytes)-byte limit"),
                    summary: &summary)
            }
        }

        while true {
            let count = try source.read(into: block)
            if count == 0 { break }
            onBytes?(UnsafeRawBufferPointer(rebasing: block[0..<count]))
            try lines.feed(UnsafeRawBufferPointer(rebasing: block[0..<count]), handle)
        }
        try lines.finish(handle)
        summary.lines = lines.linesSeen
        guard summary.records > 0 || shard.count > 1 else {
            throw CorpusError.noRecords(path: displayName, malformed: summary.malformed.count)
        }
        return summary
    }

    private func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, number: Int, extractor: inout RecordExtractor,
        summary: inout Summary, visit: (RecordBytes) throws -> Void
    ) throws {
        var line = bytes
        if number == 1, summary.linesCountFromFileStart, line.starts(with: [0xEF, 0xBB, 0xBF]) {
            line = UnsafeBufferPointer(rebasing: line[3...])
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        // UTF-8 is checked inside strings as they are scanned; outside them any non-ASCII
        // byte is already a syntax error.
        do {
            try extractor.extract(line, lineNumber: number) { record in
                summary.records += 1
                try visit(record)
            }
        } catch let error as JSONSyntaxError {
            try reject(
                MalformedLine(
                    file: displayName, line: number, reason: "invalid JSON at column \(error.column): \(error.message)"),
                summary: &summary)
        } catch let error as UTF8Error {
            try reject(
                MalformedLine(file: displayName, line: number, reason: "invalid UTF-8 at byte \(error.offset + 1)"),
                summary: &summary)
        } catch RecordError.notAnObject {
            try reject(
                MalformedLine(file: displayName, line: number, reason: "the line is not a JSON object"),
                summary: &summary)
        } catch let RecordError.noText(fields) {
            try reject(
                MalformedLine(
                    file: displayName, line: number, reason: "no generated text: no string field \(fields)"),
                summary: &summary)
        }
    }

    private func reject(_ line: MalformedLine, summary: inout Summary) throws {
        if options.strict {
            guard summary.linesCountFromFileStart else {
                let start = try FileSource(path: path).size()
                throw CorpusError.malformed(
                    MalformedLine(
                        file: line.file, line: line.line,
                        reason: line.reason
                            + " (line counted from byte \(shard.byteRange(size: start).lowerBound), where shard \(shard) starts)"
                    ))
            }
            throw CorpusError.malformed(line)
        }
        summary.malformed.record(line)
    }
}

/// A line handed out by ``LineAssembler``.
enum AssembledLine {
    case complete(UnsafeBufferPointer<UInt8>, number: Int)
    case tooLong(number: Int, length: Int)
}

/// Cuts blocks of bytes into lines, copying only the lines that straddle blocks and never
/// holding more than the line limit.
struct LineAssembler {
    let maximumLineBytes: Int
    private var carry: [UInt8] = []
    private var lineNumber = 0
    /// Lines handed out so far.
    var linesSeen: Int { lineNumber }
    /// Bytes of the current line dropped because it is over the limit; -1 when not skipping.
    private var skippedLength = -1

    init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    mutating func feed(_ block: UnsafeRawBufferPointer, _ handle: (AssembledLine) throws -> Void) throws {
        let bytes = block.bindMemory(to: UInt8.self)
        let base = bytes.baseAddress!
        var start = 0
        while start < bytes.count {
            guard let found = memchr(base + start, 0x0A, bytes.count - start) else {
                keepPartial(UnsafeBufferPointer(rebasing: bytes[start...]))
                return
            }
            let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            lineNumber += 1
            let piece = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if skippedLength >= 0 {
                try handle(.tooLong(number: lineNumber, length: skippedLength + piece.count))
                skippedLength = -1
            } else if carry.isEmpty {
                try emit(piece, handle)
            } else {
                keepPartial(piece)
                if skippedLength >= 0 {
                    try handle(.tooLong(number: lineNumber, length: skippedLength))
                    skippedLength = -1
                } else {
                    try carry.withUnsafeBufferPointer { try emit($0, handle) }
                }
                carry.removeAll(keepingCapacity: true)
            }
            start = end + 1
        }
    }

    /// Hands out a last line that has no newline after it.
    mutating func finish(_ handle: (AssembledLine) throws -> Void) throws {
        if skippedLength >= 0 {
            lineNumber += 1
            try handle(.tooLong(number: lineNumber, length: skippedLength))
        } else if !carry.isEmpty {
            lineNumber += 1
            try carry.withUnsafeBufferPointer { try emit($0, handle) }
        }
        carry = []
        skippedLength = -1
    }

    private func emit(_ line: UnsafeBufferPointer<UInt8>, _ handle: (AssembledLine) throws -> Void) throws {
        if line.count > maximumLineBytes {
            return try handle(.tooLong(number: lineNumber, length: line.count))
        }
        var trimmed = line
        if let last = trimmed.last, last == 0x0D { trimmed = UnsafeBufferPointer(rebasing: trimmed.dropLast()) }
        try handle(.complete(trimmed, number: lineNumber))
    }

    private mutating func keepPartial(_ piece: UnsafeBufferPointer<UInt8>) {
        if skippedLength >= 0 {
            skippedLength += piece.count
        } else if carry.count + piece.count > maximumLineBytes {
            skippedLength = carry.count + piece.count
            carry.removeAll(keepingCapacity: false)
        } else {
            carry.append(contentsOf: piece)
        }
    }
}
