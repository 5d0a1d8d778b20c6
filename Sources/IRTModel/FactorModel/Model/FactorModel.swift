import Foundation
import Linalg

/// A fitted k-factor model of z-scored task scores: non-negative loadings by
/// default, or classical free loadings (shown after varimax).
///
/// ```
/// z_r = Λ θ_r + ε_r,   θ_r ~ N(0, I_k),   ε_r ~ N(0, Ψ),   Ψ = diag(ψ),   Λ ≥ 0
/// ```
///
/// Fitted by EM (see ``FitOptions``) with uniquenesses of tasks that have a
/// seed-noise estimate fixed at `clamp(noise_share, 1e-3, 0.999)`; free
/// loadings from S by the concentrated likelihood instead (``FreeLoadingFit``). After the
/// fit the factors are ordered by descending `Σ_t λ_tj²`, and
///
/// ```
/// θ = Z B V  (posterior means, ``Posterior``),   h²_t = Σ_j λ_tj² / (Σ_j λ_tj² + ψ_t)
/// ```
public struct FactorModel: Sendable, Equatable {
    /// Loadings Λ, p × k, factors ordered by descending sum of squares.
    public let loadings: Matrix
    /// Uniquenesses ψ (p).
    public let psi: [Double]
    /// Communalities h² (p).
    public let communality: [Double]
    /// Convergence report.
    public let diagnostics: FitDiagnostics

    /// The number of factors k.
    public var factorCount: Int { loadings.columns }

    /// Fits the model to z-scored data.
    ///
    /// The iteration runs where it is cheaper (METHOD.md §6): with `2n < p`
    /// in data space (``DataSpaceEMMap``: `S·A = Zᵀ(Z·A)/n`, S never formed),
    /// otherwise in covariance space on `S = ZᵀZ / n` (``CovarianceEMMap``).
    /// Both are the same map up to rounding.
    ///
    /// - Parameters:
    ///   - z: n × p z-scored data; only `S = ZᵀZ / n` enters the iteration.
    ///   - k: number of factors, 1...p.
    ///   - anchors: per task, the noise share that fixes its ψ, or `nil` for a free ψ.
    ///   - options: start, M-step, stop rule, cap, acceleration.
    ///   - progress: called now and then with (iterations so far, current step size).
    /// - Throws: ``AnalysisError/tooManyFactors(requested:tasks:)``,
    ///   ``AnalysisError/invalidOption(_:)`` for a Λ0 of the wrong shape or a
    ///   negative entry, ``AnalysisError/numerical(_:)`` if `I + ΛᵀΨ⁻¹Λ` loses
    ///   positive definiteness (non-finite data).
    /// - Complexity: O(min(n, p)·p·k) per iteration: O(np²) once for S, then
    ///   O(p²k) per iteration when `2n ≥ p`; O(npk) per iteration otherwise.
    public init(
        z: Matrix, k: Int, anchors: [Double?], options: FitOptions = FitOptions(),
        progress: (@Sendable (Int, Double) -> Void)? = nil
    ) throws(AnalysisError) {
        if DataSpaceEMMap.isCheaper(runs: z.rows, tasks: z.columns) {
            let clamped = try Self.validated(k: k, tasks: z.columns, anchors: anchors, options)
            let map = { (mStep: MStep) in
                DataSpaceEMMap(z: z, k: k, anchors: clamped, mStep: mStep, psiFloor: options.psiFloor, taskFloors: options.taskPsiFloors,
                               nonNegative: options.loadings == .nonnegative)
            }
            try self.init(map: map, anchors: clamped, options: options, progress: progress,
                          restartStart: { () throws(AnalysisError) in try DegenerateRestart.start(z: z, k: k) })
            return
        }
        // BLAS single-threaded throughout: its rounding depends on its thread
        // count, and the fit must not (the products are p × p × k: small).
        let s = BLASThreading.withThreadCount(1) { z.gram(alpha: 1 / Double(Swift.max(z.rows, 1))) }
        try self.init(covariance: s, observations: z.rows, k: k, anchors: anchors, options: options, progress: progress)
    }

