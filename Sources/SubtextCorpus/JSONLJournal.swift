import Foundation

#if canImport(Glibc)
    import Glibc
    import SubtextSupport
#endif

/// A line of a ``JSONLJournal``: whatever it records, found again by its key.
public protocol JournalRecord: Codable, Sendable {
    var key: String { get }
}

/// An append-only JSONL journal of completed work: what makes a long run resumable (probe
/// answers, generated replies, attribution scores).
///
/// Each line is written with one write(2) as soon as its work completes, so a run killed
/// with SIGKILL loses at most the line being written. Reopening drops a torn last line and
/// truncates the file to the last complete one, so the next append starts clean. Failures are
/// never written: failed work is done again on the next run.
public final class JSONLJournal<Record: JournalRecord>: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var entries: [String: Record] = [:]
    /// Lines that could not be read (not the last), reported to the user.
    public private(set) var damagedLines: [Int] = []
    /// Whether opening found and removed a torn last line.
    public private(set) var droppedTornLine = false

    /// Opens (creating if needed) the journal at `path` and reads what it holds.
    public init(path: String) throws {
        self.path = path
        let existing = FileManager.default.contents(atPath: path) ?? Data()
        var keepLength = 0
        var lineNumber = 0
        let decoder = JSONDecoder()
        var start = existing.startIndex
        while start < existing.endIndex {
            lineNumber += 1
            guard let newline = existing[start...].firstIndex(of: 0x0A) else {
                droppedTornLine = true // no newline: the write was cut short
                break
            }
            let line = existing[start..<newline]
            if let entry = try? decoder.decode(Record.self, from: line) {
                entries[entry.key] = entry
            } else if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                damagedLines.append(lineNumber)
            }
            start = existing.index(after: newline)
            keepLength = existing.distance(from: existing.startIndex, to: start)
        }
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw JournalError.cannotOpen(path, String(cString: strerror(errno)))
        }
        if droppedTornLine, ftruncate(descriptor, off_t(keepLength)) != 0 {
            throw JournalError.cannotOpen(path, "cannot drop the torn last line: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    public var count: Int { lock.withLock { entries.count } }

    public func entry(for key: String) -> Record? { lock.withLock { entries[key] } }

    /// Appends one entry as a single write.
    public func append(_ entry: Record) throws {
        let encoder = JSONCoding.line
        var line = try encoder.encode(entry)
        line.append(0x0A)
        try lock.withLock {
            let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == line.count else {
                throw JournalError.cannotWrite(path, written < 0 ? String(cString: strerror(errno)) : "short write")
            }
            entries[entry.key] = entry
        }
    }
}

public enum JournalError: Error, CustomStringConvertible {
    case cannotOpen(String, String)
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open journal: \(reason)"
        case .cannotWrite(let path, let reason): return "\(path): cannot write journal: \(reason)"
        }
    }
}
