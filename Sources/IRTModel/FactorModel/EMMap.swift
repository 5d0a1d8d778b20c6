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

    /// Whether every map step is an exact EM step, so that `ℓ(F(x)) ≥ ℓ(x)` and
    /// the fixed points are stationary points of ℓ (the nnls M-step, free
    /// loadings). The projected M-step's clipped update is not: its fixed point
    /// is no ℓ maximum, and the accelerated driver must not judge steps by ℓ
    /// alone there.
    var likelihoodIsMerit: Bool { get }

    /// The size of the step from `x` to `y` that the stop rules measure. The
    /// default is `max |Λ_y − Λ_x|`; a map whose loadings are identified only up
    /// to a rotation measures rotation-invariant quantities instead.
    func step(from x: FactorParameters, to y: FactorParameters) -> Double

    /// The nearest admissible loading to `value` (`max(0, value)` under `Λ ≥ 0`).
    func constrainLoading(_ value: Double) -> Double

    /// The nearest admissible uniqueness of `task` to `value`: the anchor for an
    /// anchored task, `max(floor, value)` for a free one.
    func constrainUniqueness(_ value: Double, task: Int) -> Double
}

extension EMMap {
    func step(from x: FactorParameters, to y: FactorParameters) -> Double { Self.loadingStep(from: x, to: y) }

    /// `max |Λ_y − Λ_x|`.
    static func loadingStep(from x: FactorParameters, to y: FactorParameters) -> Double {
        var m = 0.0
        for i in x.lambda.indices { m = Swift.max(m, Swift.abs(y.lambda[i] - x.lambda[i])) }
        return m
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
}
