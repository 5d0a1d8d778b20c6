/// Options of the factor-model fit; every default is the reference's unless noted.
public struct FitOptions: Sendable, Equatable, Codable {
    /// Number of factors, or `nil` to take Horn's k95 (k = 1 when k95 = 0).
    public var factors: Int?
    /// Explicit starting loadings `Λ0` (p × k, row per task), or `nil` for
    /// `|N(0, 0.1²)|` entries drawn with ``initSeed``.
    public var initialLoadings: [[Double]]?
    /// Seed of the random start.
    public var initSeed: UInt64
    /// M-step for the loadings: ``MStep/nnls`` by default (the constrained
    /// maximum likelihood); ``MStep/projected`` is the reference's clipped update.
    public var mStep: MStep
    /// Stop rule.
    public var stopRule: StopRule
    /// Cap on EM map evaluations.
    public var maxIterations: Int
    /// Acceleration of the fixed-point iteration.
    public var acceleration: Acceleration
    /// Floor of free uniquenesses: the reference's 1e-6 by default; a higher
    /// floor changes the answer in Heywood cases (Docs/decisions/psi-floor.md).
    public var psiFloor: Double
    /// Per task, a higher floor of its free uniqueness (`--psi floor`: ψ_t ≥ the
    /// task's noise floor, estimated above it); `nil`: ``psiFloor`` for every task.
    public var taskPsiFloors: [Double]? = nil
    /// Clamp of anchored uniquenesses: `ψ = clamp(noise_share, lower, upper)`.
    public var anchorClamp: ClosedRange<Double>
    /// Record the log-likelihood of every iterate (for diagnostics and tests).
    public var recordTrace: Bool
    /// The accelerated driver's constants (Anderson memory, safeguards, certification).
    public var tuning: EMTuning = EMTuning()
    /// Non-negative (default) or free loadings.
    public var loadings: LoadingConstraint = .nonnegative
    /// How free loadings are fitted from S: the concentrated likelihood (default) or EM.
    public var freeLoadingFit: FreeLoadingFit = .concentrated

    /// IRTKit's defaults: the constrained maximum-likelihood estimate (nnls
    /// M-step), converged (estimated distance to the fixed point below 1e-7,
    /// cap 200,000 map evaluations, Anderson acceleration).
    public init(
        factors: Int? = nil, initialLoadings: [[Double]]? = nil, initSeed: UInt64 = 0,
        mStep: MStep = .nnls, stopRule: StopRule = .estimatedDistance(tolerance: 1e-7),
        maxIterations: Int = 200_000, acceleration: Acceleration = .anderson, psiFloor: Double = 1e-6,
        anchorClamp: ClosedRange<Double> = 1e-3...0.999, recordTrace: Bool = false
    ) {
        self.factors = factors
        self.initialLoadings = initialLoadings
        self.initSeed = initSeed
        self.mStep = mStep
        self.stopRule = stopRule
        self.maxIterations = maxIterations
        self.acceleration = acceleration
        self.psiFloor = psiFloor
        self.anchorClamp = anchorClamp
        self.recordTrace = recordTrace
    }

    /// The reference's EM exactly: plain EM, projected M-step, stop on a step
    /// below 1e-7 or after 5000 iterations.
    public static let reference = FitOptions(
        mStep: .projected, stopRule: .step(tolerance: 1e-7), maxIterations: 5000, acceleration: .none)
}
