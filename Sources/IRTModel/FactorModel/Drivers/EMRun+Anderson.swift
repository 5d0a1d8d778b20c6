import Foundation
import Linalg

extension EMRun {
    /// Anderson acceleration of the EM map (type II, Walker & Ni 2011) with a
    /// likelihood safeguard, projected onto `Λ ≥ 0, ψ ≥ floor` (anchors fixed).
    /// Uniquenesses are extrapolated as `log ψ`: near the floor a linear
    /// extrapolation of ψ itself overshoots to the floor and wrecks the likelihood.
    ///
    /// With `g(x) = F(x) − x` and the last `m` differences `ΔG`, `ΔF`:
    ///
    /// ```
    /// γ = argmin ‖g_k − ΔG γ‖₂,   x_{k+1} = F(x_k) − ΔF γ
    /// ```
    ///
    /// Where SQUAREM extrapolates along one mode, Anderson's least squares
    /// resolves several at once — here the EM has a few modes with rates
    /// 0.99–0.9996.
    ///
    /// Safeguard. A new iterate is accepted when its likelihood is not below
    /// the last accepted one (up to ``EMTuning/likelihoodSlack``). With the
    /// projected M-step it is also accepted near the fixed point (residual
    /// `max |F(x) − x| < 1e-5`) when its residual does not grow: that map's
    /// fixed point is not a likelihood maximum, so the last steps towards it
    /// may lower ℓ. With the nnls M-step and free loadings (exact EM steps,
    /// ``EMMap/likelihoodIsMerit``) ℓ alone decides: there a residual test lets
    /// the iteration walk downhill for good. Along a drift — a nearly flat
    /// ridge of ℓ (two factors almost collinear, a uniqueness creeping to its
    /// floor) on which EM moves at an almost constant speed — the residual stays
    /// flat or grows while ℓ climbs, so a residual test would refuse every
    /// step along it (Docs/decisions/anderson-safeguard.md).
    ///
    /// Drift steps. On a drift `F(x) − x` hardly changes from one step to the
    /// next, so Anderson's differences carry no information and its proposals
    /// are rejected. A rejected proposal is followed by an extrapolation along
    /// the EM step of the last accepted point, `x + β (F(x) − x)` (log ψ, then
    /// projected), judged by the same test; β starts at
    /// ``EMTuning/driftStart``, doubles after each accepted drift step and
    /// drops fourfold after a rejected one, so a long drift is crossed in
    /// logarithmically many evaluations. A rejected drift step falls back to
    /// the plain EM step from the last accepted point, which is always
    /// accepted, and the memory starts afresh.
    ///
    /// Convergence is certified as in SQUAREM: a burst of plain steps
    /// measures the slowest rate ρ̂ and applies `step · ρ̂/(1 − ρ̂) < tolerance`.
    mutating func anderson(from x0: FactorParameters, map: inout some EMMap) throws(AnalysisError) -> FactorParameters {
        let m = options.tuning.andersonMemory
        let pk = x0.lambda.count, p = x0.psi.count
        let count = pk + p
        // An anchored ψ never moves from its anchor: its log is taken once.
        let anchored = map.anchored
        let anchorValue = (0..<p).map { anchored[$0] ? map.constrainUniqueness(1, task: $0) : .nan }
        let anchorLog = anchorValue.map { Foundation.log($0) }
        func flatten(_ x: FactorParameters, into v: inout [Double]) {
            for i in 0..<pk { v[i] = x.lambda[i] }
            for i in 0..<p { v[pk + i] = x.psi[i] == anchorValue[i] ? anchorLog[i] : Foundation.log(x.psi[i]) }
        }
        var x = x0, fx = x0
        var xv = [Double](repeating: 0, count: count), fv = xv, g = xv, gPrev = xv, fPrev = xv
        var dG: [[Double]] = [], dF: [[Double]] = []
        var havePrevious = false
        var acceptedLL = -Double.infinity
        var acceptedResidual = Double.infinity
        // Below this residual the map is in its linear regime and the
        // safeguard also accepts a residual that does not grow (see above).
        let nearResidual = options.tuning.nearResidual
        // The last accepted point and its map value: the drift step's base.
        var acceptedX = x0, acceptedF = x0
        var haveAccepted = false
        // Drift steps: the current factor β, and whether x is one.
        var drift = options.tuning.driftStart
        var tryingDrift = false
        var certifyBelow = options.stopRule.tolerance
        var gram = [Double](repeating: 0, count: m * m), rhs = [Double](repeating: 0, count: m)
        // ΔGᵀΔG for the stored columns, m × m (kept across iterations).
        var dots = [Double](repeating: 0, count: m * m)
        var gamma = rhs
        var factor = gram, inverse = gram
        var extrapolated = [Double](repeating: 0, count: count)

        // Hand-overs to the quasi-Newton polish so far, and whether one is due.
        var polishes = 0, polishDue = false
        // The evaluation of the last certification burst started because of a drift (see below).
        var lastProbe = 0

        while iterations < options.maxIterations {
            if map.likelihoodIsMerit, polishes < options.tuning.quasiNewtonPolishes, iterations + 3 < options.maxIterations,
               polishDue || iterations >= options.tuning.quasiNewtonAfter * (polishes + 1) {
                polishes += 1
                polishDue = false
                let base = haveAccepted ? acceptedF : x
                // A polish that fails numerically (rounding near ψ's floor) or
                // ends below where it started is dropped: Anderson goes on from
                // its own point.
                var scratch = base
                let baseLikelihood = (try? evaluate(base, into: &scratch, &map).logLikelihood) ?? -.infinity
                if let (point, ok) = try? quasiNewton(from: base, map: &map, budget: Swift.min(options.tuning.quasiNewtonBudget, options.maxIterations - iterations - 2)),
                   let pointLikelihood = try? evaluate(point, into: &scratch, &map).logLikelihood,
                   pointLikelihood.isFinite, pointLikelihood >= baseLikelihood - options.tuning.likelihoodSlack * Swift.abs(baseLikelihood) {
                    x = point
                    if ok, let (certified, passed) = try? certify(from: point, map: &map) {
                        if passed { converged = true; return certified }
                        x = certified
                    }
                } else {
                    x = base
                }
                dG.removeAll(); dF.removeAll(); havePrevious = false
                acceptedLL = -Double.infinity
                acceptedResidual = .infinity
                haveAccepted = false
                continue
            }
            let (ll, residual) = try evaluate(x, into: &fx, &map)
            // ℓ must not drop, or, for the projected M-step near its fixed
            // point, the residual must not grow.
            let improves = ll >= acceptedLL - options.tuning.likelihoodSlack * abs(acceptedLL)
                || (!map.likelihoodIsMerit && residual < nearResidual && residual <= acceptedResidual)
            // After a reset the plain step is taken whatever it gives; a drift step never is.
            if ll.isFinite, improves || (!havePrevious && !tryingDrift) {
                if tryingDrift { drift = Swift.min(drift * 2, options.tuning.driftLimit) }
                tryingDrift = false
                acceptedLL = ll
                acceptedResidual = residual
                acceptedX = x
                acceptedF = fx
                haveAccepted = true
            } else {
                dG.removeAll(); dF.removeAll(); havePrevious = false
                if !tryingDrift, haveAccepted {
                    // A rejected Anderson step: extrapolate along the last
                    // accepted EM step instead (see the type's documentation).
                    for i in 0..<pk {
                        x.lambda[i] = map.constrainLoading(acceptedX.lambda[i] + drift * (acceptedF.lambda[i] - acceptedX.lambda[i]))
                    }
                    for t in 0..<p {
                        let logPsi = Foundation.log(acceptedX.psi[t])
                            + drift * (Foundation.log(acceptedF.psi[t]) - Foundation.log(acceptedX.psi[t]))
                        x.psi[t] = map.constrainUniqueness(Foundation.exp(logPsi), task: t)
                    }
                    tryingDrift = true
                    continue
                }
                if tryingDrift { drift = Swift.max(options.tuning.driftStart, drift / 4) }
                tryingDrift = false
                // Safeguard: the plain step from the last accepted point.
                x = acceptedF
                acceptedLL = -Double.infinity
                acceptedResidual = .infinity
                continue
            }
            lastStep = residual
            if case let .step(tolerance) = options.stopRule, residual < tolerance { converged = true; return fx }
            // Along a drift the residual stays above `certifyBelow`; a burst now
            // and then still lets a weakly identified fit stop on Σ (the burst
            // measures Σ's distance too: EMRun.covarianceCertifies).
            let probe = residual < nearResidual && iterations - lastProbe >= options.tuning.certificationProbeEvery
            if probe { lastProbe = iterations }
            if case let .estimatedDistance(tolerance) = options.stopRule, residual < certifyBelow || probe {
                let (certified, ok) = try certify(from: fx, map: &map)
                if ok { converged = true; return certified }
                // The burst measured the slow rate: ask for a step that small.
                // (A rate ≥ 1 means the burst was still in a transient: keep the bar.)
                if rate < 1 {
                    certifyBelow = Swift.max(tolerance * (1 - rate) / Swift.max(rate, 1e-3) / 2, 1e-12)
                }
                // EM this slow is a job for the quasi-Newton polish.
                if !(rate < options.tuning.quasiNewtonRate) { polishDue = true }
                x = certified
                dG.removeAll(); dF.removeAll(); havePrevious = false
                acceptedLL = -Double.infinity
                acceptedResidual = .infinity
                continue
            }
            flatten(x, into: &xv)
            flatten(fx, into: &fv)
            for i in 0..<count { g[i] = fv[i] - xv[i] }
            // (Memory 0: no differences, plain EM steps under the safeguard.)
            if havePrevious, m > 0 {
                // The oldest difference's storage is reused when the memory is full.
                let full = dG.count >= m
                var newG = full ? dG.removeFirst() : [Double](repeating: 0, count: count)
                var newF = full ? dF.removeFirst() : [Double](repeating: 0, count: count)
                if full {
                    // Dots of the kept columns move up one index with the dropped one.
                    let kept = dG.count
                    for a in 0..<kept { for b in 0..<kept { dots[a + b * m] = dots[(a + 1) + (b + 1) * m] } }
                }
                for i in 0..<count { newG[i] = g[i] - gPrev[i]; newF[i] = fv[i] - fPrev[i] }
                dG.append(newG); dF.append(newF)
                // Only the new column's dot products are new: ΔGᵀΔG is kept
                // between iterations.
                let last = dG.count - 1
                for b in 0...last {
                    let s = partialSumDot(dG[last], dG[b])
                    dots[last + b * m] = s; dots[b + last * m] = s
                }
            }
            // (g is recomputed whole next time: its storage can be swapped.)
            swap(&gPrev, &g)
            for i in 0..<count { fPrev[i] = fv[i] }
            havePrevious = true
            let columns = dG.count
            var next = fx
            if columns > 0 {
                // Normal equations with a small ridge: (ΔGᵀΔG + εI) γ = ΔGᵀ g.
                var trace = 0.0
                for a in 0..<columns {
                    for b in 0...a {
                        let s = dots[a + b * m]
                        gram[a + b * columns] = s; gram[b + a * columns] = s
                    }
                    trace += gram[a + a * columns]
                    rhs[a] = partialSumDot(dG[a], gPrev)
                }
                for a in 0..<columns { gram[a + a * columns] += options.tuning.andersonRidge * trace / Double(columns) }
                for i in 0..<columns * columns { factor[i] = gram[i] }
                if (try? InPlaceCholesky.factor(&factor, order: columns)) != nil {
                    InPlaceCholesky.inverse(factor: factor, order: columns, into: &inverse)
                    for a in 0..<columns {
                        var s = 0.0
                        for b in 0..<columns { s += inverse[a + b * columns] * rhs[b] }
                        gamma[a] = s
                    }
                    // F(x) − ΔF γ, one difference after another (each entry
                    // subtracts its terms in the order a = 0, 1, …).
                    for i in 0..<count { extrapolated[i] = fv[i] }
                    extrapolated.withUnsafeMutableBufferPointer { ep in
                        for a in 0..<columns {
                            let ga = gamma[a]
                            dF[a].withUnsafeBufferPointer { dp in
                                for i in 0..<count { ep[i] -= dp[i] * ga }
                            }
                        }
                    }
                    for i in 0..<pk { next.lambda[i] = map.constrainLoading(extrapolated[i]) }
                    for t in 0..<p {
                        next.psi[t] = anchored[t] ? anchorValue[t] : map.constrainUniqueness(Foundation.exp(extrapolated[pk + t]), task: t)
                    }
                } else {
                    dG.removeAll(); dF.removeAll()
                }
            }
            x = next
        }
        return x
    }
}
