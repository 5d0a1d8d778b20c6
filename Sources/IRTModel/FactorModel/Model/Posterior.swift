import Linalg

/// The Gaussian posterior of the factors given the observed tasks of a run.
///
/// With `z_O` the z-scores of the observed tasks O, `Λ_O` and `Ψ_O` their rows
/// of the fitted loadings and uniquenesses:
///
/// ```
/// B = Ψ_O⁻¹ Λ_O,   V = (I_k + Λ_Oᵀ B)⁻¹,   θ̂ = z_O B V,   Cov(θ | z_O) = V
/// ```

///
/// which is the exact conditional `θ̂ = Λ_Oᵀ Σ_OO⁻¹ z_O`, `V = I − Λ_Oᵀ Σ_OO⁻¹ Λ_O`
/// with `Σ_OO = Λ_O Λ_Oᵀ + Ψ_O` (Woodbury). With every task observed it is the
/// EM's own E-step. An empty O gives the prior: `θ̂ = 0`, `V = I`.
///
/// `B V` is solved for through the Cholesky factor of `I_k + Λ_Oᵀ B`, not
/// formed from V, so it stays accurate when a uniqueness is at its floor.
public struct Posterior: Sendable, Equatable {
    /// The observed tasks O (indices into the model's tasks), ascending.
    public let observed: [Int]
    /// `B V` (|O| × k): `θ̂ = z_O · B V`.
    public let projection: Matrix
    /// `V` (k × k), the posterior covariance of θ.
    public let covariance: Matrix

    /// The posterior given tasks `observed` of a model with loadings `loadings` (p × k) and uniquenesses `psi`.
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` if `I + ΛᵀΨ⁻¹Λ` is not positive
    ///   definite (only with non-finite or non-positive ψ).
    /// - Complexity: O(|O| k²) + O(k³).
    public init(loadings: Matrix, psi: [Double], observed: [Int]) throws(AnalysisError) {
        let k = loadings.columns, m = observed.count
        self.observed = observed
        var b = Matrix(rows: m, columns: k)
        var lo = Matrix(rows: m, columns: k)
        for j in 0..<k {
            for (r, t) in observed.enumerated() {
                lo[r, j] = loadings[t, j]
                b[r, j] = loadings[t, j] / psi[t]
            }
        }
        (projection, covariance) = try numerical { () throws(LinalgError) in
            try BLASThreading.withThreadCount(1) { () throws(LinalgError) in
                var precision = try lo.multiplied(by: b, transposingSelf: .transpose)
                for j in 0..<k { precision[j, j] += 1 }
                let factor = try Cholesky(precision)
                // B V by a solve, not by forming V first: with a uniqueness near
                // its floor `precision` has an eigenvalue ~1/ψ and V's rounding,
                // multiplied by B's row ~λ/ψ, would reach the scores
                // (FactorEMUpdate.swift explains it; the EM's E-step does the same).
                return (try factor.solve(b.transposed).transposed, factor.inverse())
            }
        }
    }

    /// Posterior means `θ̂ = z_O · B V` of rows already restricted to O and
    /// z-scored (runs × |O|), BLAS single-threaded so that they do not depend on
    /// its thread count.
    public func means(_ zObserved: Matrix) throws(AnalysisError) -> Matrix {
        try numerical { () throws(LinalgError) in
            try BLASThreading.withThreadCount(1) { () throws(LinalgError) in try zObserved.multiplied(by: projection) }
        }
    }

    /// `sqrt(diag V)`: the posterior sd of each factor.
    public var thetaSD: [Double] { (0..<covariance.rows).map { covariance[$0, $0].squareRoot() } }

    /// The posterior sd of the aggregate `a = mean_j θ_j`: `sqrt(1ᵀ V 1) / k`.
    public var aggregateSD: Double { aggregateSD(.mean(factors: covariance.rows)) }

    /// The posterior sd of the aggregate `a = Σ_j c_j θ_j`: `sqrt(cᵀ V c)`.
    public func aggregateSD(_ aggregate: AggregateDefinition) -> Double { aggregate.sd(covariance) }
}
