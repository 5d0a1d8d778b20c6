/// Text laid out in a terminal's columns: widths counted in cells, cut only
/// between grapheme clusters (what a reader sees as one character: `👍🏽` is a
/// thumbs-up and a skin tone, `é` may be `e` and an accent).
///
/// The width of a cluster:
///
/// ```
/// 0  a control or format character, or a lone combining mark
/// 2  an emoji shown as a picture (Emoji_Presentation, or a variation selector 16 / ZWJ sequence),
///    or an East Asian wide or full-width character (CJK, Hangul, kana, full-width forms)
/// 1  anything else
/// ```
public enum TerminalText {
    /// The columns `text` takes in a terminal.
    ///
    /// - Complexity: O(n) in the scalars of `text`.
    public static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// The columns one grapheme cluster takes (see the type).
    public static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        let category = first.properties.generalCategory
        if category == .control || category == .format || category == .nonspacingMark || category == .enclosingMark {
            return 0
        }
        if first.properties.isEmojiPresentation
            || (first.properties.isEmoji && scalars.contains { $0.value == 0xFE0F || $0.value == 0x200D }) {
            return 2
        }
        return isWide(first.value) ? 2 : 1
    }

    /// East Asian wide and full-width code points (the main blocks).
    private static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
    }

    /// `text` cut to at most `columns` columns, whole clusters only, ending in
    /// `…` when cut; unchanged when it fits.
    ///
    /// - Precondition: `columns ≥ 1`.
    public static func truncate(_ text: String, _ columns: Int) -> String {
        guard width(text) > columns else { return text }
        var out = "", used = 0
        for character in text {
            let w = width(of: character)
            if used + w > columns - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` followed by spaces up to `columns` columns (never cut).
    public static func pad(_ text: String, _ columns: Int) -> String {
        text + String(repeating: " ", count: Swift.max(0, columns - width(text)))
    }

    /// Spaces then `text`, up to `columns` columns (never cut).
    public static func padLeft(_ text: String, _ columns: Int) -> String {
        String(repeating: " ", count: Swift.max(0, columns - width(text))) + text
    }
}
