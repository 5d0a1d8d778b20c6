/// The M-step for the loadings.
public enum MStep: String, Sendable, Codable, CaseIterable {
    /// `Λ' = max(0, C S_θθ⁻¹)`: the unconstrained update clipped at 0 (reference).
    case projected
    /// Row-wise exact non-negative least squares: keeps the likelihood monotone.
    case nnls
}
