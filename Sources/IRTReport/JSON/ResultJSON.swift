import Foundation
import IRTMixture
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

    /// The encoded result with the mixture step's output under the top-level
    /// key `mixture` (absent when `mixture` is `nil`), with a final newline.
    public static func encode(_ result: AnalysisResult, mixture: MixtureAnalysis?) throws -> Data {
        guard let mixture else { return try encode(result) }
        return try JSONCoding.encode(WithMixture(result: result, mixture: mixture))
    }

    /// A result's keys and `mixture`, in one JSON object.
    private struct WithMixture: Encodable {
        let result: AnalysisResult
        let mixture: MixtureAnalysis

        enum CodingKeys: String, CodingKey { case mixture }

        func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(mixture, forKey: .mixture)
        }
    }

    /// The `mixture` block of a `result.json`, `nil` when it has none.
    ///
    /// - Throws: a `DecodingError` when the block is there but malformed.
    public static func decodeMixture(from data: Data) throws -> MixtureAnalysis? {
        try decoder().decode(MixtureBlock.self, from: data).mixture
    }

    private struct MixtureBlock: Decodable { let mixture: MixtureAnalysis? }
}
