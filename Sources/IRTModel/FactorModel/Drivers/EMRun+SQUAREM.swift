import Foundation

extension EMRun {
    /// SQUAREM with an adaptive step bound, a likelihood safeguard and
    /// projection onto the constraints.
    ///
    /// The step length `α = −‖r‖/‖v‖` is bounded by `−stepMax ≤ α ≤ −1`;
    /// `stepMax` starts at 1, grows ×4 whenever the bound is hit and the
    /// extrapolation is accepted, and shrinks ×4 when the safeguard rejects one
    /// (Varadhan & Roland's `step.max` rule). For one dominant mode with rate ρ,
    /// `|α| = 1/(1 − ρ)`; but the step lengths see mostly the fast modes, so a
    /// small cheap estimate `‖F(x) − x‖ · |α̂|` is only a candidate. It is
    /// certified by ``certify(from:map:)``: plain EM steps that let the
    /// fast modes die out and measure the slowest rate, exactly the plain rule.
    /// A failed certification resumes SQUAREM, which now sees the slow mode.
    mutating func squarem(from x0: FactorParameters, map: inout some EMMap) throws(AnalysisError) -> FactorParameters {
        var x = x0
        var x1 = x0, x2 = x0, xe = x0, x3 = x0
        let count = x0.lambda.count + x0.psi.count
        var r = [Double](repeating: 0, count: count), v = r
        var stepMax = 1.0
        var recentAlphas: [Double] = []
        var lastCertification = 0
        // A cheap estimate below this triggers a certification burst (at most
        // every `certifyEvery` evaluations): the burst also exposes the slow
        // mode to the next extrapolation.
        let certifyBelow = options.tuning.squaremCertifyBelow
        let certifyEvery = options.tuning.squaremCertifyEvery
        while iterations < options.maxIterations {
            let s1 = try evaluate(x, into: &x1, &map).step
            lastStep = s1
            if case let .step(tolerance) = options.stopRule, s1 < tolerance { converged = true; return x1 }
            if iterations >= options.maxIterations { return x1 }
            let (ll1, s2) = try evaluate(x1, into: &x2, &map)
            lastStep = s2
            if case let .step(tolerance) = options.stopRule, s2 < tolerance { converged = true; return x2 }
            if iterations >= options.maxIterations { return x2 }

            // r = x1 − x0, v = x2 − 2x1 + x0 over (Λ, ψ).
            var rr = 0.0, vv = 0.0
            let pk = x.lambda.count
            for i in 0..<count {
                let a0 = i < pk ? x.lambda[i] : x.psi[i - pk]
                let a1 = i < pk ? x1.lambda[i] : x1.psi[i - pk]
                let a2 = i < pk ? x2.lambda[i] : x2.psi[i - pk]
                r[i] = a1 - a0
                v[i] = a2 - 2 * a1 + a0
                rr += r[i] * r[i]; vv += v[i] * v[i]
            }
            let rawAlpha = vv > 0 ? (rr / vv).squareRoot() : 1
            recentAlphas.append(rawAlpha)
            if recentAlphas.count > 5 { recentAlphas.removeFirst() }
            let slowest = recentAlphas.max() ?? rawAlpha
            rate = slowest > 1 ? 1 - 1 / slowest : 0
            estimatedDistance = s2 * Swift.max(slowest - 1, 0) + s2
            if case let .estimatedDistance(tolerance) = options.stopRule,
               estimatedDistance < tolerance || (estimatedDistance < certifyBelow && iterations - lastCertification >= certifyEvery) {
                lastCertification = iterations
                let (certified, ok) = try certify(from: x2, map: &map)
                if ok { converged = true; return certified }
                x = certified
                recentAlphas.removeAll()
                stepMax = Swift.max(stepMax, 1 / Swift.max(1 - rate, 1e-12))
                continue
            }
            guard vv > 0 else { x = x2; continue }
            let alpha = -Swift.min(Swift.max(rawAlpha, 1), stepMax)
            for i in 0..<count {
                let value = (i < pk ? x.lambda[i] : x.psi[i - pk]) - 2 * alpha * r[i] + alpha * alpha * v[i]
                if i < pk { xe.lambda[i] = map.constrainLoading(value) } else {
                    xe.psi[i - pk] = map.constrainUniqueness(value, task: i - pk)
                }
            }
            // Stabilising EM step from the extrapolated point; ℓ(xe) comes with it.
            let lle = try evaluate(xe, into: &x3, &map).logLikelihood
            if lle.isFinite && lle >= ll1 {
                x = x3
                if -alpha >= stepMax { stepMax *= 4 }
            } else {
                x = x2   // safeguard: keep the monotone two-step result
                stepMax = Swift.max(1, stepMax / 4)
            }
        }
        return x
    }
}