    /// Fits the model to a covariance (or correlation) matrix S of n observations:
    /// the EM needs the data only through S. Free loadings are fitted by the
    /// concentrated likelihood over ψ (``FreeLoadingFit/concentrated``, the
    /// default of ``FitOptions/freeLoadingFit``) instead of EM.
    ///
    /// - Parameters:
    ///   - s: p × p, symmetric (the lower triangle is read by the products).
    ///   - n: the observations behind S (scales the log-likelihood).
    ///   - k: number of factors, 1...p.
    ///   - anchors: per task, the noise share that fixes its ψ, or `nil` for a free ψ.
    ///   - options: start, M-step, loadings, stop rule, cap, acceleration.
    ///   - progress: called now and then with (iterations so far, current step size).
    /// - Complexity: O(p²k) per iteration.
    public init(
        covariance s: Matrix, observations n: Int, k: Int, anchors: [Double?], options: FitOptions = FitOptions(),
        progress: (@Sendable (Int, Double) -> Void)? = nil
    ) throws(AnalysisError) {
        let clamped = try Self.validated(k: k, tasks: s.columns, anchors: anchors, options)
        if options.loadings == .free, options.freeLoadingFit == .concentrated {
            try self.init(concentrated: s, observations: n, k: k, anchors: clamped,
                          lowerBounds: options.taskPsiFloors.map { $0.map { Swift.max($0, options.psiFloor) } }
                              ?? [Double](repeating: options.psiFloor, count: s.rows), options: options,
                          progress: progress)
            return
        }
        let map = { (mStep: MStep) in
            CovarianceEMMap(s: s, n: n, k: k, anchors: clamped, mStep: mStep,
                            psiFloor: options.psiFloor, taskFloors: options.taskPsiFloors, nonNegative: options.loadings == .nonnegative)
        }
        try self.init(map: map, anchors: clamped, options: options, progress: progress,
                      restartStart: { () throws(AnalysisError) in try DegenerateRestart.start(covariance: s, k: k) })
    }

    /// Fits the model to z-scores with gaps by the missing-data EM
    /// (`MissingDataEMMap`): maximum likelihood over each run's observed cells.
    /// Complete data take the covariance-space map, so the results are those of
    /// ``init(z:k:anchors:options:progress:)`` exactly.
    ///
    /// - Parameters:
    ///   - z: n × p z-scores (any value at missing cells; it is not read).
    ///   - observed: which cells of `z` are observed.
    ///   - k: number of factors, 1...p.
    ///   - anchors: per task, the noise share that fixes its ψ, or `nil` for a free ψ.
    ///   - options: start, M-step, loadings, stop rule, cap, acceleration.
    ///   - progress: called now and then with (iterations so far, current step size).
    /// - Complexity: O(Σ_r |O_r| k² + patterns · k³) per iteration.
    public init(
        z: Matrix, observed: ObservedMask, k: Int, anchors: [Double?], options: FitOptions = FitOptions(),
        progress: (@Sendable (Int, Double) -> Void)? = nil
    ) throws(AnalysisError) {
        if observed.isComplete {
            try self.init(z: z, k: k, anchors: anchors, options: options, progress: progress)
            return
        }
        let p = z.columns
        guard k >= 1, k <= p else { throw .tooManyFactors(requested: k, tasks: p) }
        guard anchors.count == p, observed.rows == z.rows, observed.columns == p else {
            throw .invalidOption("anchors (\(anchors.count)) and the mask (\(observed.rows) × \(observed.columns)) must fit the data (\(z.rows) × \(p))")
        }
        try Self.checkFloors(p: z.columns, options)
        let clamped = Self.clamp(anchors, options)
        let map = { (mStep: MStep) in
            MissingDataEMMap(z: z, observed: observed, k: k, anchors: clamped, mStep: mStep,
                             psiFloor: options.psiFloor, taskFloors: options.taskPsiFloors, nonNegative: options.loadings == .nonnegative)
        }
        try self.init(map: map, anchors: clamped, options: options, progress: progress,
                      restartStart: { () throws(AnalysisError) in
                          let r = try numerical { () throws(LinalgError) in try MaskedNullDraw.pairwiseCorrelation(z, observed: observed) }
                          return try DegenerateRestart.start(covariance: r, k: k)
                      })
    }

