/// The accelerated EM driver's tuning constants, in one place, each with the
/// reason for its value; none changes the fixed point, only the path to it.
/// The measurements behind the values: Docs/decisions/em-tuning.md.
public struct EMTuning: Sendable, Equatable, Codable {
    /// Anderson's memory m (differences kept). The EM has a handful of slow
    /// modes; 8 resolves them all while the m × m normal equations stay
    /// negligible next to a map evaluation.
    public var andersonMemory: Int = 8
    /// Residual `max |F(x) − x|` below which the map is taken to be in its
    /// linear regime and Anderson's safeguard watches the residual instead of
    /// ℓ: the projected M-step's fixed point is not an ℓ maximum, so the last
    /// steps towards it may lower ℓ by rounding-sized amounts.
    public var nearResidual: Double = 1e-5
    /// Relative slack of the likelihood safeguard: an iterate whose ℓ is below
    /// the last accepted one by more than this (relative) is rejected. 1e-9 is
    /// well above the rounding of ℓ (~1e-13 relative) and far below any real drop.
    public var likelihoodSlack: Double = 1e-9
    /// First factor β of Anderson's drift step `x + β (F(x) − x)`, taken after
    /// a rejected Anderson proposal (EMRun+Anderson.swift explains it): 2 is
    /// the smallest step that is not the plain one.
    public var driftStart: Double = 2
    /// Largest β of a drift step. A drift may crawl at 10⁻⁶–10⁻⁷ per
    /// evaluation over distances of order 0.1, so β must reach 10⁵–10⁶;
    /// doubling gets there in about 20 accepted drift steps.
    public var driftLimit: Double = 1e6
    /// Ridge added to Anderson's normal equations, relative to their mean
    /// diagonal: keeps them solvable when differences become collinear near
    /// the fixed point, without biasing γ measurably.
    public var andersonRidge: Double = 1e-12
    /// Plain EM steps in a certification burst, so that faster modes fade and
    /// the measured ρ̂ is the slowest rate: after 40 steps a mode at ρ = 0.99
    /// still has two thirds of its size (0.99⁴⁰ = 0.67) and biases ρ̂ low,
    /// after 80 less than half (0.99⁸⁰ = 0.45).
    public var certificationSteps: Int = 80
    /// Plain steps over which ρ̂ is measured (geometric mean of the last
    /// `rateWindow − 1` ratios): long enough to average out rounding wobble in
    /// step sizes near 1e-9, short enough to follow a changing active set.
    public var rateWindow: Int = 11
    /// SQUAREM certifies once its cheap distance estimate falls below this…
    public var squaremCertifyBelow: Double = 1e-4
    /// …at most every this many evaluations: each burst also shows the slow
    /// mode to the next extrapolation.
    public var squaremCertifyEvery: Int = 100
    /// Evaluations after which Anderson hands an exact-EM map
    /// (``EMMap/likelihoodIsMerit``) to the quasi-Newton polish
    /// (EMRun+QuasiNewton.swift); a failed certification with a slow
    /// measured rate hands it over earlier.
    public var quasiNewtonAfter: Int = 500
    /// Measured rate ρ̂ at or above which a failed certification hands over to
    /// the quasi-Newton polish.
    public var quasiNewtonRate: Double = 0.999
    /// Gradients one quasi-Newton polish may use before Anderson resumes.
    public var quasiNewtonBudget: Int = 3000
    /// Quasi-Newton polishes per fit at most. Where the polish works in γI
    /// (``PolishMetric``: a fit with hundreds of flat rotations) each polish
    /// spends its budget climbing and Anderson alone crawls after the last
    /// one, so such a fit needs several; the cap bounds what a fit the polish
    /// cannot finish spends on it (Docs/decisions/polish-metric.md).
    public var quasiNewtonPolishes: Int = 10
    /// Curvature pairs the quasi-Newton polish keeps: enough for the slow
    /// directions, while its recursion (4 m p(k + 1) flops a step) stays near
    /// one map evaluation's cost on wide sweeps.
    public var quasiNewtonMemory: Int = 8
    /// Longest quasi-Newton step of a loading: correlation-scale loadings
    /// never move that far in one step near a maximum (log ψ is not limited:
    /// a Heywood uniqueness may fall by orders of magnitude).
    public var quasiNewtonStepLimit: Double = 0.5
    /// A quasi-Newton step whose direction ran into ``quasiNewtonStepLimit``
    /// and was accepted only below this α is futile: the quadratic model does
    /// not describe ℓ there. (Such directions start their line search from the
    /// last one's α, reset to 1 whenever the curvature pairs are dropped.)
    public var quasiNewtonShortStep: Double = 0.125
    /// Futile steps in a row after which the polish gives up and Anderson goes
    /// on from its point. Where ℓ is flat along many directions (a weakly
    /// identified fit with hundreds of free rotations) the block-diagonal H₀
    /// is nearly singular, every direction runs into the step limit and the
    /// line search cuts it by 2⁻¹⁰ or more; without this exit a polish would
    /// spend its whole budget on such steps. Such an exit switches the fit's
    /// later polishes to `H₀ = γI` (``PolishMetric``). (Short steps alone are
    /// no reason to stop: a Heywood polish takes many while ψ falls.)
    public var quasiNewtonShortSteps: Int = 50
    /// Step halvings per quasi-Newton line search.
    public var quasiNewtonBacktracks: Int = 30
    /// The polish stops when its proposed step is below this fraction of the
    /// stop rule's tolerance; then a certification burst of plain EM checks
    /// it, as for every other stop. The burst decides convergence, so a
    /// smaller margin buys nothing: the last digit costs the polish hundreds
    /// of steps along flat directions.
    public var quasiNewtonMargin: Double = 1
    /// Map evaluations without progress (the residual's block median not
    /// halved) after which a projected fit whose set of loadings at 0 keeps
    /// returning to earlier sets is declared cycling, and ends with
    /// ``AnalysisError/projectedMapCycles(evaluations:activeSetReturns:residual:)``
    /// (BoundCycleWatch.swift; Docs/decisions/projected-estimator.md). A projected
    /// fit that crawls (its active set settled) runs on to its fixed point or the cap.
    public var projectedStall: Int = 20_000
    /// Plain map steps that check a projected fit's "converged": if they move Λ
    /// by more than the stop tolerance, the fit is reported unconverged (a
    /// crawl the estimated distance missed; Docs/decisions/projected-estimator.md).
    public var projectedVerification: Int = 2_000
    /// Rounds of following a rotation drift (``RotationDrift``) and solving the
    /// fixed-point equation (``ProjectedFixedPointNewton``), each checked by
    /// ``projectedVerification`` plain steps, before a crawling projected fit is
    /// reported unconverged.
    static let projectedSolveRounds = 3
    /// Evaluations between certification bursts that Anderson starts near a
    /// point (residual below ``nearResidual``) even when the residual has not
    /// fallen below the certification bar: on a drift along a flat rotation of
    /// weakly identified loadings the residual stays flat, and only a burst can
    /// see that Σ has converged (the Σ stop, METHOD.md §6).
    public var certificationProbeEvery: Int = 1000
    /// Evaluations between progress callbacks.
    public var progressEvery: Int = 1000

