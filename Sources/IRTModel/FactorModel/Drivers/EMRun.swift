import Foundation

/// The iteration driver: plain EM, SQUAREM or Anderson, the stop rules, and the
/// convergence bookkeeping a ``FitDiagnostics`` reports.
struct EMRun {
    /// The fit's options. ``boundWatch`` lowers `maxIterations` to the current
    /// count when it fires, so that every driver loop ends where it stands.
    var options: FitOptions
    let progress: (@Sendable (Int, Double) -> Void)?
    var iterations = 0
    var converged = false
    var lastStep = Double.infinity
    var estimatedDistance = Double.infinity
    var rate = Double.nan
    var trace: [Double] = []
    /// Recent plain-EM step sizes, for ρ̂.
    var history: [Double] = []
    /// The Σ steps of the current certification burst (weakly identified loadings).
    var covariance: ContractionEstimate
    /// What the stop rule measured when it was met (Σ when the loadings are weakly identified).
    var stopQuantity = StopQuantity.loadings
    /// The rotation cone of the point the Σ stop was taken at.
    var cone: RotationCone?
    /// Whether this burst already ran the cone test (at most once per burst).
    private var coneTested = false
    /// Whether this burst's cone test found the loadings weakly identified.
    private var burstIsWeak = false
    /// The projected M-step's cycle detector (``BoundCycleWatch``), when it applies.
    var boundWatch: BoundCycleWatch?
    /// Set when ``boundWatch`` fired: the projected map cycles and has no fixed point.
    var boundCycle: AnalysisError?
    /// The quasi-Newton polish's `H₀` for this fit (``PolishMetric``).
    var polishMetric = PolishMetric.fisherBlocks

    init(options: FitOptions, progress: (@Sendable (Int, Double) -> Void)?) {
        self.options = options
        self.progress = progress
        covariance = ContractionEstimate(window: options.tuning.rateWindow)
        if options.mStep == .projected, options.loadings == .nonnegative, case .estimatedDistance = options.stopRule {
            boundWatch = BoundCycleWatch(stall: options.tuning.projectedStall)
        }
    }

    /// Counts one map evaluation (or its equivalent in cost) and reports progress.
    mutating func record(_ logLikelihood: Double) {
        iterations += 1
        if options.recordTrace { trace.append(logLikelihood) }
        if let progress, iterations % options.tuning.progressEvery == 0 { progress(iterations, lastStep) }
    }

