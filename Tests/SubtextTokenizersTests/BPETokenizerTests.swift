import Foundation
import Testing

@testable import SubtextTokenizers

/// Id-for-id agreement with Hugging Face `tokenizers` on tokenizers it trained
/// (scripts/make_tokenizer_fixtures.py).
@Suite struct BPETokenizerTests {
    struct Expected: Decodable {
        struct Case: Decodable { let tokenizer: String, text: String, ids: [Int], tokens: [String] }
        let cases: [Case]
    }

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
    }

    static let expected: Expected = try! JSONDecoder().decode(
        Expected.self, from: Data(contentsOf: URL(fileURLWithPath: fixture("expected.json"))))

    @Test(arguments: ["gpt2-style", "smollm2-style"])
    func matchesHuggingFaceTokenizers(name: String) throws {
        let tokenizer = try BPETokenizer(contentsOf: Self.fixture("\(name).json"))
        let cases = Self.expected.cases.filter { $0.tokenizer == name }
        #expect(cases.count > 10)
        for example in cases {
            let ids = tokenizer.encode(example.text)
            #expect(
                ids == example.ids,
                "\(name): \(example.text.debugDescription)\n got \(ids.compactMap(tokenizer.token))\nwant \(example.tokens)"
            )
        }
    }

    @Test func gpt2SplitFollowsTheRegex() {
        #expect(PreTokenizer.gpt2Split("Hello world") == ["Hello", " world"])
        #expect(PreTokenizer.gpt2Split("it's   here") == ["it", "'s", "  ", " here"])
        #expect(PreTokenizer.gpt2Split("a\n\nb") == ["a", "\n", "\n", "b"])
        #expect(PreTokenizer.gpt2Split("x 42!!") == ["x", " 42", "!!"])
        #expect(PreTokenizer.splitDigits("ab123c", individual: true) == ["ab", "1", "2", "3", "c"])
        #expect(PreTokenizer.splitDigits("ab123c", individual: false) == ["ab", "123", "c"])
    }

    /// Every byte gets its own character, so the map can be inverted.
    @Test func byteLevelAlphabetIsOneToOne() {
        #expect(Set(ByteLevelAlphabet.characters).count == 256)
        #expect(ByteLevelAlphabet.encode(Array(" \n".utf8)) == "ĠĊ")
        #expect(ByteLevelAlphabet.encode(Array("owl".utf8)) == "owl")
    }

    @Test func unsupportedTokenizersAreRefusedClearly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let wordPiece = directory.appendingPathComponent("wp.json")
        try Data(#"{"model": {"type": "WordPiece", "vocab": {}}}"#.utf8).write(to: wordPiece)
        #expect(throws: BPETokenizer.LoadError.self) { try BPETokenizer(contentsOf: wordPiece.path) }
        let garbage = directory.appendingPathComponent("bad.json")
        try Data("{not json".utf8).write(to: garbage)
        #expect { try BPETokenizer(contentsOf: garbage.path) } throws: { error in
            String(describing: error).contains("cannot read tokenizer")
        }
    }
}

/// Id-for-id agreement with a real model's tokenizer: SmolLM2-135M-Instruct's vocabulary and
/// merges read from its GGUF, against llama.cpp's own tokenisation from llama-server's
/// /tokenize (scripts/make_smollm2_tokenizer_fixture.py).
@Suite struct RealTokenizerTests {
    struct Truth: Decodable {
        struct Case: Decodable { let text: String, ids: [Int] }
        let cases: [Case]
    }

    @Test func matchesLlamaCppOnSmolLM2() throws {
        let tokenizer = try BPETokenizer(contentsOf: BPETokenizerTests.fixture("smollm2-gguf.json"))
        let truth = try JSONDecoder().decode(
            Truth.self,
            from: Data(contentsOf: URL(fileURLWithPath: BPETokenizerTests.fixture("smollm2-llama-server.json"))))
        #expect(truth.cases.count > 10)
        for example in truth.cases {
            let ids = tokenizer.encode(example.text)
            #expect(
                ids == example.ids,
                "\(example.text.debugDescription)\n got \(ids.compactMap(tokenizer.token))\nwant \(example.ids.compactMap(tokenizer.token))"
            )
        }
    }
}
