/// The initial inverse Hessian `H₀` of the quasi-Newton polish's L-BFGS
/// recursion (ProjectedQuasiNewton.swift), chosen per fit.
///
/// A fit's polishes start with ``fisherBlocks``. A polish that gives up as
/// futile (``EMTuning/quasiNewtonShortSteps`` steps in a row cut to the step
/// limit and accepted only at a small α) switches the fit's later polishes to
/// ``scaledIdentity``.
enum PolishMetric: Sendable, Equatable {
    /// `H₀ = D`, the inverse of each task's `(λ_t, log ψ_t)` Fisher-information
    /// block (``PolishPreconditioner``): a Fisher-scoring step task by task. It
    /// holds a Heywood task's stiff direction (stiffness 1/ψ_t), which a scalar
    /// H₀ cannot: on the EM bank, γI in its place lost three fits with free ψ
    /// (200,000 evaluations, unconverged) and slowed three more.
    case fisherBlocks
    /// `H₀ = γ I` with `γ = sᵀy / yᵀy` of the newest curvature pair (Nocedal &
    /// Wright, eq. 7.20), and D while there is no pair. Where ℓ is flat along
    /// hundreds of directions (far more factors than the data support: the
    /// sample at k = 36, 200–300 free rotations) D is nearly singular: every
    /// direction it gives runs into the step limit and the line search cuts it
    /// by 2⁻¹⁰ or more — the polish is futile. γI measures the curvature the
    /// steps actually meet. On `d/sample-k36-fixed` (`scripts/em-bank
    /// --sample-k 36`) the nnls fit reaches ℓ −379.155 in 24,671 evaluations
    /// and 4.5 s, where the blocks alone stopped at −379.185 after 27,865 and
    /// 8.4 s. Its steps take the blocks once per polish, for the first
    /// direction, not at every step.
    case scaledIdentity
}
