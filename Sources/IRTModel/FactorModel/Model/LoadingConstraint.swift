/// Which loadings the factor model admits.
public enum LoadingConstraint: String, Sendable, Codable, CaseIterable {
    /// `Λ ≥ 0` elementwise: each factor is a capability every task can only
    /// gain from (IRTKit's model, METHOD.md §6).
    case nonnegative
    /// Classical unconstrained maximum-likelihood factor analysis; displayed
    /// after a varimax rotation (ψ, the likelihood and the fit statistics do
    /// not depend on the rotation).
    case free
}
