import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One completed request, as a line of the journal.
public struct JournalEntry: Sendable, Equatable, Codable {
    public var key: String
    public var model: String
    public var modelID: String
    public var promptID: String
    public var sample: Int
    public var response: String
    /// The battery category the response was read as.
    public var answer: String
    public var topLogprobs: [TokenLogprob]?
    /// Score mode: the candidates' log-probabilities.
    public var scores: CandidateScores?
    public var finishReason: String?
    public var latencyMs: Double

    public init(key: String, model: String, modelID: String, promptID: String, sample: Int, response: String,
                answer: String, topLogprobs: [TokenLogprob]? = nil, scores: CandidateScores? = nil,
                finishReason: String? = nil, latencyMs: Double) {
        self.key = key
        self.model = model
        self.modelID = modelID
        self.promptID = promptID
        self.sample = sample
        self.response = response
        self.answer = answer
        self.topLogprobs = topLogprobs
        self.scores = scores
        self.finishReason = finishReason
        self.latencyMs = latencyMs
    }

    enum CodingKeys: String, CodingKey {
        case key, model, response, answer, sample, scores
        case modelID = "model_id", promptID = "prompt_id", topLogprobs = "top_logprobs"
        case finishReason = "finish_reason", latencyMs = "latency_ms"
    }
}

/// An append-only JSONL journal of completed requests: what makes a run resumable and
/// replayable.
///
/// Each line is written with one write(2) as soon as its request completes, so a run killed
/// with SIGKILL loses at most the line being written. Reopening drops a torn last line and
/// truncates the file to the last complete one, so the next append starts clean. Errors are
/// never written: a failed request is asked again on the next run.
public final class Journal: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var entries: [String: JournalEntry] = [:]
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
                droppedTornLine = true  // no newline: the write was cut short
                break
            }
            let line = existing[start..<newline]
            if let entry = try? decoder.decode(JournalEntry.self, from: line) {
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

    public func entry(for key: String) -> JournalEntry? { lock.withLock { entries[key] } }

    /// Appends one entry as a single write.
    public func append(_ entry: JournalEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
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
        case let .cannotOpen(path, reason): return "\(path): cannot open journal: \(reason)"
        case let .cannotWrite(path, reason): return "\(path): cannot write journal: \(reason)"
        }
    }
}