    /// The defaults above.
    public init() {}
}

extension EMTuning {
    /// Decodes a tuning written by any version: a key an older file lacks (a
    /// constant added since, such as ``quasiNewtonShortSteps``) takes its default.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func take<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let decoded = try container.decodeIfPresent(T.self, forKey: key) { value = decoded }
        }
        try take(.andersonMemory, &andersonMemory)
        try take(.nearResidual, &nearResidual)
        try take(.likelihoodSlack, &likelihoodSlack)
        try take(.driftStart, &driftStart)
        try take(.driftLimit, &driftLimit)
        try take(.andersonRidge, &andersonRidge)
        try take(.certificationSteps, &certificationSteps)
        try take(.rateWindow, &rateWindow)
        try take(.squaremCertifyBelow, &squaremCertifyBelow)
        try take(.squaremCertifyEvery, &squaremCertifyEvery)
        try take(.quasiNewtonAfter, &quasiNewtonAfter)
        try take(.quasiNewtonRate, &quasiNewtonRate)
        try take(.quasiNewtonBudget, &quasiNewtonBudget)
        try take(.quasiNewtonPolishes, &quasiNewtonPolishes)
        try take(.quasiNewtonMemory, &quasiNewtonMemory)
        try take(.quasiNewtonStepLimit, &quasiNewtonStepLimit)
        try take(.quasiNewtonShortStep, &quasiNewtonShortStep)
        try take(.quasiNewtonShortSteps, &quasiNewtonShortSteps)
        try take(.quasiNewtonBacktracks, &quasiNewtonBacktracks)
        try take(.quasiNewtonMargin, &quasiNewtonMargin)
        try take(.projectedStall, &projectedStall)
        try take(.projectedVerification, &projectedVerification)
        try take(.certificationProbeEvery, &certificationProbeEvery)
        try take(.progressEvery, &progressEvery)
    }
}
