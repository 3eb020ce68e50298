import Foundation
import Testing

@testable import SubtextReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct EscapingTests {
    @Test func markdownCannotBeInjected() {
        let hostile = "<script>alert(1)</script> **bold** [link](http://x) `code` | cell # head ~~s~~ $x$ \\"
        let escaped = Escape.markdown(hostile, limit: 500)
        #expect(!escaped.contains("<script>"))
        #expect(escaped.contains("&lt;script&gt;"))
        for marker in ["**", "[link]", "`code`", "~~", "$x$"] { #expect(!escaped.contains(marker), "\(marker)") }
        #expect(escaped.contains("\\| cell") && escaped.contains("\\# head"))
        #expect(escaped.contains("\\*\\*bold\\*\\*"))
    }

    @Test func markdownStaysOnOneLineAndIsCut() {
        #expect(Escape.markdown("a\nb\r\nc") == "a⏎b⏎c")
        #expect(Escape.markdown(String(repeating: "x", count: 300)).count == 201)
        #expect(Escape.markdown("bell\u{07}") == "bell\\u{7}")
    }

    @Test func svgTextIsWellFormedXML() throws {
        let svg = SVGChart.bars(
            title: "t <&> \"'", xLabel: "z", items: [(label: "</text><script>x</script>\u{01}", value: 2)])
        #expect(!svg.contains("<script>"))
        // Foundation's XML parser rejects anything not well formed.
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map(String.init(describing:)) ?? "")")
    }
}
