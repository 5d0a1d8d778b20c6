import Foundation

/// `printf`-style formatting of numbers through the C library's `vsnprintf`.
///
/// Foundation's `String(format:)` goes through `NSString` on Linux and cost
/// a quarter of a whole report's instructions (measured with callgrind on the
/// bundled sample); numbers only need the C formatter.
///
/// - Parameters:
///   - format: a C format with numeric conversions only (`%f`, `%e`, `%g`, `%d`, `%x`, …).
///   - arguments: `Double`s and integers.
public func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 128)
        let needed = Int(vsnprintf(&buffer, buffer.count, format, list))
        if needed >= buffer.count {
            buffer = [CChar](repeating: 0, count: needed + 1)
            return withVaList(arguments) { again in
                _ = vsnprintf(&buffer, buffer.count, format, again)
                return decode(buffer)
            }
        }
        return decode(buffer)
    }
}

/// The text of a NUL-terminated C buffer.
private func decode(_ buffer: [CChar]) -> String {
    let end = buffer.firstIndex(of: 0) ?? buffer.count
    return String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
