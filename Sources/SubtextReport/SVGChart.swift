import Foundation

/// Small, dependency-free SVG charts for reports. All labels pass through ``Escape/xml(_:)``.
package enum SVGChart {
    package struct Series {
        package var name: String
        package var color: String
        /// (x label, value, interval low, interval high)
        package var points: [(label: String, value: Double, low: Double, high: Double)]

        package init(name: String, color: String, points: [(label: String, value: Double, low: Double, high: Double)]) {
            self.name = name
            self.color = color
            self.points = points
        }
    }

    /// Values with interval whiskers at categorical x positions. The y axis runs from
    /// `yFloor` (lowered to fit every interval) to `yCeiling` (raised to fit), with a dashed
    /// line at `reference` labelled `referenceLabel`.
    package static func intervals(
        title: String, yLabel: String, xLabel: String = "responses per bag (K)", series: [Series],
        reference: Double? = 0.5, referenceLabel: String = "chance", yFloor: Double = 0.4,
        yCeiling: Double = 1
    ) -> String {
        let labels = series.first?.points.map(\.label) ?? []
        // Many categories get slanted labels and a deeper bottom margin so they never overlap.
        let slanted = labels.count > 6
        let width = max(560.0, 200 + 34 * Double(labels.count))
        let height = slanted ? 360.0 : 320.0
        let left = 60.0
        let right = 140.0
        let top = 40.0
        let bottom = slanted ? 90.0 : 50.0
        let lowest = series.flatMap { $0.points.map(\.low) }.filter(\.isFinite).min() ?? yFloor
        let highest = series.flatMap { $0.points.map(\.high) }.filter(\.isFinite).max() ?? yCeiling
        let yMin = yFloor >= 0 ? max(0, min(yFloor, lowest - 0.02)) : min(yFloor, lowest)
        let yMax = max(yCeiling, highest)
        // About five gridlines whatever the range: a step of 1, 2 or 5 times a power of ten.
        let magnitude = pow(10, log10((yMax - yMin) / 5).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { (yMax - yMin) / $0 <= 6 } ?? 10 * magnitude
        let decimals = max(0, Int(-log10(step).rounded(.down)))
        let plotW = width - left - right
        let plotH = height - top - bottom
        func y(_ v: Double) -> Double { top + plotH * (1 - (min(max(v, yMin), yMax) - yMin) / (yMax - yMin)) }
        func x(_ i: Int, _ s: Int) -> Double {
            let slot = plotW / Double(max(labels.count, 1))
            return left + slot * (Double(i) + 0.5) + (Double(s) - Double(series.count - 1) / 2) * 10
        }
        var svg = header(width, height, title)
        for tick in stride(from: (yMin / step).rounded(.up) * step, through: yMax + 1e-9, by: step) {
            svg += line(left, y(tick), left + plotW, y(tick), "#e5e5e5")
            svg += text(left - 8, y(tick) + 4, String(format: "%.\(decimals)f", tick), anchor: "end")
        }
        if let reference {
            svg +=
                "<line x1=\"\(left)\" y1=\(q(y(reference))) x2=\(q(left + plotW)) y2=\(q(y(reference))) stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n"
            svg += text(left + plotW + 4, y(reference) + 4, referenceLabel, anchor: "start", size: 11)
        }
        for (i, label) in labels.enumerated() {
            if slanted {
                let (lx, ly) = (x(i, 0), top + plotH + 14)
                svg +=
                    "<text x=\(q(lx)) y=\(q(ly)) font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-40 \(String(format: "%.1f", lx)) \(String(format: "%.1f", ly)))\">\(Escape.xml(label))</text>\n"
            } else {
                svg += text(x(i, 0), top + plotH + 20, label, size: 10)
            }
        }
        svg += text(left + plotW / 2, height - 10, xLabel)
        svg +=
            "<text x=\"16\" y=\(q(top + plotH / 2)) font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(top + plotH / 2))\">\(Escape.xml(yLabel))</text>\n"
        for (s, serie) in series.enumerated() {
            for (i, point) in serie.points.enumerated() where point.value.isFinite {
                svg += line(x(i, s), y(point.low), x(i, s), y(point.high), serie.color)
                svg += "<circle cx=\(q(x(i, s))) cy=\(q(y(point.value))) r=\"4\" fill=\"\(serie.color)\"/>\n"
            }
            let legendY = top + 18 * Double(s)
            svg +=
                "<rect x=\(q(width - right + 20)) y=\(q(legendY - 9)) width=\"10\" height=\"10\" fill=\"\(serie.color)\"/>\n"
            svg += text(width - right + 36, legendY, serie.name, anchor: "start")
        }
        return svg + "</svg>\n"
    }

    /// Horizontal bars, one per labelled value, for the carriers' log-odds z.
    package static func bars(title: String, xLabel: String, items: [(label: String, value: Double)]) -> String {
        let rowH = 22.0
        let left = 150.0
        let right = 60.0
        let top = 40.0
        let width = 560.0
        let height = top + rowH * Double(max(items.count, 1)) + 50
        let maxValue = max(items.map { abs($0.value) }.max() ?? 1, 1e-9)
        let plotW = width - left - right
        var svg = header(width, height, title)
        for (i, item) in items.enumerated() {
            let yPos = top + rowH * Double(i)
            let w = plotW * abs(item.value) / maxValue
            svg += "<rect x=\(q(left)) y=\(q(yPos + 3)) width=\(q(w)) height=\(q(rowH - 6)) fill=\"#c2410c\"/>\n"
            svg += text(left - 8, yPos + rowH / 2 + 4, item.label, anchor: "end", monospace: true)
            svg += text(
                left + w + 6, yPos + rowH / 2 + 4, String(format: "%.2f", item.value), anchor: "start", size: 11)
        }
        svg += text(left + plotW / 2, height - 14, xLabel)
        return svg + "</svg>\n"
    }

    private static func header(_ width: Double, _ height: Double, _ title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\(q(width)) height=\(q(height)) viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + text(width / 2, 22, title, size: 14)
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: String) -> String {
        "<line x1=\(q(x1)) y1=\(q(y1)) x2=\(q(x2)) y2=\(q(y2)) stroke=\"\(color)\" stroke-width=\"2\"/>\n"
    }

    private static func text(
        _ x: Double, _ y: Double, _ content: String, anchor: String = "middle", size: Int = 12,
        monospace: Bool = false
    ) -> String {
        let family = monospace ? " font-family=\"monospace\"" : ""
        return
            "<text x=\(q(x)) y=\(q(y)) font-size=\"\(size)\" text-anchor=\"\(anchor)\"\(family)>\(Escape.xml(content))</text>\n"
    }

    private static func q(_ value: Double) -> String { "\"" + String(format: "%.1f", value) + "\"" }
}
