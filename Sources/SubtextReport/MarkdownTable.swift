import SubtextSupport

/// A markdown table: a header of titled columns, each aligned left or right, and rows of cells.
/// One type writes every table, so a header, its rule and its rows can never disagree on the
/// number of columns. Cells are written as given: text from a dataset or a model must already
/// be escaped (`Escape.markdown`).
struct MarkdownTable {
    struct Column {
        let title: String
        let rightAligned: Bool

        /// A column of text.
        static func left(_ title: String) -> Column { Column(title: title, rightAligned: false) }
        /// A column of numbers, aligned on the right so that digits line up.
        static func right(_ title: String) -> Column { Column(title: title, rightAligned: true) }
    }

    private let columns: [Column]
    private var rows: [[String]] = []

    init(_ columns: Column...) {
        self.init(columns)
    }

    init(_ columns: [Column]) {
        self.columns = columns
    }

    /// Appends a row; it must have one cell per column.
    mutating func add(_ cells: String...) {
        add(cells)
    }

    mutating func add(_ cells: [String]) {
        precondition(
            cells.count == columns.count, "a row of \(cells.count) cells in a table of \(columns.count) columns")
        rows.append(cells)
    }

    /// The table, a line a row, ending with a line break.
    var markdown: String {
        var text = line(columns.map(\.title))
        text += "|" + columns.map { $0.rightAligned ? "---:|" : "---|" }.joined() + "\n"
        for row in rows { text += line(row) }
        return text
    }

    private func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
}

extension MarkdownTable {
    /// Every input of a run with its SHA-256, for a report's "Reproduce" section. A sharded
    /// input's digest is over its shards' digests, and the table says so.
    static func inputs(_ provenance: Provenance) -> String {
        var table = MarkdownTable(.left("input"), .left("SHA-256"))
        for input in provenance.inputs {
            let over = input.shards.map { " (of the \($0) shards' digests)" } ?? ""
            table.add(Escape.markdown(input.path), "`\(input.sha256)`\(over)")
        }
        return table.markdown
    }
}
