import Foundation

/// How outputs name files: never by an absolute path of the machine that wrote them, so a
/// report, journal or manifest reads the same wherever it was made and names nothing private.
public enum DisplayPath {
    /// A path relative to `directory` (the working directory by default) when it lies inside
    /// it, else its file name. Relative paths are kept as given.
    public static func of(_ path: String, relativeTo directory: String = FileManager.default.currentDirectoryPath)
        -> String
    {
        guard path.hasPrefix("/") || path.hasPrefix("~") else { return path }
        let standard = URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL.path
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path
        if standard.hasPrefix(base + "/") { return String(standard.dropFirst(base.count + 1)) }
        return (standard as NSString).lastPathComponent
    }

    /// A command line with every absolute path shown as ``of(_:relativeTo:)`` shows it, both as
    /// an argument and as the value of `--option=value`, and any URL's user information
    /// (`https://user:key@host`) removed.
    public static func command(
        _ arguments: [String], relativeTo directory: String = FileManager.default.currentDirectoryPath
    )
        -> [String]
    {
        arguments.map { argument in
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                let value = String(argument[argument.index(after: equals)...])
                return String(argument[...equals]) + display(value, directory)
            }
            return display(argument, directory)
        }
    }

    private static func display(_ argument: String, _ directory: String) -> String {
        if argument.hasPrefix("/") || argument.hasPrefix("~/") { return of(argument, relativeTo: directory) }
        return redactingUserInfo(argument)
    }

    /// A string with the user information of every URL in it removed: `http://user:key@host/v1`
    /// becomes `http://host/v1`, so a key written into a base URL never reaches an output.
    public static func redactingUserInfo(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<scheme.upperBound]) + rest[rest.index(after: at)...]
    }
}
