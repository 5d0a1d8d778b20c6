import Foundation

extension JSONCoding {
    /// The first key that appears twice in one JSON object of `data`, with the
    /// line of its second appearance; `nil` when every object's keys are unique
    /// (or `data` is not well-formed enough to tell: the decoder reports that).
    ///
    /// JSON (RFC 8259) leaves duplicate keys' meaning open, and `JSONDecoder`
    /// keeps one of them silently: a file with `"include"` twice loses one list.
    /// Keys are compared after unescaping (`"\u0069nclude"` is `"include"`).
    ///
    /// - Complexity: O(bytes).
    public static func duplicateKey(in data: Data) -> (key: String, line: Int)? {
        let bytes = [UInt8](data)
        var objects: [Set<String>?] = []   // one entry per open container: a key set for an object, nil for an array
        var line = 1, i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\n"):
                line += 1
            case UInt8(ascii: "{"):
                objects.append([])
            case UInt8(ascii: "["):
                objects.append(nil)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !objects.isEmpty { objects.removeLast() }
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                    i += 1
                }
                guard i < bytes.count else { return nil }
                let raw = Data(bytes[start...i])
                var j = i + 1
                while j < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")].contains(bytes[j]) { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: ":"), let last = objects.last, var keys = last {
                    let key = (try? JSONDecoder().decode(String.self, from: raw)) ?? String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                    if keys.contains(key) { return (key, line) }
                    keys.insert(key)
                    objects[objects.count - 1] = keys
                }
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
