import Foundation
import Linalg

extension EMRun {
    /// Maximises ℓ directly by a projected, preconditioned L-BFGS (two-metric
    /// projection) over `(Λ, log ψ)` under the map's bounds — `Λ ≥ 0` (or free),
    /// `ψ ≥ floor`, anchored ψ fixed — for maps whose fixed points are the
    /// stationary points of ℓ (``EMMap/likelihoodIsMerit``: the nnls M-step,
    /// free loadings).
    ///
    /// Where EM crawls — a uniqueness heading for 0 (a Heywood case), where ℓ
    /// is conditioned like 1/ψ and EM's rate tends to 1 — the EM's fixed point
    /// is still the constrained maximum of ℓ, and a quasi-Newton method reaches
    /// it in a few hundred gradients. With `f = −ℓ/n`, its gradient `g`
    /// (``EMMap/gradient(_:into:)``, one E-step by Fisher's identity) and
    /// `D` the inverse of the block-diagonal information (each task's
    /// `(λ_t, log ψ_t)` block, ``EMMap/informationBlocks(_:into:)``):
    ///
    /// ```
    /// fixed  = anchored ψ ∪ { i at its bound with g_i > 0 }
    /// d      = −H g  on the other coordinates (L-BFGS two-loop, H₀ = D or γI),  0 on fixed ones
    /// x⁺     = P(x + α d),  α = 1, ½, ¼, … until  f(x⁺) ≤ f(x) + 10⁻⁴ gᵀ(x⁺ − x)
    /// ```
    ///
    /// (Bertsekas' two-metric projection; `P` clips to the bounds). `H₀ = D`
    /// is a Fisher-scoring step task by task: it holds the stiff direction of
    /// a Heywood task (its `Σ_tt = |λ_t|² + ψ_t` pinned to `S_tt` with a
    /// stiffness 1/ψ_t) and re-linearises it at every iterate; the curvature
    /// pairs add what couples the tasks — the slow directions. After a futile
    /// polish (below) the fit's later polishes take `H₀ = γI`, `γ = sᵀy/yᵀy`
    /// of the newest pair, instead (``PolishMetric``).
    ///
    /// Stop: a full step (`α = 1`) accepted while the proposed step — the
    /// quasi-Newton estimate of the distance to the maximum, measured as the
    /// EM's stop rule measures it (`max |ΔΛ|`, and `ψ |Δ log ψ|`) — is below
    /// the stop rule's tolerance (``EMTuning/quasiNewtonMargin``), once as many
    /// steps as the memory holds pairs were taken since the pairs were last
    /// dropped (from H₀ alone the estimate misses the slow directions); the caller
    /// certifies it by a plain-EM burst. Every gradient counts as one map
    /// evaluation (it costs one E-step).
    ///
    /// Futile steps: a direction longer than ``EMTuning/quasiNewtonStepLimit``
    /// is cut to it, and its line search starts from the last such step's α
    /// (doubled after an immediate acceptance; back to 1 when the curvature
    /// pairs are dropped) instead of 1. After ``EMTuning/quasiNewtonShortSteps``
    /// such steps in a row accepted only below ``EMTuning/quasiNewtonShortStep``,
    /// the polish gives up: ℓ is flat along many directions there (a weakly identified
    /// fit) and D nearly singular, so its quadratic model says nothing; the
    /// fit's next polishes use ``PolishMetric/scaledIdentity``.
    ///
    /// - Returns: the last accepted point and whether it met the stop.
    /// - Complexity: one E-step (O(p²k) in covariance space) per gradient, plus
    ///   O(m · p k) for the two-loop recursion with memory m.
    mutating func quasiNewton(
        from start: FactorParameters, map: inout some EMMap, budget: Int
    ) throws(AnalysisError) -> (point: FactorParameters, converged: Bool) {
        let pk = start.lambda.count, p = start.psi.count, count = pk + p
        let memory = options.tuning.quasiNewtonMemory
        let tolerance = options.stopRule.tolerance * options.tuning.quasiNewtonMargin
        let lower = (0..<count).map { i -> Double in
            i < pk ? (map.nonNegative ? 0 : -.infinity) : Foundation.log(map.psiFloors[i - pk])
        }
        var frozen = (0..<count).map { $0 >= pk && map.anchored[$0 - pk] }
        var x = start
        // Free loadings: fix the rotation (ℓ is flat along Λ R, which would
        // make the quasi-Newton matrix unbounded there) by rotating Λ so that
        // k pivot tasks form a lower-triangular block and freezing its zeros.
        if !map.nonNegative, p > 0, pk / p > 1 {
            for (row, column) in Self.fixRotation(&x.lambda, p: p, k: pk / p) { frozen[row + column * p] = true }
        }
        var v = [Double](repeating: 0, count: count)
        for i in 0..<pk { v[i] = x.lambda[i] }
        for t in 0..<p { v[pk + t] = Foundation.log(start.psi[t]) }
        let k = pk / Swift.max(p, 1)
        var g = v, trial = v, gTrial = v, direction = v, q = v
        var h0 = PolishPreconditioner(p: p, k: k), h0Trial = h0
        var gradient = start, xTrial = start
        var f = try objective(x, gradient: &g, scratch: &gradient, map: &map)
        h0.load(x, from: &map)
        var pairs = CurvaturePairs(count: count, memory: memory)
        var sNew = v, yNew = v, bs = v, mask = v
        var fixed = frozen
        // The line search's first α for a direction cut to the step limit:
        // twice the last such step's α if that was accepted at once, else that
        // α (each halving costs an evaluation). Other directions start at 1.
        var cappedAlpha = 1.0
        // γ = sᵀy / yᵀy of the newest pair: H₀ = γI under ``PolishMetric/scaledIdentity``.
        var gamma = 0.0
        // Under γI the blocks serve only the first direction (and Powell's
        // damping until there is a γ): they are taken once, at the start, not
        // at every accepted step, which would cost O(pk²) a step for nothing.
        let scaled = polishMetric == .scaledIdentity
        // Futile steps in a row: the direction ran into the step limit and
        // was accepted only below quasiNewtonShortStep, whether the line
        // search cut α or started it that low (a capped direction starts from
        // the last one's α): both say the quadratic model is useless here.
        var shortSteps = 0
        let shortStep = options.tuning.quasiNewtonShortStep
        let shortStepsLimit = Swift.max(1, options.tuning.quasiNewtonShortSteps)
        let first = iterations
        // Steps accepted since the curvature pairs were last dropped.
        var steps = 0
        // Drops the curvature pairs, and what was learnt with them.
        func forgetCurvature() {
            pairs.removeAll()
            cappedAlpha = 1
            steps = 0
        }
        // H₀: γI under the scaled metric once there is a γ, else the blocks.
        func applyInitial(_ r: inout [Double]) {
            if scaled, gamma > 0 {
                for i in 0..<r.count { r[i] *= gamma }
            } else {
                h0.apply(to: &r, fixed: fixed)
            }
        }

        while iterations - first < budget, iterations < options.maxIterations {
            Self.markBound(&fixed, frozen: frozen, v: v, lower: lower, gradient: g)
            // A coordinate at its bound that the direction would push out of
            // bounds is fixed too, and the direction recomputed: otherwise the
            // projection can turn a non-diagonal H's step uphill at every α.
            for _ in 0..<4 {
                // Two-loop recursion on the free coordinates, H₀ = D (or γI, see PolishMetric).
                Self.maskGradient(g, fixed: fixed, mask: &mask, into: &q)
                pairs.apply(to: &q, mask: mask, initial: applyInitial)
                var slope = Self.negate(q, into: &direction, slopeAlong: g)
                if !(slope < 0) {
                    // Not a descent direction: forget the curvature pairs.
                    forgetCurvature()
                    Self.maskGradient(g, fixed: fixed, mask: &mask, into: &q)
                    applyInitial(&q)
                    slope = Self.negate(q, into: &direction, slopeAlong: g)
                    if !(slope < 0) { lastStep = 0; estimatedDistance = 0; return (x, true) }
                }
                var added = false
                for i in 0..<count where !fixed[i] && v[i] <= lower[i] && direction[i] < 0 { fixed[i] = true; added = true }
                if !added { break }
                for i in 0..<count where fixed[i] { direction[i] = 0 }
            }
            // A step that moves a loading by more than ``EMTuning/quasiNewtonStepLimit``
            // is shortened: far from the maximum the quadratic model means little.
            var longest = 0.0
            for i in 0..<pk { longest = Swift.max(longest, Swift.abs(direction[i])) }
            let capped = longest > options.tuning.quasiNewtonStepLimit
            if capped {
                for i in 0..<count { direction[i] *= options.tuning.quasiNewtonStepLimit / longest }
            }
            // The quasi-Newton distance estimate, in the stop rule's units.
            var distance = 0.0
            for i in 0..<pk { distance = Swift.max(distance, Swift.abs(direction[i])) }
            for t in 0..<p { distance = Swift.max(distance, x.psi[t] * Swift.abs(direction[pk + t])) }

            // The rounding of f: near a Heywood case its terms of size 1/ψ
            // cancel and f carries errors of 1e-8 relative and more (the
            // gradient does not: Fisher's identity has no such cancellation).
            // Hager & Zhang's ε = 10⁻⁶ |f| for the approximate Wolfe test.
            let noise = 1e-6 * Swift.abs(f)
            let alphaFirst = capped ? cappedAlpha : 1
            var alpha = alphaFirst, accepted = false, fTrial = f
            for _ in 0..<options.tuning.quasiNewtonBacktracks {
                let decrease = Self.project(v, along: direction, by: alpha, lower: lower, fixed: fixed, gradient: g, into: &trial)
                trial.withUnsafeBufferPointer { tp in
                    xTrial.lambda.withUnsafeMutableBufferPointer { lp in
                        for i in 0..<pk { lp[i] = tp[i] }
                    }
                    xTrial.psi.withUnsafeMutableBufferPointer { sp in
                        for t in 0..<p { sp[t] = frozen[pk + t] ? start.psi[t] : Foundation.exp(tp[pk + t]) }
                    }
                }
                // A trial the E-step cannot take (I + ΛᵀΨ⁻¹Λ not positive
                // definite in rounding, with ψ near its floor) is a failed trial.
                do { fTrial = try objective(xTrial, gradient: &gTrial, scratch: &gradient, map: &map) } catch {
                    fTrial = .infinity
                }
                if fTrial.isFinite, fTrial <= f + 1e-4 * decrease { accepted = true; break }
                // Near a Heywood maximum f's own rounding (terms of size 1/ψ
                // that cancel) exceeds the decrease: within that noise, accept a
                // step whose slope shows the quadratic model still decreasing
                // (Hager & Zhang's approximate Wolfe condition).
                var slopeAfter = 0.0
                for i in 0..<count { slopeAfter += gTrial[i] * (trial[i] - v[i]) }
                if fTrial.isFinite, fTrial <= f + noise, decrease < 0,
                   slopeAfter <= (1 - 2e-4) * -decrease, slopeAfter >= 0.9 * decrease {
                    accepted = true; break
                }
                if iterations - first >= budget || iterations >= options.maxIterations { break }
                alpha /= 2
            }
            guard accepted else {
                if pairs.isEmpty { return (x, false) }
                forgetCurvature()
                continue
            }
            // The accepted trial was the map's last E-step: its information blocks.
            if !scaled { h0Trial.load(xTrial, from: &map) }
            // Powell's damping against B₀ (the new point's blocks; under γI,
            // I/γ, or the start's blocks before the first pair): a pair
            // whose curvature sᵀy is below 10⁻⁸ sᵀB₀s — flat or negative, by
            // rounding or a ridge — is blended with B₀s so that H stays
            // positive definite and bounded. (A higher threshold damps the
            // very directions the polish is for: where EM is slow, the true
            // curvature is far below the complete-data information.)
            fixed.withUnsafeBufferPointer { fp in
                sNew.withUnsafeMutableBufferPointer { sp in
                    yNew.withUnsafeMutableBufferPointer { yp in
                        for i in 0..<count {
                            sp[i] = fp[i] ? 0 : trial[i] - v[i]
                            yp[i] = fp[i] ? 0 : gTrial[i] - g[i]
                        }
                    }
                }
            }
            if !scaled {
                h0Trial.multiply(sNew, into: &bs, fixed: fixed)
            } else if gamma > 0 {
                for i in 0..<count { bs[i] = sNew[i] / gamma }
            } else {
                h0.multiply(sNew, into: &bs, fixed: fixed)
            }
            var sy = partialSumDot(sNew, yNew)
            let sbs = partialSumDot(sNew, bs)
            let damped = sbs > 0 && sy < 1e-8 * sbs
            if damped {
                let theta = (1 - 1e-8) * sbs / (sbs - sy)
                for i in 0..<count { yNew[i] = theta * yNew[i] + (1 - theta) * bs[i] }
                sy = 1e-8 * sbs
            }
            if sy > 0, sy.isFinite {
                pairs.append(s: sNew, y: yNew, rho: 1 / sy)
                // γ from measured curvature only: a damped y is mostly B₀s, whose
                // sᵀy/yᵀy says nothing new (and can be off by 10⁸ either way).
                if !damped { gamma = sy / partialSumDot(yNew, yNew) }
            }
            // (xTrial's old values are overwritten whole by the next trial.)
            swap(&v, &trial); swap(&g, &gTrial); swap(&x, &xTrial)
            if !scaled { swap(&h0, &h0Trial) }
            f = fTrial
            if capped { cappedAlpha = alpha == alphaFirst ? Swift.min(1, 2 * alpha) : alpha }
            shortSteps = capped && alpha < shortStep ? shortSteps + 1 : 0
            if shortSteps >= shortStepsLimit {
                // D says nothing here: the fit's later polishes measure their own scale.
                polishMetric = .scaledIdentity
                return (x, false)
            }
            lastStep = distance * alpha
            estimatedDistance = distance
            steps += 1
            // The distance is the quasi-Newton step's length: trusted once the
            // curvature pairs could fill the memory. From H₀ alone (the first
            // steps) it misses what couples the tasks — the slow directions —
            // and can call a point converged while ℓ still has far to climb.
            if alpha == 1, distance < tolerance, steps >= memory { return (x, true) }
        }
        return (x, false)
    }

