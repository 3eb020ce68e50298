/// Escaping for text that comes from a dataset or a model, so it can never inject markup.
package enum Escape {
    /// Markdown-safe inline text: HTML special characters become entities, the punctuation
    /// that opens emphasis, code, links, tables, headings, math or strikethrough is
    /// backslash-escaped, and line breaks show as ⏎, so the text never starts a line (where
    /// "-" or "1." would begin a list) and a table row stays one line. Long text is cut to
    /// `limit` characters with an ellipsis.
    package static func markdown(_ text: String, limit: Int = 200) -> String {
        var result = ""
        var count = 0
        for character in text {
            if count == limit {
                result += "…"
                break
            }
            count += 1
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\n", "\r\n", "\r": result += "⏎"
            case "\\", "`", "*", "_", "{", "}", "[", "]", "#", "|", "~", "$":
                result += "\\" + String(character)
            default:
                if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                    scalar.value < 0x20 || scalar.value == 0x7F
                {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.append(character)
                }
            }
        }
        return result
    }

    /// XML-safe text for SVG, with control characters dropped (XML 1.0 forbids them).
    package static func xml(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default:
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { continue }
                if scalar.value == 0x7F { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
