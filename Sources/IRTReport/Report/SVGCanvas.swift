import Foundation

/// A tiny SVG writer: shapes are appended in drawing order and the whole
/// picture becomes one `<svg>` element for inline use in an HTML page.
///
/// Every string that reaches the markup — text, tooltips, labels — is passed
/// through ``HTMLEscaping/escape(_:)`` here, so chart code never escapes by hand.
/// Tooltips are SVG `<title>` children, which browsers show on hover.
struct SVGCanvas {
    /// Text alignment relative to the anchor point.
    enum Anchor: String { case start, middle, end }

    let width: Double
    let height: Double
    private var parts: [String] = []
    /// The last opacity written and its text: charts draw thousands of shapes with one opacity.
    private var lastOpacity: (value: Double, text: String)?

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A coordinate with at most one decimal (`12.5`, `300`).
    static func f(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        // Far outside any drawing (a degenerate scale): clamp rather than overflow Int.
        let r = Swift.min(Swift.max((x * 10).rounded() / 10, -1e9), 1e9)
        if r == r.rounded() { return String(Int(r)) }
        // One decimal, exactly as "%.1f" would print it, without a formatter.
        let tenths = Int((Swift.abs(r) * 10).rounded())
        return (r < 0 ? "-" : "") + String(tenths / 10) + "." + String(tenths % 10)
    }

    private static func attributes(_ list: [(String, String?)]) -> String {
        list.compactMap { name, value in value.map { " \(name)=\"\(HTMLEscaping.escape($0))\"" } }.joined()
    }

    /// Appends ` name="value"` (escaped) to `out`, nothing when `value` is `nil`:
    /// one attribute of ``attributes(_:)`` without the list, for the shapes drawn by the thousand.
    private static func append(_ name: String, _ value: String?, to out: inout String) {
        guard let value else { return }
        out += " "
        out += name
        out += "=\""
        out += HTMLEscaping.escape(value)
        out += "\""
    }