    /// `fixed_i = frozen_i || (v_i ≤ lower_i && g_i > 0)`: the coordinates at
    /// their bound that the gradient pushes out. (One pass over buffers: it
    /// runs at every step over all p(k + 1) coordinates.)
    private static func markBound(_ fixed: inout [Bool], frozen: [Bool], v: [Double], lower: [Double], gradient g: [Double]) {
        fixed.withUnsafeMutableBufferPointer { fp in
            frozen.withUnsafeBufferPointer { zp in
                v.withUnsafeBufferPointer { vp in
                    lower.withUnsafeBufferPointer { lp in
                        g.withUnsafeBufferPointer { gp in
                            for i in 0..<fp.count { fp[i] = zp[i] || (vp[i] <= lp[i] && gp[i] > 0) }
                        }
                    }
                }
            }
        }
    }

    /// `mask_i = 0` and `q_i = 0` on fixed coordinates, `1` and `g_i` on the others.
    private static func maskGradient(_ g: [Double], fixed: [Bool], mask: inout [Double], into q: inout [Double]) {
        g.withUnsafeBufferPointer { gp in
            fixed.withUnsafeBufferPointer { fp in
                mask.withUnsafeMutableBufferPointer { mp in
                    q.withUnsafeMutableBufferPointer { qp in
                        for i in 0..<gp.count {
                            let free = !fp[i]
                            mp[i] = free ? 1 : 0
                            qp[i] = free ? gp[i] : 0
                        }
                    }
                }
            }
        }
    }

