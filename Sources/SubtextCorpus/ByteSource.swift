import CZlib

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stream of bytes from a file, decompressed when the file is gzip.
protocol ByteSource {
    /// Fills up to `buffer.count` bytes and returns how many; 0 means the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    mutating func close()
}

/// Opens `path`, choosing gzip decompression by the file's magic bytes, not its name.
func openByteSource(path: String) throws -> any ByteSource {
    var file = try FileSource(path: path)
    return try file.isGzip() ? GzipSource(file: file, path: path) : file
}

/// What a shard reads of one file: a byte range of a plain file, or a gzip file's whole
/// stream of which it keeps every N-th line (see ``Shard``).
enum ShardSource {
    case range(RangeSource)
    case gzipLines(GzipSource)

    init(path: String, shard: Shard) throws {
        var file = try FileSource(path: path)
        if try file.isGzip() {
            self = .gzipLines(try GzipSource(file: file, path: path))
        } else {
            self = .range(try RangeSource(file: file, range: shard.byteRange(size: try file.size())))
        }
    }

    var source: any ByteSource {
        switch self {
        case .range(let source): return source
        case .gzipLines(let source): return source
        }
    }
}

/// A plain file read with read(2).
struct FileSource: ByteSource {
    private let descriptor: Int32
    let path: String

    init(path: String) throws {
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw CorpusError.cannotOpen(path: path, reason: systemError()) }
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(descriptor)
            throw CorpusError.cannotOpen(path: path, reason: "is a directory")
        }
        self.path = path
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw CorpusError.cannotRead(path: path, reason: systemError()) }
        }
    }

    func seek(to offset: Int) throws {
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw CorpusError.cannotRead(path: path, reason: systemError())
        }
    }

    func size() throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw CorpusError.cannotRead(path: path, reason: systemError()) }
        return Int(info.st_size)
    }

    /// Whether the file starts with gzip's magic bytes; leaves the file at its start.
    mutating func isGzip() throws -> Bool {
        var magic: [UInt8] = [0, 0]
        let peeked = try magic.withUnsafeMutableBytes { try read(into: $0) }
        try seek(to: 0)
        return peeked == 2 && magic == [0x1F, 0x8B]
    }

    mutating func close() { Glibc.close(descriptor) }
}

/// The lines of a plain file that start inside a byte range: the range is widened to skip
/// the line in progress at its start and to finish the line in progress at its end.
struct RangeSource: ByteSource {
    private var file: FileSource
    /// Bytes left before the range's end; past it, bytes run on to the end of the line.
    private var remaining: Int
    private var finishingLine = false
    private var done = false

    init(file: FileSource, range: Range<Int>) throws {
        self.file = file
        remaining = range.count
        guard range.lowerBound > 0 else { return }
        // Start one byte early: if that byte ends a line, the range starts a fresh line.
        try self.file.seek(to: range.lowerBound - 1)
        var position = range.lowerBound - 1
        var byte: UInt8 = 0
        repeat {
            guard try withUnsafeMutableBytes(of: &byte, { try self.file.read(into: $0) }) == 1 else {
                done = true
                return
            }
            if position >= range.lowerBound { remaining -= 1 }
            position += 1
        } while byte != 0x0A
        // A line that runs past the range's end leaves no line starting inside it.
        if remaining <= 0 { done = true }
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !done else { return 0 }
        if !finishingLine {
            if remaining <= 0 {
                finishingLine = true
            } else {
                let count = try file.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, remaining)]))
                if count == 0 { done = true }
                remaining -= count
                // A range that ends exactly after a newline has no line to finish.
                if remaining == 0, count > 0, buffer[count - 1] == 0x0A { done = true }
                return count
            }
        }
        // Past the range: hand out bytes up to and including the next newline.
        let count = try file.read(into: buffer)
        guard count > 0 else {
            done = true
            return 0
        }
        if let newline = buffer[0..<count].firstIndex(of: 0x0A) {
            done = true
            return newline + 1
        }
        return count
    }

    mutating func close() { file.close() }
}

/// A gzip file (one or more concatenated members) inflated with zlib.
final class GzipSource: ByteSource {
    private var file: FileSource
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var finished = false
    /// True before the first byte of a gzip member, where the input may end cleanly.
    private var atMemberStart = true
    private let path: String

    init(file: FileSource, path: String) throws {
        self.file = file
        self.path = path
        input = .allocate(byteCount: 1 << 18, alignment: 16)
        // 15 + 32: a 32 KiB window, and accept a gzip or zlib header.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            input.deallocate()
            throw CorpusError.cannotRead(path: path, reason: "zlib failed to start")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished else { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(buffer.count)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                let count = try file.read(into: input)
                if count == 0 {
                    if !atMemberStart {
                        throw CorpusError.cannotRead(path: path, reason: "gzip data ends early (truncated file?)")
                    }
                    finished = true
                    break
                }
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(count)
            }
            atMemberStart = false
            let status = inflate(&stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                // Another gzip member may follow, as `cat a.gz b.gz` makes.
                inflateReset(&stream)
                atMemberStart = true
            } else if status != Z_OK && status != Z_BUF_ERROR {
                let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw CorpusError.cannotRead(path: path, reason: "corrupt gzip data: \(message)")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }

    func close() { file.close() }
}

func systemError() -> String { String(cString: strerror(errno)) }
