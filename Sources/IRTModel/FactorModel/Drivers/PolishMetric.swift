/// The initial inverse Hessian `H₀` of the quasi-Newton polish's L-BFGS
/// recursion (EMRun+QuasiNewton.swift), chosen per fit.
///
/// A fit's polishes start with ``fisherBlocks``. A polish that gives up as
/// futile (``EMTuning/quasiNewtonShortSteps`` steps in a row cut to the step
/// limit and accepted only at a small α) switches the fit's later polishes to
/// ``scaledIdentity``. Why and what it was measured on:
/// Docs/decisions/polish-metric.md.
enum PolishMetric: Sendable, Equatable {
    /// `H₀ = D`, the inverse of each task's `(λ_t, log ψ_t)` Fisher-information
    /// block (``PolishPreconditioner``): a Fisher-scoring step task by task. It
    /// holds a Heywood task's stiff direction (stiffness 1/ψ_t), which a scalar
    /// H₀ cannot, so it is the default: γI in its place loses fits with free ψ.
    case fisherBlocks
    /// `H₀ = γ I` with `γ = sᵀy / yᵀy` of the newest curvature pair (Nocedal &
    /// Wright, eq. 7.20), and D while there is no pair. Where ℓ is flat along
    /// hundreds of directions (far more factors than the data support, every
    /// free rotation one of them) D is nearly singular: every direction it
    /// gives runs into the step limit and the line search cuts it by 2⁻¹⁰ or
    /// more — the polish is futile. γI measures the curvature the steps
    /// actually meet. Its steps take the blocks once per polish, for the first
    /// direction, not at every step.
    case scaledIdentity
}