    /// Checks k and the anchors against p tasks; returns the anchors clamped.
    private static func validated(k: Int, tasks p: Int, anchors: [Double?], _ options: FitOptions) throws(AnalysisError) -> [Double?] {
        guard k >= 1, k <= p else { throw .tooManyFactors(requested: k, tasks: p) }
        guard anchors.count == p else {
            throw .invalidOption("anchors has \(anchors.count) entries, expected one per task (\(p))")
        }
        try checkFloors(p: p, options)
        return clamp(anchors, options)
    }

    /// Checks ``FitOptions/taskPsiFloors``: one finite floor in [0, 1) per task.
    private static func checkFloors(p: Int, _ options: FitOptions) throws(AnalysisError) {
        guard let floors = options.taskPsiFloors else { return }
        guard floors.count == p, floors.allSatisfy({ $0.isFinite && $0 >= 0 && $0 < 1 }) else {
            throw .invalidOption("taskPsiFloors must be \(p) finite numbers in [0, 1), one per task (got \(floors.count))")
        }
    }

    /// Anchors clamped to the options' range.
    private static func clamp(_ anchors: [Double?], _ options: FitOptions) -> [Double?] {
        anchors.map { a -> Double? in
            a.map { Swift.min(Swift.max($0, options.anchorClamp.lowerBound), options.anchorClamp.upperBound) }
        }
    }

