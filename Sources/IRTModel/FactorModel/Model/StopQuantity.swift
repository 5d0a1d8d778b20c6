/// What the estimated-distance stop rule measured when the EM stopped.
public enum StopQuantity: String, Sendable, Codable, CaseIterable {
    /// The loadings: `max |ΔΛ|` (and its estimated distance to the fixed point).
    case loadings
    /// `Σ = ΛΛᵀ + Ψ`: `max(max_st |Δ(ΛΛᵀ)_st|, max_t |Δψ_t|)`, taken when Λ is
    /// weakly identified (``LoadingIdentification/weaklyIdentified(freeRotations:)``)
    /// and so has no single fixed point to converge to.
    case covariance
}
