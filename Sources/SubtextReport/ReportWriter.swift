import Foundation
import SubtextSupport

/// A report as the files a command leaves in its output directory: the markdown people read,
/// the JSON scripts read, and the charts beside them. Every report is written the same way, so
/// what one report promises (a temporary file and a rename each, the paths returned in order)
/// every report keeps.
package protocol ReportWriter {
    /// Each file of the report by name, in the order they are written.
    func files() throws -> [(name: String, data: Data)]
}

extension ReportWriter {
    /// Writes every file into `directory`, creating it if needed, each through a temporary file
    /// and a rename, so a crash never leaves half a report under a real name. Returns the paths.
    @discardableResult
    package func write(to directory: String) throws -> [String] {
        try writeReportFiles(files(), to: directory)
    }
}
