/// The one escaping function every string from data goes through before it
/// reaches the page: run names, task names, metric names, file names, warnings.
enum HTMLEscaping {
    /// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references,
    /// safe both as element text and inside a quoted attribute value.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
