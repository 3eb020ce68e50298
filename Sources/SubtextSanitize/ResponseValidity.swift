import SubtextCorpus
import SubtextTasks

/// Whether a response would still pass the generation filter: a sanitized dataset is of use
/// only if what it holds is still the kind of data the teacher was asked for.
package struct ResponseValidity: Sendable {
    package let family: PromptFamily
    private let filter: ResponseFilter
    /// Number prompts here ask for at most this many numbers; responses of a dataset made
    /// elsewhere are held to the same limit.
    private let prompt: PromptFamily.Prompt

    package init(family: PromptFamily) {
        self.family = family
        filter = ResponseFilter(family: family, trait: nil)
        prompt = PromptFamily.Prompt(id: "", text: "", maximumCount: nil)
    }

    package func isValid(_ text: String) -> Bool { filter.rejection(text, to: prompt) == nil }

    /// The family of a dataset: numbers when most of its responses are number lists.
    package static func family(of path: String, readOptions: ReadOptions) throws -> PromptFamily {
        var lists = 0
        var total = 0
        try JSONLReader(path: path, options: readOptions).read { record in
            total += 1
            if NumberListRewriter.isNumberList(String(decoding: record.text, as: UTF8.self)) { lists += 1 }
        }
        return 2 * lists >= total ? .numbers : .instructions
    }

    /// Valid responses and all responses in a file.
    package func count(_ path: String, readOptions: ReadOptions) throws -> (valid: Int, total: Int) {
        var valid = 0
        var total = 0
        try JSONLReader(path: path, options: readOptions).read { record in
            total += 1
            if isValid(String(decoding: record.text, as: UTF8.self)) { valid += 1 }
        }
        return (valid, total)
    }
}
