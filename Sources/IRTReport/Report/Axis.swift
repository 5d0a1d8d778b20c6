/// Axis drawing shared by the charts: tick marks, tick labels, light grid
/// lines and an axis title, from tick positions already mapped to pixels.
extension SVGCanvas {
    /// One tick: its pixel position and its label.
    typealias Tick = (position: Double, label: String)

    /// A horizontal axis along `y` from `x0` to `x1`, ticks below it, grid lines up to `gridTop`.
    mutating func xAxis(ticks: [Tick], y: Double, x0: Double, x1: Double, title: String?, gridTop: Double? = nil,
                        minor: [Double] = []) {
        if let gridTop {
            for x in minor { line(x, gridTop, x, y, stroke: "#eee", width: 1) }
            for t in ticks { line(t.position, gridTop, t.position, y, stroke: "#ddd", width: 1) }
        }
        line(x0, y, x1, y, stroke: "#555", width: 1)
        for t in ticks {
            line(t.position, y, t.position, y + 5, stroke: "#555", width: 1)
            text(t.label, t.position, y + 18, anchor: .middle, className: "tick")
        }
        if let title { text(title, (x0 + x1) / 2, y + 38, anchor: .middle, className: "axis-title") }
    }

    /// A vertical axis along `x` from `y0` (top) to `y1` (bottom), ticks to its left, grid lines to `gridRight`.
    mutating func yAxis(ticks: [Tick], x: Double, y0: Double, y1: Double, title: String?, gridRight: Double? = nil,
                        titleOffset: Double = 44) {
        if let gridRight {
            for t in ticks { line(x, t.position, gridRight, t.position, stroke: "#ddd", width: 1) }
        }
        line(x, y0, x, y1, stroke: "#555", width: 1)
        for t in ticks {
            line(x - 5, t.position, x, t.position, stroke: "#555", width: 1)
            text(t.label, x - 8, t.position + 4, anchor: .end, className: "tick")
        }
        if let title {
            text(title, x - titleOffset, (y0 + y1) / 2, anchor: .middle, rotate: -90, className: "axis-title")
        }
    }

    /// A legend entry: a small swatch drawn by `swatch` at (x, y) followed by its text; returns the next x.
    @discardableResult
    mutating func legendItem(_ label: String, x: Double, y: Double,
                             swatch: (inout SVGCanvas, Double, Double) -> Void) -> Double {
        swatch(&self, x, y)
        text(label, x + 26, y + 4, className: "legend")
        return x + 26 + TextMetrics.width(label, size: 12) + 18
    }
}
