/// When the EM stops.
public enum StopRule: Sendable, Equatable, Codable {
    /// Stop when `max |Λ' − Λ| < tolerance` (the reference's rule). With EM's
    /// slow linear rate this can stop far from the fixed point.
    case step(tolerance: Double)
    /// Stop when the estimated distance to the fixed point,
    /// `step · ρ̂ / (1 − ρ̂)` with `ρ̂` the observed contraction rate of the steps,
    /// is below `tolerance` (IRTKit's default).
    case estimatedDistance(tolerance: Double)

    /// The tolerance of either rule.
    public var tolerance: Double {
        switch self {
        case let .step(t), let .estimatedDistance(t): return t
        }
    }
}

extension StopRule {
    /// The rule's name in JSON and summaries: `step` or `estimated-distance`.
    public var name: String {
        switch self {
        case .step: "step"
        case .estimatedDistance: "estimated-distance"
        }
    }

    enum CodingKeys: String, CodingKey { case rule, tolerance }

    /// Encodes as `{"rule": "estimated-distance", "tolerance": 1e-07}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .rule)
        try c.encode(tolerance, forKey: .tolerance)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let tolerance = try c.decode(Double.self, forKey: .tolerance)
        switch try c.decode(String.self, forKey: .rule) {
        case "step": self = .step(tolerance: tolerance)
        case "estimated-distance": self = .estimatedDistance(tolerance: tolerance)
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .rule, in: c, debugDescription: "unknown stop rule \"\(other)\"; expected step or estimated-distance")
        }
    }
}
