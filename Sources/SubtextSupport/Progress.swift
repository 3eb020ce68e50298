import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A progress bar on a terminal, plain lines every 10% otherwise.
public final class Progress: @unchecked Sendable {
    private let quiet: Bool
    private let terminal = isatty(STDERR_FILENO) != 0
    private let started = Date()
    private var lastDecile = -1
    /// Whether a bar is on the terminal's line, to be ended by ``finish()``.
    private var drawn = false
    private let lock = NSLock()
    private let unit: String

    /// Counts done before this process (a resumed run's) start at `resumedAt`, so that the rate
    /// and the time left are this process's own.
    private let resumedAt: Int

    public init(quiet: Bool, unit: String = "requests", resumedAt: Int = 0) {
        self.quiet = quiet
        self.unit = unit
        self.resumedAt = resumedAt
    }

    public var report: @Sendable (Int, Int) -> Void {
        { [self] done, total in self.update(done, total) }
    }

    /// Shows `done` of `total`, the rate and, once something is done, the time left; `note`
    /// follows them (a training run's tokens per second and loss, say).
    public func update(_ done: Int, _ total: Int, note: String = "") {
        guard !quiet, total > 0 else { return }
        lock.withLock {
            let elapsed = max(Date().timeIntervalSince(started), 1e-3)
            let rate = Double(done - resumedAt) / elapsed
            var line = "\(done)/\(total) \(unit), \(String(format: "%.1f", rate))/s"
            if done > resumedAt && done < total { line += ", \(Self.duration(Double(total - done) / rate)) left" }
            if !note.isEmpty { line += ", " + note }
            if terminal {
                let width = 30
                let filled = width * done / total
                let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                // Clear to the end of the line: a shorter line must not leave the last one's tail.
                FileHandle.standardError.write(Data("\r[\(bar)] \(line)\u{1B}[K".utf8))
                drawn = true
            } else if done * 10 / total > lastDecile {
                lastDecile = done * 10 / total
                FileHandle.standardError.write(Data("\(line)\n".utf8))
            }
        }
    }

    /// "42s", "3m 05s" or "2h 07m".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        return String(format: "%dh %02dm", whole / 3600, whole % 3600 / 60)
    }

    public func finish() {
        if lock.withLock({ drawn }) { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// One ``Progress`` per named pass of a longer job: a new pass ends the previous one's bar.
public final class PassProgress: @unchecked Sendable {
    private let quiet: Bool
    private let unit: String
    private let minimumTotal: Int
    private let lock = NSLock()
    private var current: (name: String, progress: Progress)?

    /// A pass over fewer than `minimumTotal` items draws no bar: it ends within seconds, and a
    /// bar that flashes by only pushes the lines that matter up the screen.
    public init(quiet: Bool, unit: String, minimumTotal: Int = 0) {
        self.quiet = quiet
        self.unit = unit
        self.minimumTotal = minimumTotal
    }

    public var report: @Sendable (_ pass: String, _ done: Int, _ total: Int) -> Void {
        { [self] pass, done, total in
            guard total >= minimumTotal else { return }
            let progress = lock.withLock { () -> Progress in
                if let current, current.name == pass { return current.progress }
                current?.progress.finish()
                let next = Progress(quiet: quiet, unit: "\(unit) \(pass)")
                current = (pass, next)
                return next
            }
            progress.report(done, total)
        }
    }

    /// Ends the current bar, so that a line can be printed below it.
    public func finish() {
        lock.withLock {
            current?.progress.finish()
            current = nil
        }
    }
}
