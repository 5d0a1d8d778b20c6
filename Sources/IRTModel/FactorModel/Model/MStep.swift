/// The M-step for the loadings, and so the estimator.
///
/// The two give different answers: nnls's fixed point is the constrained
/// maximum likelihood (a maximum of ℓ over Λ ≥ 0); the projected map's fixed
/// point is the reference notebook's answer, which is no likelihood maximum
/// (on some data it has none: the fit then ends with
/// ``AnalysisError/projectedMapCycles(evaluations:activeSetReturns:residual:)``).
public enum MStep: String, Sendable, Codable, CaseIterable {
    /// `Λ' = max(0, C S_θθ⁻¹)`: the unconstrained update clipped at 0, run to
    /// its own fixed point (the reference notebook's estimator).
    case projected
    /// Row-wise exact non-negative least squares: EM, monotone in ℓ, its fixed
    /// point the constrained maximum likelihood. The default.
    case nnls

    /// What the fit's answer is, in words for the summary and the report.
    public var estimator: String {
        switch self {
        case .nnls: "constrained maximum likelihood"
        case .projected: "the reference's clipped update, not a likelihood maximum"
        }
    }
}
