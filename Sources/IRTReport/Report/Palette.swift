import Foundation

/// Colours of the report: a colour-blind-safe categorical palette for factors
/// (Okabe–Ito) and a white-to-blue sequential scale for loadings.
enum Palette {
    /// Factor colours, cycled when k exceeds eight.
    static let factors = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F", "#332288"]

    /// The colour of factor `j` (0-based).
    static func factor(_ j: Int) -> String { factors[j % factors.count] }

    static let ink = "#222"
    static let muted = "#666"
    static let accent = "#1f5fa8"
    static let overflow = "#d62728"
    static let baseline = "#E69F00"
    /// The aggregate score's bar: dark enough to stand apart from the factors, light enough for a black whisker.
    static let aggregate = "#6b6b6b"

    /// Stops of the sequential scale (ColorBrewer "Blues").
    static let blues: [(Double, Double, Double)] = [
        (247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214),
        (66, 146, 198), (33, 113, 181), (8, 81, 156), (8, 48, 107),
    ]

    /// The sequential colour of `t` in [0, 1] (clamped), as `#rrggbb`.
    static func sequential(_ t: Double) -> String {
        let t = t.isFinite ? Swift.min(1, Swift.max(0, t)) : 0
        let x = t * Double(blues.count - 1)
        let i = Swift.min(blues.count - 2, Int(x))
        let u = x - Double(i)
        let a = blues[i], b = blues[i + 1]
        func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * u).rounded()) }
        return hex(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// A diverging colour for `t` in [−1, 1] (clamped): blue below 0, white at 0, red above.
    static func diverging(_ t: Double) -> String {
        let t = t.isFinite ? Swift.min(1, Swift.max(-1, t)) : 0
        let end: (Double, Double, Double) = t >= 0 ? (178, 24, 43) : (33, 102, 172)
        let u = Swift.abs(t)
        func mix(_ q: Double) -> Int { Int((255 + (q - 255) * u).rounded()) }
        return hex(mix(end.0), mix(end.1), mix(end.2))
    }

    /// `#rrggbb` for channels in 0…255: what `"#%02x%02x%02x"` prints, without a formatter.
    static func hex(_ red: Int, _ green: Int, _ blue: Int) -> String {
        guard (0...255).contains(red), (0...255).contains(green), (0...255).contains(blue) else {
            return cFormat("#%02x%02x%02x", red, green, blue)
        }
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = [UInt8(ascii: "#")]
        for c in [red, green, blue] { bytes += [digits[c >> 4], digits[c & 15]] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether text on `sequential(t)` should be white for contrast.
    static func needsLightText(_ t: Double) -> Bool { t > 0.55 }
}
