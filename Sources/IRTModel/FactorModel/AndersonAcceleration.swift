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
    /// 0.99–0.9996. Far from the fixed point a new iterate whose likelihood
    /// drops below the last accepted one is rejected for the plain EM step and
    /// the memory is cleared; near it (residual `max |F(x) − x| < 1e-5`) the
    /// test is that the residual does not grow, because the projected M-step's
    /// fixed point is not a likelihood maximum and the last steps towards it
    /// may lower ℓ. Convergence is certified as in SQUAREM: a burst of plain steps
    /// measures the slowest rate ρ̂ and applies `step · ρ̂/(1 − ρ̂) < tolerance`.
    mutating func anderson(from x0: FactorParameters, map: inout some EMMap) throws(AnalysisError) -> FactorParameters {
        let m = options.tuning.andersonMemory
        let pk = x0.lambda.count, p = x0.psi.count
        let count = pk + p
        func flatten(_ x: FactorParameters, into v: inout [Double]) {
            for i in 0..<pk { v[i] = x.lambda[i] }
            for i in 0..<p { v[pk + i] = Foundation.log(x.psi[i]) }
        }
        var x = x0, fx = x0
        var xv = [Double](repeating: 0, count: count), fv = xv, g = xv, gPrev = xv, fPrev = xv
        var dG: [[Double]] = [], dF: [[Double]] = []
        var havePrevious = false
        var acceptedLL = -Double.infinity
        var acceptedResidual = Double.infinity
        // Below this residual the map is in its linear regime and the
        // safeguard watches the residual (see the type's documentation).
        let nearResidual = options.tuning.nearResidual
        var acceptedF = x0
        var certifyBelow = options.stopRule.tolerance
        var gram = [Double](repeating: 0, count: m * m), rhs = [Double](repeating: 0, count: m)
        var gamma = rhs
        var factor = gram, inverse = gram

        while iterations < options.maxIterations {
            let (ll, residual) = try evaluate(x, into: &fx, &map)
            // Far from the fixed point ℓ must not drop; near it the residual
            // must not grow (the projected map's fixed point is no ℓ maximum).
            let improves = residual < nearResidual
                ? residual <= acceptedResidual
                : ll >= acceptedLL - options.tuning.likelihoodSlack * abs(acceptedLL)
            if ll.isFinite, improves || !havePrevious {
                acceptedLL = ll
                acceptedResidual = residual
                acceptedF = fx
            } else {
                // Safeguard: fall back to the plain step from the last accepted
                // point and start the memory afresh.
                x = acceptedF
                dG.removeAll(); dF.removeAll(); havePrevious = false
                acceptedLL = -Double.infinity
                acceptedResidual = .infinity
                continue
            }
            lastStep = residual
            if case let .step(tolerance) = options.stopRule, residual < tolerance { converged = true; return fx }
            if case let .estimatedDistance(tolerance) = options.stopRule, residual < certifyBelow {
                let (certified, ok) = try certify(from: fx, map: &map)
                if ok { converged = true; return certified }
                // The burst measured the slow rate: ask for a step that small.
                // (A rate ≥ 1 means the burst was still in a transient: keep the bar.)
                if rate < 1 {
                    certifyBelow = Swift.max(tolerance * (1 - rate) / Swift.max(rate, 1e-3) / 2, 1e-12)
                }
                x = certified
                dG.removeAll(); dF.removeAll(); havePrevious = false
                acceptedLL = -Double.infinity
                acceptedResidual = .infinity
                continue
            }
            flatten(x, into: &xv)
            flatten(fx, into: &fv)
            for i in 0..<count { g[i] = fv[i] - xv[i] }
            if havePrevious {
                dG.append((0..<count).map { g[$0] - gPrev[$0] })
                dF.append((0..<count).map { fv[$0] - fPrev[$0] })
                if dG.count > m { dG.removeFirst(); dF.removeFirst() }
            }
            gPrev = g; fPrev = fv; havePrevious = true
            let columns = dG.count
            var next = fx
            if columns > 0 {
                // Normal equations with a small ridge: (ΔGᵀΔG + εI) γ = ΔGᵀ g.
                var trace = 0.0
                for a in 0..<columns {
                    for b in 0...a {
                        var s = 0.0
                        for i in 0..<count { s += dG[a][i] * dG[b][i] }
                        gram[a + b * columns] = s; gram[b + a * columns] = s
                    }
                    trace += gram[a + a * columns]
                    var s = 0.0
                    for i in 0..<count { s += dG[a][i] * g[i] }
                    rhs[a] = s
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
                    for i in 0..<count {
                        var value = fv[i]
                        for a in 0..<columns { value -= dF[a][i] * gamma[a] }
                        if i < pk { next.lambda[i] = map.constrainLoading(value) } else {
                            next.psi[i - pk] = map.constrainUniqueness(Foundation.exp(value), task: i - pk)
                        }
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
