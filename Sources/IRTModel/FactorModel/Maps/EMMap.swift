/// One EM map of a factor model, `x ↦ F(x)`, with the constraints it owns.
///
/// A map evaluation takes parameters `x = (Λ, ψ)` and writes `F(x)`, the next
/// EM iterate, returning the log-likelihood **of the input** `ℓ(x)` (it falls
/// out of quantities the E-step computes anyway). The map owns its constraint
/// set — non-negative or free loadings, anchored uniquenesses, the ψ floor —
/// so the accelerated driver (``EMRun``: plain, SQUAREM, Anderson) can project
/// an extrapolated point back onto it without knowing which model it drives.
/// Other maps (missing data, free loadings) plug into the same driver.
///
/// Conformers: ``CovarianceEMMap`` (complete data, through `S = ZᵀZ/n`),
/// ``DataSpaceEMMap`` (complete data with 2n < p, through `Zᵀ(Z·B)/n`),
/// ``MissingDataEMMap`` (gaps).
protocol EMMap {
    /// Tasks p (rows of Λ, entries of ψ).
    var taskCount: Int { get }
    /// Factors k (columns of Λ).
    var factorCount: Int { get }

    /// Writes `F(x)` into `out` (same shape as `x`) and returns `ℓ(x)`.
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` when `I + ΛᵀΨ⁻¹Λ` is not
    ///   positive definite (non-finite parameters).
    /// - Complexity: the map's; O(p²k) for ``CovarianceEMMap``, O(npk) for ``DataSpaceEMMap``.
    mutating func evaluate(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) -> Double

    /// Observations behind ℓ (runs): the gradient is `∇ℓ / observationCount`.
    var observationCount: Int { get }
    /// Whether loadings are constrained to `Λ ≥ 0`.
    var nonNegative: Bool { get }
    /// Per task, the floor of a free uniqueness (the ψ floor, or a task's noise floor under `--psi floor`).
    var psiFloors: [Double] { get }
    /// Per task, whether its uniqueness is fixed at an anchor.
    var anchored: [Bool] { get }

    /// Writes `∇ℓ(x) / observationCount` into `gradient` — with respect to Λ
    /// and to `log ψ` (zero for an anchored task) — and returns `ℓ(x)`. By
    /// Fisher's identity the gradient is that of the E-step's expected
    /// complete-data log-likelihood, so it costs one E-step (about one map
    /// evaluation).
    ///
    /// - Throws: as ``evaluate(_:into:)``.
    mutating func gradient(_ x: FactorParameters, into gradient: inout FactorParameters) throws(AnalysisError) -> Double

    /// After ``gradient(_:into:)`` at `x`: each task's `(k + 1) × (k + 1)`
    /// block of an information matrix per observation in `(λ_t1 … λ_tk, log ψ_t)`
    /// (column-major, task after task) — positive semi-definite, used as the
    /// quasi-Newton polish's starting inverse Hessian. O(p k²).
    mutating func informationBlocks(_ x: FactorParameters, into blocks: inout [Double])

    /// After ``gradient(_:into:)`` at `x`: loads the same blocks in their
    /// shared form (``SharedInformation``, not yet factored) and returns `true`
    /// when the map's blocks have that form (the complete-data maps); `false`
    /// otherwise (the default), and the polish uses ``informationBlocks(_:into:)``.
    mutating func sharedInformation(_ x: FactorParameters, into info: inout SharedInformation) -> Bool

    /// Whether every map step is an exact EM step, so that `ℓ(F(x)) ≥ ℓ(x)` and
    /// the fixed points are stationary points of ℓ (the nnls M-step, free
    /// loadings). The projected M-step's clipped update is not: its fixed point
    /// is no ℓ maximum, and the accelerated driver must not judge steps by ℓ
    /// alone there.
    var likelihoodIsMerit: Bool { get }

    /// The size of the step from `x` to `y` that the stop rules measure. The
    /// default is `max |Λ_y − Λ_x|` under `Λ ≥ 0` (the zero bound pins the
    /// rotation where loadings sit on it); free loadings, identified only up to
    /// a rotation `Λ R`, measure what every rotation shares (each task's
    /// `Σ_j λ_tj²` and ψ_t).
    func step(from x: FactorParameters, to y: FactorParameters) -> Double

    /// The nearest admissible loading to `value` (`max(0, value)` under `Λ ≥ 0`).
    func constrainLoading(_ value: Double) -> Double

    /// The nearest admissible uniqueness of `task` to `value`: the anchor for an
    /// anchored task, `max(floor, value)` for a free one.
    func constrainUniqueness(_ value: Double, task: Int) -> Double
}

extension EMMap {
    mutating func sharedInformation(_ x: FactorParameters, into info: inout SharedInformation) -> Bool { false }

    func step(from x: FactorParameters, to y: FactorParameters) -> Double {
        nonNegative ? Self.loadingStep(from: x, to: y)
            : Self.rotationInvariantStep(from: x, to: y, p: taskCount, k: factorCount)
    }

    /// `max(0, value)` under `Λ ≥ 0`, `value` for free loadings.
    func constrainLoading(_ value: Double) -> Double { nonNegative ? Swift.max(0, value) : value }

    /// `max |Λ_y − Λ_x|`.
    static func loadingStep(from x: FactorParameters, to y: FactorParameters) -> Double {
        EMRun.largestChange(x.lambda, y.lambda)
    }

    /// `max_t max(|Σ_j λ²_y,tj − Σ_j λ²_x,tj|, |ψ_y,t − ψ_x,t|)`: what every rotation `Λ R` shares.
    static func rotationInvariantStep(from x: FactorParameters, to y: FactorParameters, p: Int, k: Int) -> Double {
        var m = 0.0
        for t in 0..<p {
            var a = 0.0, b = 0.0
            for j in 0..<k { a += x.lambda[t + j * p] * x.lambda[t + j * p]; b += y.lambda[t + j * p] * y.lambda[t + j * p] }
            m = Swift.max(m, Swift.abs(b - a), Swift.abs(y.psi[t] - x.psi[t]))
        }
        return m
    }

    /// `max(max_st |(Λ_yΛ_yᵀ − Λ_xΛ_xᵀ)_st|, max_t |ψ_y,t − ψ_x,t|)`: the step of
    /// `Σ = ΛΛᵀ + Ψ`, which every rotation `Λ R` shares (the Σ stop of weakly
    /// identified loadings, METHOD.md §6).
    ///
    /// - Complexity: O(p²k).
    static func covarianceStep(from x: FactorParameters, to y: FactorParameters, p: Int, k: Int) -> Double {
        var m = 0.0
        for t in 0..<p {
            m = Swift.max(m, Swift.abs(y.psi[t] - x.psi[t]))
            for s in 0...t {
                var a = 0.0, b = 0.0
                for j in 0..<k {
                    a += x.lambda[t + j * p] * x.lambda[s + j * p]
                    b += y.lambda[t + j * p] * y.lambda[s + j * p]
                }
                m = Swift.max(m, Swift.abs(b - a))
            }
        }
        return m
    }
}
