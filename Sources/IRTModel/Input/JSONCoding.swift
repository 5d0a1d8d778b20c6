import Foundation

/// The JSON settings of every file IRTKit writes (`result.json`, `model.json`,
/// `score --json`): sorted keys, pretty-printed, slashes unescaped, and —
/// since JSON has no NaN or infinities — such values written as the strings
/// `"NaN"`, `"Infinity"` and `"-Infinity"`, which ``decoder()`` reads back.
public enum JSONCoding {
    /// An encoder with IRTKit's settings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// A decoder that reads what ``encoder()`` writes.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// `value` encoded, with a final newline.
    public static func encode(_ value: some Encodable) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }

    /// Where a decoding error happened and what was wrong, in one line:
    /// `tasks[3].loadings: expected an array of numbers` style.
    public static func describe(_ error: any Error) -> String {
        oneLine(details(error))
    }

    /// `text` with every line break (and other vertical space) turned into a space.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.isWhitespace && !($0 == " " || $0 == "\t") ? " " : $0
        }))
    }

    private static func details(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "top level" : text)
        }
        switch error {
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)): expected \(type) (\(context.debugDescription))"
        case let .valueNotFound(type, context):
            return "\(path(context.codingPath)): expected a \(type) value, found null"
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): missing key \"\(key.stringValue)\""
        case let .dataCorrupted(context):
            let underlying = (context.underlyingError as NSError?).map { " (\($0.localizedDescription))" } ?? ""
            return "\(path(context.codingPath)): \(context.debugDescription)\(underlying)"
        @unknown default:
            return "\(error)"
        }
    }
}
