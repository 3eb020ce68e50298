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
    var magic: [UInt8] = [0, 0]
    let peeked = try magic.withUnsafeMutableBytes { try file.read(into: $0) }
    guard peeked == 2, magic == [0x1F, 0x8B] else {
        try file.rewind()
        return file
    }
    try file.rewind()
    return try GzipSource(file: file, path: path)
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

    func rewind() throws {
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw CorpusError.cannotRead(path: path, reason: systemError())
        }
    }

    mutating func close() { Glibc.close(descriptor) }
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
