import Foundation

/// Rough text widths for layout (no font access offline): average advance
/// widths of a sans-serif face, and of a monospace one for task labels.
enum TextMetrics {
    /// Approximate width in pixels of `s` set in a sans-serif face at `size`.
    static func width(_ s: String, size: Double) -> Double {
        var w = 0.0
        for c in s {
            switch c {
            case "i", "l", "j", "t", "f", "r", ".", ",", ":", ";", "'", "|", "!", "(", ")", " ", "/": w += 0.33
            case "m", "w", "M", "W", "%": w += 0.9
            case "A"..."Z": w += 0.68
            default: w += 0.56
            }
        }
        return w * size
    }

    /// Width of `s` in the monospace face used for task names (0.6 em per character).
    static func monoWidth(_ s: String, size: Double) -> Double { Double(s.count) * 0.6 * size }

    /// `s` cut to at most `maxCharacters` characters, ending in "…" when cut.
    static func truncate(_ s: String, maxCharacters: Int) -> String {
        guard s.count > maxCharacters, maxCharacters >= 2 else { return s }
        return String(s.prefix(maxCharacters - 1)) + "…"
    }
}
