import Foundation
import SubtextFuzzing

// Built two ways. `scripts/fuzz.sh` builds with `--sanitize fuzzer --sanitize address
// -Xswiftc -DFUZZING`: libFuzzer's main drives the entry points below, on the target named by
// SUBTEXT_FUZZ_TARGET (with SUBTEXT_FUZZ_SEEDS=DIR, it writes the target's seeds there and
// exits). Any other build gives a replay tool, which runs inputs (a crash the fuzzer saved,
// say) through a target without the sanitizers, and writes a target's seeds.

#if FUZZING
    nonisolated(unsafe) private var target = FuzzTarget.jsonl
    nonisolated(unsafe) private var scratch: FuzzScratch?

    @_cdecl("LLVMFuzzerInitialize")
    public func initialize(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
    ) -> CInt {
        let environment = ProcessInfo.processInfo.environment
        guard let chosen = environment["SUBTEXT_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:)) else {
            FileHandle.standardError.write(
                Data(
                    ("SUBTEXT_FUZZ_TARGET must name one of: "
                        + FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ") + "\n").utf8))
            exit(2)
        }
        target = chosen
        scratch = try! FuzzScratch()
        if let directory = environment["SUBTEXT_FUZZ_SEEDS"] {
            let repository = FileManager.default.currentDirectoryPath
            let count = try! chosen.writeSeeds(repository: repository, to: directory, scratch: scratch!)
            print("wrote \(count) seeds for \(chosen.rawValue)")
            exit(0)
        }
        return 0
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func testOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
        target.run(start.map { Data(bytes: $0, count: count) } ?? Data(), in: scratch!)
        return 0
    }
#else
    @main struct FuzzReplay {
        static let usage = """
            usage: subtext-fuzz TARGET FILE...        run inputs through a target
                   subtext-fuzz TARGET --seeds DIR    write the target's first inputs into DIR
            targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
            """

        static func main() throws {
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[0]) else {
                FileHandle.standardError.write(Data((usage + "\n").utf8))
                exit(2)
            }
            let scratch = try FuzzScratch()
            if arguments[1] == "--seeds", arguments.count == 3 {
                let count = try target.writeSeeds(
                    repository: FileManager.default.currentDirectoryPath, to: arguments[2],
                    scratch: scratch)
                print("wrote \(count) seeds for \(target.rawValue)")
                return
            }
            for path in arguments.dropFirst() {
                let accepted = target.run(try Data(contentsOf: URL(fileURLWithPath: path)), in: scratch)
                print("\(path): \(accepted ? "accepted" : "refused")")
            }
        }
    }
#endif
