import Foundation
import IRTModel

/// The JSON form of an `AnalysisResult` (METHOD.md §10), as `irt-report` writes it.
///
/// Keys are the result's own snake_case coding keys, sorted; slashes in task
/// names are not escaped. JSON has no NaN or infinities: such values (an
/// undefined SNR, say) are written as the strings `"NaN"`, `"Infinity"` and
/// `"-Infinity"`, which ``decoder()`` reads back.
public enum ResultJSON {
    /// An encoder with `irt-report`'s settings (`JSONCoding`).
    public static func encoder() -> JSONEncoder { JSONCoding.encoder() }

    /// A decoder that reads what ``encoder()`` writes.
    public static func decoder() -> JSONDecoder { JSONCoding.decoder() }

    /// The encoded result, with a final newline.
    public static func encode(_ result: AnalysisResult) throws -> Data { try JSONCoding.encode(result) }
}
