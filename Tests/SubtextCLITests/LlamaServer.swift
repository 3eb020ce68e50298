import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// llama.cpp's llama-server with SmolLM2-135M-Instruct on a free loopback port, started by a
/// test and killed when this value goes away. scripts/install_llama.sh (run by
/// scripts/test.sh) puts both in the cache.
final class LlamaServer {
    let process = Process()
    let port: Int

    static var cache: String {
        ProcessInfo.processInfo.environment["SUBTEXT_CACHE"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/subtext").path
    }

    /// Starts `model` (a file in the cache, or an absolute path) on `port`, or on a free port
    /// when nil, with `extra` arguments for llama-server after the usual ones.
    init(port fixed: Int? = nil, model file: String = "SmolLM2-135M-Instruct.Q4_1.gguf", extra: [String] = []) throws {
        let binary = Self.cache + "/llama-server"
        let model = file.hasPrefix("/") ? file : Self.cache + "/" + file
        guard FileManager.default.isExecutableFile(atPath: binary), FileManager.default.fileExists(atPath: model) else {
            throw SetupError(
                "llama-server or the SmolLM2 GGUF is missing from \(Self.cache): run scripts/install_llama.sh")
        }
        port = try fixed ?? Self.freePort()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            [
                "-m", model, "--host", "127.0.0.1", "--port", String(port), "-t", "2", "-c", "2048",
                "--parallel", "2"
            ] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(180)
        // A healthy answer counts only while our own process lives: if another test's server
        // took the port first, ours exits, and that other server would answer for it.
        while Date() < deadline, process.isRunning {
            if (try? CLI.shell("curl -sf http://127.0.0.1:\(port)/health")) == 0, process.isRunning { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let exited = !process.isRunning
        stop()
        throw SetupError(
            exited
                ? "llama-server exited before it was healthy on port \(port)"
                : "llama-server did not become healthy on port \(port) in 180 s")
    }

    deinit { stop() }

    /// SIGKILL, as a crash would.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// A port the kernel says is free now.
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0 else { throw SetupError("cannot find a free port") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
