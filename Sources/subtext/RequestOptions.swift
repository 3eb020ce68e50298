import ArgumentParser

/// How a command that asks model servers sends its requests; `generate` and `probe` share them.
struct RequestOptions: ParsableArguments {
    @Option(help: "Requests in flight per server.")
    var concurrency = 2

    @Option(help: "Seconds for one request attempt (a slow CPU server may need minutes for a long reply).")
    var timeout: Int64 = 120

    @Option(help: "Send at most this many new requests in this run (the rest wait for the next run).")
    var maxRequests: Int?

    @Flag(help: "Print the requests planned and what they cost, and send nothing.")
    var dryRun = false

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
    }
}