    /// `d = −q`; returns `gᵀd`, summed in index order.
    private static func negate(_ q: [Double], into d: inout [Double], slopeAlong g: [Double]) -> Double {
        var slope = 0.0
        q.withUnsafeBufferPointer { qp in
            g.withUnsafeBufferPointer { gp in
                d.withUnsafeMutableBufferPointer { dp in
                    for i in 0..<qp.count {
                        dp[i] = -qp[i]
                        slope += gp[i] * dp[i]
                    }
                }
            }
        }
        return slope
    }

    /// `trial = P(v + α d)` (fixed coordinates stay at `v`, the others are
    /// clipped at `lower`); returns `gᵀ(trial − v)`.
    private static func project(
        _ v: [Double], along d: [Double], by alpha: Double, lower: [Double], fixed: [Bool], gradient g: [Double],
        into trial: inout [Double]
    ) -> Double {
        var decrease = 0.0
        v.withUnsafeBufferPointer { vp in
            d.withUnsafeBufferPointer { dp in
                lower.withUnsafeBufferPointer { lp in
                    fixed.withUnsafeBufferPointer { fp in
                        g.withUnsafeBufferPointer { gp in
                            trial.withUnsafeMutableBufferPointer { tp in
                                for i in 0..<vp.count {
                                    let value = fp[i] ? vp[i] : Swift.max(lp[i], vp[i] + alpha * dp[i])
                                    tp[i] = value
                                    decrease += gp[i] * (value - vp[i])
                                }
                            }
                        }
                    }
                }
            }
        }
        return decrease
    }