    /// `max_i |b_i − a_i|`.
    static func largestChange(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                var m = 0.0
                for i in 0..<ap.count { m = Swift.max(m, Swift.abs(bp[i] - ap[i])) }
                return m
            }
        }
    }

    /// One EM map evaluation `next = F(x)`, counted (and traced); returns
    /// `ℓ(x)` and the step `max |Λ' − Λ|`.
    mutating func evaluate(
        _ x: FactorParameters, into next: inout FactorParameters, _ map: inout some EMMap
    ) throws(AnalysisError) -> (logLikelihood: Double, step: Double) {
        let logLikelihood = try map.evaluate(x, into: &next)
        record(logLikelihood)
        let step = map.step(from: x, to: next)
        // The watch runs for the projected M-step (Λ ≥ 0), whose step measure is max |ΔΛ|.
        if boundWatch?.observe(evaluation: iterations, from: x, to: next, loadingStep: step) == true, let watch = boundWatch {
            boundCycle = .projectedMapCycles(evaluations: iterations, activeSetReturns: watch.returnCount,
                                             residual: watch.best)
            boundWatch = nil
            options.maxIterations = iterations
        }
        return (logLikelihood, step)
    }

    /// The Σ stop of weakly identified loadings (METHOD.md §6, "What is
    /// identified"): tests once per burst, at its first step, whether `y`'s
    /// loadings can turn along a rotation that keeps `Λ ≥ 0` (``RotationCone``);
    /// if they can, records the Σ step from `x` to `y` and stops when its
    /// estimated distance is below the tolerance while Λ's is not. Returns
    /// whether the fit stops on Σ. Only for non-negative loadings with k ≥ 2
    /// and the estimated-distance rule.
    ///
    /// - Complexity: one cone test per burst; for weak loadings O(p²k) per step.
    mutating func covarianceCertifies(from x: FactorParameters, to y: FactorParameters) -> Bool {
        let p = x.psi.count, k = p > 0 ? x.lambda.count / p : 0
        guard k >= 2, options.loadings == .nonnegative, case let .estimatedDistance(tolerance) = options.stopRule else {
            return false
        }
        // The cone first, once per burst: pinned loadings (the usual case) need
        // no Σ step, whose O(p²k) would dwarf a data-space map evaluation
        // (p = 3,000, n = 30: 45 Mflop against 1.8).
        if !coneTested {
            coneTested = true
            let test = RotationCone(lambda: y.lambda, p: p, k: k)
            burstIsWeak = !test.pinned
            // Only the latest test speaks for the loadings (an earlier weak
            // burst must not label a fit that is pinned by the time it stops).
            cone = burstIsWeak ? test : nil
        }
        guard burstIsWeak else { return false }
        let distance = covariance.observe(Self.covarianceStep(x, y, p: p, k: k))
        guard covariance.isFull, distance < tolerance else { return false }
        stopQuantity = .covariance
        return true
    }

    private static func covarianceStep(_ x: FactorParameters, _ y: FactorParameters, p: Int, k: Int) -> Double {
        CovarianceEMMap.covarianceStep(from: x, to: y, p: p, k: k)
    }

    /// Updates ρ̂ and the distance estimate from a new plain-EM step; returns
    /// whether the stop rule is met.
    mutating func observe(step: Double) -> Bool {
        lastStep = step
        history.append(step)
        if history.count > options.tuning.rateWindow { history.removeFirst(history.count - options.tuning.rateWindow) }
        if history.count >= 2, let first = history.first, first > 0, step > 0 {
            rate = Foundation.pow(step / first, 1 / Double(history.count - 1))
        }
        estimatedDistance = rate < 1 ? step * rate / (1 - rate) : .infinity
        if step == 0 { estimatedDistance = 0 }
        switch options.stopRule {
        case let .step(tolerance): return step < tolerance
        case let .estimatedDistance(tolerance): return history.count >= 3 && estimatedDistance < tolerance
        }
    }

    /// Plain EM, `x ← F(x)`, until the stop rule or the cap.
    mutating func plain(from x0: FactorParameters, map: inout some EMMap) throws(AnalysisError) -> FactorParameters {
        var x = x0, next = x0
        while iterations < options.maxIterations {
            let step = try evaluate(x, into: &next, &map).step
            swap(&x, &next)
            if observe(step: step) { converged = true; break }
            if covarianceCertifies(from: next, to: x) { converged = true; break }
            // A plain run has one long burst: let the cone be tested again once Σ moved on.
            if iterations % options.tuning.certificationSteps == 0 { coneTested = false; covariance.reset() }
        }
        return x
    }

    /// Runs up to `certificationSteps` plain EM steps from `x` and applies the
    /// plain stop rule (`step · ρ̂/(1 − ρ̂) < tolerance`, ρ̂ the geometric mean
    /// ratio of the last 10 steps). Returns the last iterate and whether it passed.
    mutating func certify(
        from start: FactorParameters, map: inout some EMMap
    ) throws(AnalysisError) -> (FactorParameters, Bool) {
        let certificationSteps = options.tuning.certificationSteps
        var x = start, next = start
        history.removeAll()
        covariance.reset()
        coneTested = false
        for _ in 0..<certificationSteps {
            if iterations >= options.maxIterations { return (x, false) }
            let step = try evaluate(x, into: &next, &map).step
            swap(&x, &next)
            if observe(step: step) && history.count >= options.tuning.rateWindow { return (x, true) }
            if covarianceCertifies(from: next, to: x) { return (x, true) }
        }
        return (x, false)
    }
}
