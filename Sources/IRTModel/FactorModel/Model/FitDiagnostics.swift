/// How an EM fit ended.
public struct FitDiagnostics: Sendable, Equatable, Codable {
    /// EM map evaluations performed (an accelerated cycle counts each of its
    /// evaluations), or the concentrated likelihood's evaluations (``concentrated``).
    public let iterations: Int
    /// Whether the stop rule was met before the cap.
    public let converged: Bool
    /// The last `max |Λ' − Λ|`.
    public let finalStep: Double
    /// Estimated `max`-norm distance of Λ to the fixed point, `step · ρ̂ / (1 − ρ̂)`
    /// (infinite when the steps are not contracting).
    public let estimatedDistance: Double
    /// The contraction rate ρ̂ of plain EM steps observed last.
    public let contractionRate: Double
    /// Log-likelihood of the fitted parameters.
    public let logLikelihood: Double
    /// The Λ0 the iteration started from (p rows of k), for exact reproduction.
    public let initialLoadings: [[Double]]
    /// The M-step that produced the fit (the estimator), the one asked for.
    public let mStep: MStep
    public let stopRule: StopRule
    public let acceleration: Acceleration
    public let maxIterations: Int
    /// Log-likelihood of each iterate when ``FitOptions/recordTrace`` was set.
    public let trace: [Double]
    /// The loading constraint of the fit.
    public var loadings: LoadingConstraint = .nonnegative
    /// The rotation applied for display (varimax for free loadings, k > 1), or `nil`.
    public var rotation: Rotation? = nil
    /// What the stop rule measured when it was met: Λ, or Σ = ΛΛᵀ + Ψ for
    /// weakly identified loadings (`nil` for free loadings, whose rule is their map's).
    public var stopQuantity: StopQuantity? = nil
    /// Estimated distance of Σ to the fixed point when the fit stopped on Σ.
    public var covarianceDistance: Double? = nil
    /// Whether Λ ≥ 0 is pinned by its zeros or can turn along a rotation that
    /// keeps it non-negative (``RotationCone``), tested at the fitted Λ; `nil`
    /// for free loadings (shown after varimax).
    public var identification: LoadingIdentification? = nil
    /// Set when free loadings were fitted by the concentrated likelihood
    /// (``FreeLoadingFit/concentrated``) instead of EM: ``iterations`` then counts
    /// its evaluations, ``finalStep`` and ``estimatedDistance`` measure ψ,
    /// ``contractionRate`` is the ratio of the last two steps, and ``mStep`` and
    /// ``acceleration`` play no part.
    public var concentrated: ConcentratedLikelihoodFit? = nil
    /// Set when a projected fit met its stop but the plain map steps that check
    /// it (``EMTuning/projectedVerification``) moved Λ by more than the
    /// tolerance, `max |ΔΛ|` over them: ``converged`` is then `false`.
    public var projectedDrift: Double? = nil
    /// Set when a projected fit crawled (``projectedDrift`` was seen) and its fixed
    /// point was then solved for by Newton's method on the free coordinates
    /// (``ProjectedFixedPointNewton``), which the same plain steps left in place.
    public var projectedFixedPointSolved: Bool? = nil
    /// Set when the crawl was a drift along a rotation that keeps `Λ ≥ 0`, followed to
    /// the loading that stops it (``RotationDrift``), and the fit converged: the angle
    /// turned, in degrees (with or without a Newton solve afterwards).
    public var projectedRotationFollowed: Double? = nil
    /// Set when a factor's loadings collapsed to zero (a fixed point of EM, no
    /// fit) and the fit was rerun from the eigenvector start (``DegenerateRestart``).
    public var degenerateRestart: DegenerateRestart? = nil
}

extension FitDiagnostics {
    /// A rotation of the factors applied for display; the likelihood is unchanged.
    public enum Rotation: String, Sendable, Codable, CaseIterable {
        /// Kaiser's varimax (``Varimax``): free loadings are rotated to simple structure.
        case varimax
    }
}