    /// Rotates free loadings `Λ ← Λ Q` (Q orthogonal, so `ΛΛᵀ` and ℓ are
    /// unchanged) so that k pivot rows — chosen greedily by largest residual
    /// norm, as in a pivoted QR of Λᵀ — form a lower-triangular block; returns
    /// the `k(k − 1)/2` entries `(row, column)` that are now 0 and identify the rotation.
    static func fixRotation(_ lambda: inout [Double], p: Int, k: Int) -> [(Int, Int)] {
        // Pivot rows by modified Gram–Schmidt with pivoting on the rows of Λ.
        var residual = (0..<p).map { i in (0..<k).map { lambda[i + $0 * p] } }
        var pivots: [Int] = []
        for _ in 0..<k {
            guard let best = (0..<p).filter({ !pivots.contains($0) })
                .max(by: { residual[$0].reduce(0) { $0 + $1 * $1 } < residual[$1].reduce(0) { $0 + $1 * $1 } })
            else { break }
            let norm = residual[best].reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { break }
            let unit = residual[best].map { $0 / norm }
            pivots.append(best)
            for i in 0..<p {
                let dot = zip(residual[i], unit).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<k { residual[i][j] -= dot * unit[j] }
            }
        }
        guard pivots.count == k else { return [] }
        // A = Λ[pivots, :]; Aᵀ = Q U (Gram–Schmidt), so A Q = Uᵀ is lower triangular.
        var q = (0..<k).map { m in (0..<k).map { lambda[pivots[m] + $0 * p] } }   // columns of Aᵀ = rows of A
        for m in 0..<k {
            for l in 0..<m {
                let dot = zip(q[m], q[l]).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<k { q[m][j] -= dot * q[l][j] }
            }
            let norm = q[m].reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { return [] }
            for j in 0..<k { q[m][j] /= norm }
        }
        // Λ ← Λ Q, Q's column m = q[m].
        var rotated = lambda
        for i in 0..<p {
            for m in 0..<k {
                var sum = 0.0
                for j in 0..<k { sum += lambda[i + j * p] * q[m][j] }
                rotated[i + m * p] = sum
            }
        }
        var zeros: [(Int, Int)] = []
        for m in 0..<k { for column in (m + 1)..<k { rotated[pivots[m] + column * p] = 0; zeros.append((pivots[m], column)) } }
        lambda = rotated
        return zeros
    }

    /// `f = −ℓ(x)/n` with its gradient in `(Λ, log ψ)` coordinates; counted as
    /// one map evaluation. The map keeps this E-step for ``EMMap/informationBlocks(_:into:)``.
    private mutating func objective(
        _ x: FactorParameters, gradient g: inout [Double], scratch: inout FactorParameters, map: inout some EMMap
    ) throws(AnalysisError) -> Double {
        let logLikelihood = try map.gradient(x, into: &scratch)
        let pk = x.lambda.count
        for i in 0..<pk { g[i] = -scratch.lambda[i] }
        for t in x.psi.indices { g[pk + t] = -scratch.psi[t] }
        record(logLikelihood)
        return -logLikelihood / Double(map.observationCount)
    }
}
