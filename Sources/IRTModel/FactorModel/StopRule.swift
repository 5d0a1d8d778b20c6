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
