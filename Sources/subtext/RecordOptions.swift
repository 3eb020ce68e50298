import ArgumentParser
import SubtextCorpus

/// How every command that reads datasets reads their records: the recognised shapes or a
/// named field, and whether a malformed line stops the run.
struct RecordOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read the generated text from this field instead of the recognised shapes.", valueName: "name"))
    var field: String?

    @Flag(help: "Fail on the first malformed line instead of counting and skipping it.")
    var strict = false

    var readOptions: ReadOptions { ReadOptions(shape: RecordShape(textField: field), strict: strict) }
}
