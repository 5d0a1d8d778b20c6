/// The one escaping function every string from data goes through before it
/// reaches the page: run names, task names, metric names, file names, warnings.
enum HTMLEscaping {
    /// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references,
    /// safe both as element text and inside a quoted attribute value.
    ///
    /// Works on UTF-8 bytes (the five characters are ASCII, so no multi-byte
    /// sequence is touched) and returns `s` itself when nothing needs escaping,
    /// as for almost every name and number on the page.
    static func escape(_ s: String) -> String {
        let utf8 = s.utf8
        guard utf8.contains(where: isSpecial) else { return s }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
