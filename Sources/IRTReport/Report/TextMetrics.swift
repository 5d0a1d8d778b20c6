import Foundation

/// Rough text widths for layout (no font access offline): average advance
/// widths of a sans-serif face, and of a monospace one for task labels. Wide
/// characters (CJK, full-width forms, emoji) take a full em in either face.
enum TextMetrics {
    /// Approximate width in pixels of `s` set in a sans-serif face at `size`.
    static func width(_ s: String, size: Double) -> Double {
        var w = 0.0
        for c in s {
            if isWide(c) { w += 1; continue }
            switch c {
            case "i", "l", "j", "t", "f", "r", ".", ",", ":", ";", "'", "|", "!", "(", ")", " ", "/": w += 0.33
            case "m", "w", "M", "W", "%": w += 0.9
            case "A"..."Z": w += 0.68
            default: w += 0.56
            }
        }
        return w * size
    }

    /// Width of `s` in the monospace face used for task names (0.6 em per character, 1 em for a wide one).
    static func monoWidth(_ s: String, size: Double) -> Double {
        s.reduce(0) { $0 + (isWide($1) ? 1 : 0.6) } * size
    }

    /// Whether `c` is set a full em wide: East Asian wide and full-width characters, and emoji.
    static func isWide(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `s` cut to at most `maxCharacters` characters, ending in "…" when cut.
    static func truncate(_ s: String, maxCharacters: Int) -> String {
        guard s.count > maxCharacters, maxCharacters >= 2 else { return s }
        return String(s.prefix(maxCharacters - 1)) + "…"
    }
}
