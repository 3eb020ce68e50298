import SubtextSupport
import Testing

@Suite struct DisplayPathTests {
    @Test func pathsInsideTheWorkingDirectoryBecomeRelative() {
        #expect(DisplayPath.of("/work/repo/datasets/a.jsonl", relativeTo: "/work/repo") == "datasets/a.jsonl")
        #expect(DisplayPath.of("/work/repo/./datasets/../b.jsonl", relativeTo: "/work/repo/") == "b.jsonl")
    }

    @Test func pathsOutsideItAreNamedByFile() {
        #expect(DisplayPath.of("/root/.cache/subtext/model.gguf", relativeTo: "/work/repo") == "model.gguf")
        #expect(DisplayPath.of("/work/repository/x.jsonl", relativeTo: "/work/repo") == "x.jsonl")
    }

    @Test func relativePathsAreKept() {
        #expect(DisplayPath.of("datasets/a.jsonl", relativeTo: "/work/repo") == "datasets/a.jsonl")
        #expect(DisplayPath.of("owl", relativeTo: "/work/repo") == "owl")
    }

    @Test func aCommandLineLosesItsAbsolutePathsAndSecrets() {
        let command = DisplayPath.command(
            [
                "attribute", "--model", "/root/.cache/m.gguf", "--out=/work/repo/reports/x", "--teacher", "t.jsonl",
                "--model", "a=http://user:key@127.0.0.1:8080/v1#id", "http://127.0.0.1/v1?u=a@b"
            ],
            relativeTo: "/work/repo")
        #expect(
            command == [
                "attribute", "--model", "m.gguf", "--out=reports/x", "--teacher", "t.jsonl",
                "--model", "a=http://127.0.0.1:8080/v1#id", "http://127.0.0.1/v1?u=a@b"
            ])
    }

    @Test func userInformationIsRedactedFromURLs() {
        #expect(DisplayPath.redactingUserInfo("https://me:sk-123@api.example.com/v1") == "https://api.example.com/v1")
        #expect(DisplayPath.redactingUserInfo("http://127.0.0.1:18082/v1") == "http://127.0.0.1:18082/v1")
        #expect(DisplayPath.redactingUserInfo("not a url") == "not a url")
    }
}
