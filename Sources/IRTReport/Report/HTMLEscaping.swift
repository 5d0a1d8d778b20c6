/// The one escaping function every string from the data goes through before it
/// reaches the page: run names, task names, metric names, file names, warnings.
enum HTMLEscaping {
    /// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references,
    /// safe both as element text and inside a quoted attribute value, and every
    /// control character replaced by `&#xFFFD;` (�).
    ///
    /// The control characters replaced are C0 (U+0000–U+001F) except tab and
    /// line feed, DEL (U+007F) and C1 (U+0080–U+009F): HTML forbids them in a
    /// document, a NUL is turned into U+FFFD by every parser anyway, and a raw
    /// one in the file breaks tools that read it as a C string.
    ///
    /// Works on UTF-8 bytes (every character replaced is ASCII, or the two-byte
    /// sequence `C2 80`–`C2 9F`, so no other multi-byte sequence is touched)
    /// and returns `s` itself when nothing needs escaping, as for almost every
    /// name and number on the page.
    static func escape(_ s: String) -> String {
        let utf8 = s.utf8
        guard utf8.contains(where: isSpecial) else { return s }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count + 16)
        var pendingC2 = false   // a 0xC2 lead byte held back until its continuation is seen
        for byte in utf8 {
            if pendingC2 {
                pendingC2 = false
                if (0x80...0x9F).contains(byte) {
                    out += replacement
                    continue
                }
                out.append(0xC2)
            }
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&#39;".utf8)
            case 0xC2: pendingC2 = true
            case _ where isControl(byte): out += replacement
            default: out.append(byte)
            }
        }
        if pendingC2 { out.append(0xC2) }   // unreachable for valid UTF-8
        return String(decoding: out, as: UTF8.self)
    }

    /// `&#xFFFD;`, the replacement character, as a character reference.
    private static let replacement = Array("&#xFFFD;".utf8)

    /// C0 except tab and line feed, and DEL.
    private static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == 0xC2 || isControl(byte)
    }
}