    /// Drives the map of the options' M-step (`makeMap(options.mStep)`) from the
    /// options' start to its fixed point, then orders the factors. A fit with a
    /// collapsed factor (every loading ≈ 0, a fixed point of EM) is rerun from
    /// `restartStart()` and the better of the two kept (``DegenerateRestart``).
    ///
    /// - Throws: ``AnalysisError/projectedMapCycles(evaluations:activeSetReturns:residual:)``
    ///   when a projected map cycles between clipped points (``BoundCycleWatch``).
    private init<Map: EMMap>(map makeMap: (MStep) -> Map, anchors clamped: [Double?], options: FitOptions,
                             progress: (@Sendable (Int, Double) -> Void)?,
                             restartStart: () throws(AnalysisError) -> [Double]) throws(AnalysisError) {
        var map = makeMap(options.mStep)
        let p = map.taskCount, k = map.factorCount
        var start = try Self.startingLoadings(p: p, k: k, options: options)
        let x0 = FactorParameters(lambda: start, psi: clamped.map { $0 ?? 1.0 })
        func drive(_ run: inout EMRun, from x0: FactorParameters, _ map: inout Map) throws(AnalysisError) -> FactorParameters {
            try BLASThreading.withThreadCount(1) { () throws(AnalysisError) -> FactorParameters in
                switch options.acceleration {
                case .none: return try run.plain(from: x0, map: &map)
                case .squarem: return try run.squarem(from: x0, map: &map)
                case .anderson: return try run.anderson(from: x0, map: &map)
                }
            }
        }
        var run = EMRun(options: options, progress: progress)
        var fitted = try drive(&run, from: x0, &map)
        if let cycle = run.boundCycle { throw cycle }
        var restart: DegenerateRestart? = nil
        var earlierIterations = 0
        let collapsed = DegenerateRestart.collapsedColumns(fitted.lambda, p: p, k: k)
        if !collapsed.isEmpty {
            var scratch = fitted
            let collapsedLogLikelihood = try map.evaluate(fitted, into: &scratch)
            let firstIterations = run.iterations
            do throws(AnalysisError) {
                let second = try restartStart()
                var again = EMRun(options: options, progress: progress)
                let refit = try drive(&again, from: FactorParameters(lambda: second, psi: x0.psi), &map)
                var scratch = refit
                let refitLogLikelihood = try map.evaluate(refit, into: &scratch)
                if again.boundCycle == nil, refitLogLikelihood.isFinite,
                   refitLogLikelihood >= collapsedLogLikelihood - 1e-12 * Swift.abs(collapsedLogLikelihood) {
                    run = again
                    fitted = refit
                    start = second
                    earlierIterations = firstIterations
                }
            } catch {
                // The restart failed numerically: the collapsed fit stays, said as still degenerate.
            }
            restart = DegenerateRestart(
                collapsedFactors: collapsed.map { $0 + 1 }, collapsedLogLikelihood: collapsedLogLikelihood,
                collapsedIterations: firstIterations,
                stillDegenerate: !DegenerateRestart.collapsedColumns(fitted.lambda, p: p, k: k).isEmpty)
        }
        var iterations = run.iterations + earlierIterations, converged = run.converged
        var drift: Double? = nil
        var fixedPointSolved = false
        var rotationFollowed = 0.0
        let trace = run.trace, mStep = options.mStep
        // The projected map has no likelihood to certify a stop with, and where it crawls
        // (ρ within 1e-7 of 1) the estimated distance misses a drift that slow: a projected
        // fit that says it converged is checked by plain map steps (Docs/decisions/projected-estimator.md).
        if converged, options.mStep == .projected, options.loadings == .nonnegative,
           case let .estimatedDistance(tolerance) = options.stopRule {
            let check = try BLASThreading.withThreadCount(1) { () throws(AnalysisError) in
                try Self.projectedDrift(from: fitted, map: &map, steps: options.tuning.projectedVerification)
            }
            iterations += check.steps
            if check.drift > tolerance {
                converged = false
                drift = check.drift
                fitted = check.point
                // A crawl: follow a rotation the map drifts along to where it stops, solve the
                // fixed-point equation on the free coordinates, and take the answer only when the
                // same plain steps leave it in place.
                var point = check.point
                var newtonSolved = false
                var roundRotation = 0.0
                for _ in 0..<EMTuning.projectedSolveRounds {
                    var moved = false
                    var spent = 0
                    let followed = try BLASThreading.withThreadCount(1) { () throws(AnalysisError) in
                        try RotationDrift.follow(from: point, map: &map, evaluations: &spent)
                    }
                    if let followed {
                        point = followed.point
                        moved = true
                    }
                    let solved = try BLASThreading.withThreadCount(1) { () throws(AnalysisError) in
                        try ProjectedFixedPointNewton.solve(from: point, map: &map,
                                                            holding: followed?.reachedZero.map { [$0] } ?? [],
                                                            evaluations: &spent)
                    }
                    iterations += spent
                    if let solved {
                        point = solved.point
                        moved = true
                        newtonSolved = true
                    }
                    // A rotation counts once it reached the loading that stops it (a reversal
                    // right at the start turns by nothing worth saying).
                    if let followed, followed.reachedZero != nil { roundRotation += followed.angle }
                    // Checked even when neither moved it: the check's own steps may have
                    // carried a slow but settling fit to its fixed point.
                    let recheck = try BLASThreading.withThreadCount(1) { () throws(AnalysisError) in
                        try Self.projectedDrift(from: point, map: &map, steps: options.tuning.projectedVerification)
                    }
                    iterations += recheck.steps
                    fitted = recheck.point
                    if recheck.drift <= tolerance {
                        converged = true
                        drift = nil
                        fitted = point
                        fixedPointSolved = newtonSolved
                        rotationFollowed = roundRotation
                        break
                    }
                    drift = recheck.drift
                    guard moved else { break }
                    point = recheck.point
                }
            }
        }

        // Free loadings are shown after varimax (ψ and ℓ do not depend on it).
        if options.loadings == .free {
            let raw = Matrix(rows: p, columns: k) { i, j in fitted.lambda[i + j * p] }
            let rotated = try numerical { () throws(LinalgError) in try Varimax.rotate(raw).rotated }
            fitted.lambda = rotated.elements
        }
        // Order factors by descending Σ_t λ_tj² (stable).
        let sums = (0..<k).map { j in (0..<p).reduce(0.0) { $0 + fitted.lambda[$1 + j * p] * fitted.lambda[$1 + j * p] } }
        let order = (0..<k).sorted { sums[$0] > sums[$1] || (sums[$0] == sums[$1] && $0 < $1) }
        var lambda = [Double](repeating: 0, count: p * k)
        for (newJ, oldJ) in order.enumerated() {
            for i in 0..<p { lambda[i + newJ * p] = fitted.lambda[i + oldJ * p] }
        }
        let ordered = FactorParameters(lambda: lambda, psi: fitted.psi)
        loadings = Matrix(rows: p, columns: k) { i, j in lambda[i + j * p] }
        psi = fitted.psi
        communality = (0..<p).map { i in
            let ss = (0..<k).reduce(0.0) { $0 + lambda[i + $1 * p] * lambda[i + $1 * p] }
            return ss / (ss + fitted.psi[i])
        }
        // Log-likelihood of the final parameters.
        var scratch = ordered
        let finalLogLikelihood = try map.evaluate(ordered, into: &scratch)
        var diagnostics = FitDiagnostics(
            iterations: iterations, converged: converged, finalStep: run.lastStep,
            estimatedDistance: run.estimatedDistance, contractionRate: run.rate,
            logLikelihood: finalLogLikelihood, initialLoadings: (0..<p).map { i in (0..<k).map { start[i + $0 * p] } },
            mStep: mStep, stopRule: options.stopRule, acceleration: options.acceleration,
            maxIterations: options.maxIterations, trace: trace, loadings: options.loadings,
            rotation: options.loadings == .free && k > 1 ? .varimax : nil)
        if options.loadings == .nonnegative {
            let cone = (run.stopQuantity == .covariance ? run.cone : nil) ?? RotationCone(lambda: lambda, p: p, k: k)
            diagnostics.identification = cone.pinned ? .pinned : .weaklyIdentified(freeRotations: cone.freeRotations)
            if case .estimatedDistance = options.stopRule {
                diagnostics.stopQuantity = run.stopQuantity
                if run.stopQuantity == .covariance { diagnostics.covarianceDistance = run.covariance.distance }
            }
        }
        diagnostics.projectedDrift = drift
        if fixedPointSolved { diagnostics.projectedFixedPointSolved = true }
        if rotationFollowed > 0 { diagnostics.projectedRotationFollowed = rotationFollowed * 180 / .pi }
        diagnostics.degenerateRestart = restart
        self.diagnostics = diagnostics
    }

