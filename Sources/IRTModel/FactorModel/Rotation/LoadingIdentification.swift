/// What the data determine of non-negative loadings (METHOD.md §6, "What is identified").
public enum LoadingIdentification: Sendable, Equatable, Codable {
    /// The zeros of Λ pin it: no rotation that keeps `Λ ≥ 0` exists (k = 1 always).
    case pinned
    /// The likelihood is flat along rotations `Λ R` that keep `Λ ≥ 0`, spanning
    /// `freeRotations` of the `k(k − 1)/2` rotation directions: `Σ = ΛΛᵀ + Ψ`
    /// and ℓ are determined, Λ (and so the scores) only up to such a rotation.
    case weaklyIdentified(freeRotations: Int)

    /// The status's name in JSON and summaries: `pinned` or `weakly_identified`.
    public var name: String {
        switch self {
        case .pinned: "pinned"
        case .weaklyIdentified: "weakly_identified"
        }
    }

    /// Whether the loadings are weakly identified.
    public var isWeak: Bool {
        if case .weaklyIdentified = self { return true }
        return false
    }

    enum CodingKeys: String, CodingKey { case status, freeRotations = "free_rotations" }

    /// Encodes as `{"status": "pinned"}` or `{"status": "weakly_identified", "free_rotations": 3}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .status)
        if case let .weaklyIdentified(d) = self { try c.encode(d, forKey: .freeRotations) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .status) {
        case "pinned": self = .pinned
        case "weakly_identified": self = .weaklyIdentified(freeRotations: try c.decode(Int.self, forKey: .freeRotations))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .status, in: c, debugDescription: "unknown identification \"\(other)\"; expected pinned or weakly_identified")
        }
    }
}