    private static func close(_ tag: String, _ title: String?) -> String {
        guard let title else { return "/>" }
        return "><title>\(HTMLEscaping.escape(title))</title></\(tag)>"
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#333",
                       width: Double = 1, dash: String? = nil, className: String? = nil, title: String? = nil) {
        let f = SVGCanvas.f
        var out = "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\""
        SVGCanvas.append("stroke", stroke, to: &out)
        SVGCanvas.append("stroke-width", f(width), to: &out)
        SVGCanvas.append("stroke-dasharray", dash, to: &out)
        SVGCanvas.append("class", className, to: &out)
        out += SVGCanvas.close("line", title)
        parts.append(out)
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil,
                       strokeWidth: Double? = nil, opacity: Double? = nil, className: String? = nil, title: String? = nil) {
        let f = SVGCanvas.f
        var out = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(Swift.max(0, w)))\" height=\"\(f(Swift.max(0, h)))\""
        SVGCanvas.append("fill", fill, to: &out)
        SVGCanvas.append("stroke", stroke, to: &out)
        SVGCanvas.append("stroke-width", strokeWidth.map(f), to: &out)
        SVGCanvas.append("fill-opacity", opacity.map { opacityText($0) }, to: &out)
        SVGCanvas.append("class", className, to: &out)
        out += SVGCanvas.close("rect", title)
        parts.append(out)
    }

    mutating func circle(_ cx: Double, _ cy: Double, r: Double, fill: String, stroke: String? = nil,
                         opacity: Double? = nil, className: String? = nil, title: String? = nil) {
        let f = SVGCanvas.f
        var out = "<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"\(f(r))\""
        SVGCanvas.append("fill", fill, to: &out)
        SVGCanvas.append("stroke", stroke, to: &out)
        SVGCanvas.append("fill-opacity", opacity.map { opacityText($0) }, to: &out)
        SVGCanvas.append("class", className, to: &out)
        out += SVGCanvas.close("circle", title)
        parts.append(out)
    }

    /// An open line through `points`.
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil,
                           title: String? = nil) {
        guard points.count >= 2 else { return }
        let pts = points.map { "\(SVGCanvas.f($0.0)),\(SVGCanvas.f($0.1))" }.joined(separator: " ")
        parts.append("<polyline points=\"\(pts)\" fill=\"none\""
            + SVGCanvas.attributes([("stroke", stroke), ("stroke-width", SVGCanvas.f(width)), ("stroke-dasharray", dash),
                                    ("stroke-linejoin", "round")])
            + SVGCanvas.close("polyline", title))
    }

    /// A closed shape through `points`.
    mutating func polygon(_ points: [(Double, Double)], fill: String, stroke: String? = nil, strokeWidth: Double? = nil,
                          className: String? = nil, title: String? = nil) {
        let pts = points.map { "\(SVGCanvas.f($0.0)),\(SVGCanvas.f($0.1))" }.joined(separator: " ")
        parts.append("<polygon points=\"\(pts)\""
            + SVGCanvas.attributes([("fill", fill), ("stroke", stroke), ("stroke-width", strokeWidth.map(SVGCanvas.f)),
                                    ("class", className)])
            + SVGCanvas.close("polygon", title))
    }

    /// A five-pointed star centred on (cx, cy) with outer radius `r`.
    mutating func star(_ cx: Double, _ cy: Double, r: Double, fill: String, stroke: String = "#222", title: String? = nil) {
        let points = (0..<10).map { i -> (Double, Double) in
            let radius = i % 2 == 0 ? r : r * 0.45
            let angle = -Double.pi / 2 + Double(i) * Double.pi / 5
            return (cx + radius * Foundation.cos(angle), cy + radius * Foundation.sin(angle))
        }
        polygon(points, fill: fill, stroke: stroke, strokeWidth: 0.8, title: title)
    }

    /// Text at (x, y) (the baseline), optionally rotated about its anchor point.
    mutating func text(_ string: String, _ x: Double, _ y: Double, anchor: Anchor = .start, size: Double? = nil,
                       weight: String? = nil, fill: String? = nil, rotate: Double? = nil, className: String? = nil,
                       title: String? = nil) {
        let f = SVGCanvas.f
        let transform = rotate.map { "rotate(\(f($0)) \(f(x)) \(f(y)))" }
        var out = "<text x=\"\(f(x))\" y=\"\(f(y))\""
        SVGCanvas.append("text-anchor", anchor == .start ? nil : anchor.rawValue, to: &out)
        SVGCanvas.append("style", size.map { "font-size:\(f($0))px" }, to: &out)
        SVGCanvas.append("font-weight", weight, to: &out)
        SVGCanvas.append("fill", fill, to: &out)
        SVGCanvas.append("transform", transform, to: &out)
        SVGCanvas.append("class", className, to: &out)
        out += ">"
        if let title { out += "<title>" + HTMLEscaping.escape(title) + "</title>" }
        out += HTMLEscaping.escape(string)
        out += "</text>"
        parts.append(out)
    }

    /// Starts a group whose `<title>` is the tooltip for everything inside it.
    mutating func beginGroup(title: String? = nil, className: String? = nil) {
        parts.append("<g" + SVGCanvas.attributes([("class", className)]) + ">"
            + (title.map { "<title>\(HTMLEscaping.escape($0))</title>" } ?? ""))
    }

    mutating func endGroup() { parts.append("</g>") }

    /// A horizontal gradient definition usable as `fill="url(#id)"`.
    mutating func linearGradient(id: String, stops: [(offset: Double, color: String)]) {
        let s = stops.map { "<stop offset=\"\(SVGCanvas.f2($0.offset))\" stop-color=\"\(HTMLEscaping.escape($0.color))\"/>" }
        parts.append("<defs><linearGradient id=\"\(HTMLEscaping.escape(id))\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">"
            + s.joined() + "</linearGradient></defs>")
    }

    /// The picture as one `<svg>` element; `label` is its accessible name.
    ///
    /// No `xmlns`: inline SVG in HTML5 needs none, and the page then holds no URL at all.
    func render(label: String) -> String {
        let f = SVGCanvas.f
        return "<svg viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\""
            + " role=\"img\" aria-label=\"\(HTMLEscaping.escape(label))\">\n"
            + parts.joined(separator: "\n") + "\n</svg>"
    }

    /// Two decimals, for opacities and offsets.
    /// ``f2(_:)`` of an opacity, remembered for the next shape.
    private mutating func opacityText(_ value: Double) -> String {
        if let last = lastOpacity, last.value == value { return last.text }
        let text = SVGCanvas.f2(value)
        lastOpacity = (value, text)
        return text
    }

    static func f2(_ x: Double) -> String {
        NumberFormat.significant((x * 100).rounded() / 100, digits: 3)
    }
}