    /// How far `steps` plain map steps from `x` move the loadings, `max |Λ_steps − Λ_x|`,
    /// and where they end.
    ///
    /// - Complexity: `steps` map evaluations.
    static func projectedDrift<Map: EMMap>(from x: FactorParameters, map: inout Map,
                                           steps: Int) throws(AnalysisError) -> (drift: Double, point: FactorParameters, steps: Int) {
        var current = x, next = x
        for _ in 0..<steps {
            _ = try map.evaluate(current, into: &next)
            swap(&current, &next)
        }
        return (EMRun.largestChange(x.lambda, current.lambda), current, steps)
    }

    /// Λ0: the explicit one (validated), or `|N(0, 0.1²)|` from the init seed.
    static func startingLoadings(p: Int, k: Int, options: FitOptions) throws(AnalysisError) -> [Double] {
        if let rows = options.initialLoadings {
            guard rows.count == p, rows.allSatisfy({ $0.count == k }) else {
                throw .invalidInitialLoadings(reason: "must be \(p) rows of \(k) numbers (tasks × factors), got \(rows.count) rows of \(rows.first?.count ?? 0)")
            }
            guard rows.allSatisfy({ $0.allSatisfy { $0 >= 0 && $0.isFinite } }) else {
                throw .invalidInitialLoadings(reason: "must be finite and non-negative")
            }
            // A zero column stays zero under the EM (its column of C is zero): a dead factor.
            if let dead = (0..<k).first(where: { j in rows.allSatisfy { $0[j] == 0 } }) {
                throw .invalidInitialLoadings(reason: "give factor \(dead + 1) a zero loading on every task; each factor needs a positive loading to move")
            }
            var flat = [Double](repeating: 0, count: p * k)
            for i in 0..<p { for j in 0..<k { flat[i + j * p] = rows[i][j] } }
            return flat
        }
        var rng = Xoshiro256StarStar(seed: options.initSeed)
        var normal = NormalSampler()
        var rowMajor = [Double](repeating: 0, count: p * k)
        for idx in 0..<(p * k) { rowMajor[idx] = abs(0.1 * normal.next(using: &rng)) }
        var flat = [Double](repeating: 0, count: p * k)
        for i in 0..<p { for j in 0..<k { flat[i + j * p] = rowMajor[i * k + j] } }
        return flat
    }
}
