/// How free loadings (``LoadingConstraint/free``) are fitted where the data come as S.
public enum FreeLoadingFit: String, Sendable, Codable, CaseIterable {
    /// The likelihood concentrated over Λ, maximized over ψ by a bounded
    /// quasi-Newton iteration, as R's `factanal` (METHOD.md §6): tens of
    /// evaluations of k eigenpairs of `Ψ^(−1/2) S Ψ^(−1/2)`. The default.
    case concentrated
    /// The EM of the non-negative fit without its constraint: thousands of
    /// cheap evaluations; always used with gaps and in data space (2n < p).
    case em
}
