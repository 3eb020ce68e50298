import Foundation
import Testing

/// The suites that run a model: a llama-server, libllama, or lab training. They run one test
/// at a time. On CI's 2 cores, several llama-servers and a training run at once starved each
/// other until requests outlived their timeouts; one at a time, each test gets the cores it
/// would get alone, and the suite as a whole takes about as long, since all of them are
/// CPU-bound.
@Suite(.serialized) enum ModelTests {}

/// The condition for the suites that need llama.cpp. A plain `swift test` runs them when
/// scripts/install_llama.sh has filled the cache and skips them, by name, when it has not.
/// scripts/test.sh (and so CI) sets SUBTEXT_REQUIRE_LLAMA=1: then they always run, and a
/// missing llama.cpp fails them instead of passing unseen.
enum Llama {
    static var required: Bool { ProcessInfo.processInfo.environment["SUBTEXT_REQUIRE_LLAMA"] == "1" }

    static var installed: Bool {
        let cache = LlamaServer.cache
        return FileManager.default.isExecutableFile(atPath: cache + "/llama-server")
            && FileManager.default.fileExists(atPath: cache + "/llama-lib/lib/libllama.so")
            && FileManager.default.fileExists(atPath: cache + "/SmolLM2-135M-Instruct.Q4_1.gguf")
            && FileManager.default.fileExists(atPath: cache + "/SmolLM2-135M-Instruct.F16.gguf")
            && FileManager.default.fileExists(atPath: cache + "/gemma-3-270m-Q4_K_M.gguf")
    }

    static let enabled: ConditionTrait = .enabled(
        if: required || installed,
        "llama.cpp is not installed: run scripts/install_llama.sh (SUBTEXT_REQUIRE_LLAMA=1 makes this a failure)")
}
