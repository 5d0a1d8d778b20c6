import Foundation

/// Minimizes a smooth `f(x)` subject to `x ≥ l` by a projected limited-memory
/// BFGS iteration (the L-BFGS-B idea with a simpler subspace step, as in
/// Kim, Sra & Dhillon 2010):
///
/// ```
/// B = { i : x_i = l_i, g_i > 0 }                      (bound and pushed outward: held)
/// d = −H g  on the other coordinates, 0 on B          (two-loop recursion, memory m)
/// x' = P(x + t d),  P = max(·, l)                     (t = 1 first, then backtracking)
/// accept when f(x') ≤ f(x) + 10⁻⁴ gᵀ(x' − x) + ε_f    (ε_f: f's rounding, from `evaluate`)
/// ```
///
/// A pair `(s, y)` enters the memory when `sᵀy > 0` on the free coordinates;
/// when `d` is no descent direction, or its line search finds no acceptable
/// step, the memory is dropped and `d = −g`.
///
/// The stop rules are the fit's (``StopRule``), measured by the caller's
/// `size` of a step from x: `.estimatedDistance` stops when the quasi-Newton
/// step to the optimum's estimate, `size(x, d)`, is below the tolerance (after
/// at least one curvature pair); `.step` when the last accepted step is.
struct BoundedQuasiNewton {
    /// Pairs `(s, y)` kept.
    var memory = 10
    /// Largest change of any coordinate in one step.
    var maxStep = 2.0
    /// Cap on evaluations of f.
    var maxEvaluations: Int
    /// When to stop.
    var stopRule: StopRule

    /// How the minimization ended.
    struct Result {
        var x: [Double]
        var value: Double
        var gradient: [Double]
        var iterations = 0
        var evaluations = 0
        var converged = false
        /// `size(x, d)` of the last quasi-Newton step computed (∞ before the first pair).
        var estimatedDistance = Double.infinity
        /// `size` of the last accepted step.
        var lastStep = Double.infinity
        /// `size` of the accepted step before it (for the rate).
        var previousStep = Double.infinity
        /// `max_i |g_i|` over the coordinates not held at their bound.
        var projectedGradient = Double.infinity
        /// Coordinates held at their bound at the end.
        var atBound = 0
    }

    /// Minimizes `f` from `x0` (projected onto `x ≥ lower` first).
    ///
    /// - Parameters:
    ///   - x0: the start.
    ///   - lower: the bounds, one per coordinate.
    ///   - size: the size of a step `d` from `x` in the units of the stop rule.
    ///   - progress: called after each iteration with (evaluations, last step).
    ///   - evaluate: `(f(x), ∇f(x), ε_f)` with ε_f a bound on the rounding error
    ///     of f(x); a non-finite f is treated as too long a step.
    /// - Throws: what `evaluate` throws.
    /// - Complexity: per iteration O(m·dim) plus the evaluations of its line search.
    func minimize<E: Error>(
        from x0: [Double], lower: [Double], size: ([Double], [Double]) -> Double,
        progress: ((Int, Double) -> Void)? = nil,
        evaluate: ([Double]) throws(E) -> (value: Double, gradient: [Double], roundoff: Double)
    ) throws(E) -> Result {
        let dim = x0.count
        var x = zip(x0, lower).map { Swift.max($0, $1) }
        var (f, g, roundoff) = try evaluate(x)
        var result = Result(x: x, value: f, gradient: g, evaluations: 1)
        guard f.isFinite else { return result }
        var pairs: [(s: [Double], y: [Double])] = []
        var free = [Bool](repeating: true, count: dim)
        while true {
            for i in 0..<dim { free[i] = !(x[i] <= lower[i] && g[i] > 0) }
            var projected = 0.0
            for i in 0..<dim where free[i] { projected = Swift.max(projected, Swift.abs(g[i])) }
            result.projectedGradient = projected
            result.atBound = free.filter { !$0 }.count
            if projected == 0 { result.converged = true; result.estimatedDistance = 0; break }
            var d = Self.direction(g, pairs, free)
            var slope = zip(d, g).reduce(0.0) { $0 + $1.0 * $1.1 }
            if !(slope < 0) || !slope.isFinite {
                pairs.removeAll()
                d = (0..<dim).map { free[$0] ? -g[$0] : 0 }
                slope = zip(d, g).reduce(0.0) { $0 + $1.0 * $1.1 }
            }
            if !pairs.isEmpty {
                result.estimatedDistance = size(x, d)
                if case let .estimatedDistance(tolerance) = stopRule, result.estimatedDistance < tolerance {
                    result.converged = true
                    break
                }
            }
            if result.evaluations >= maxEvaluations { break }
            // First step of a fresh memory: no curvature yet, keep it short.
            let longest = d.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
            var t = Swift.min(1, maxStep / longest)
            if pairs.isEmpty { t = Swift.min(t, 1 / Swift.max(longest, 1)) }
            var accepted: (x: [Double], f: Double, g: [Double], roundoff: Double)? = nil
            while result.evaluations < maxEvaluations {
                let trial = (0..<dim).map { Swift.max(x[$0] + t * d[$0], lower[$0]) }
                let (ft, gt, rt) = try evaluate(trial)
                result.evaluations += 1
                var decrease = 0.0
                for i in 0..<dim { decrease += g[i] * (trial[i] - x[i]) }
                if ft.isFinite, ft <= f + 1e-4 * decrease + roundoff + rt {
                    accepted = (trial, ft, gt, rt)
                    break
                }
                // Backtrack: the minimizer of the quadratic through f(0), f'(0), f(t), within [0.1t, 0.5t].
                let curvature = ft - f - slope * t
                let quadratic = ft.isFinite && curvature > 0 ? -slope * t * t / (2 * curvature) : 0.5 * t
                t = Swift.min(Swift.max(quadratic, 0.1 * t), 0.5 * t)
                if t * longest < 1e-16 * Swift.max(1, x.reduce(0.0) { Swift.max($0, Swift.abs($1)) }) { break }
            }
            guard let (xt, ft, gt, rt) = accepted else {
                // No acceptable step along the quasi-Newton direction: once more along −g.
                if pairs.isEmpty { break }
                pairs.removeAll()
                continue
            }
            var step = [Double](repeating: 0, count: dim), change = [Double](repeating: 0, count: dim)
            var sy = 0.0, ss = 0.0, yy = 0.0
            for i in 0..<dim {
                step[i] = xt[i] - x[i]
                change[i] = gt[i] - g[i]
                if free[i] { sy += step[i] * change[i]; ss += step[i] * step[i]; yy += change[i] * change[i] }
            }
            result.previousStep = result.lastStep
            result.lastStep = size(x, step)
            x = xt; f = ft; g = gt; roundoff = rt
            result.iterations += 1
            if sy > 1e-12 * (ss * yy).squareRoot() {
                pairs.append((step, change))
                if pairs.count > memory { pairs.removeFirst() }
            }
            progress?(result.evaluations, result.lastStep)
            if case let .step(tolerance) = stopRule, result.lastStep < tolerance { result.converged = true; break }
        }
        result.x = x
        result.value = f
        result.gradient = g
        return result
    }

    /// `−H g` by the two-loop recursion over the free coordinates (0 on the held ones),
    /// with `H₀ = (sᵀy / yᵀy) I` from the newest pair (I without pairs).
    static func direction(_ g: [Double], _ pairs: [(s: [Double], y: [Double])], _ free: [Bool]) -> [Double] {
        let dim = g.count
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var sum = 0.0
            for i in 0..<dim where free[i] { sum += a[i] * b[i] }
            return sum
        }
        var q = (0..<dim).map { free[$0] ? g[$0] : 0 }
        var alphas = [Double](repeating: 0, count: pairs.count)
        var rhos = [Double](repeating: 0, count: pairs.count)
        for m in pairs.indices.reversed() {
            let sy = dot(pairs[m].s, pairs[m].y)
            guard sy > 0 else { continue }
            rhos[m] = 1 / sy
            alphas[m] = rhos[m] * dot(pairs[m].s, q)
            for i in 0..<dim where free[i] { q[i] -= alphas[m] * pairs[m].y[i] }
        }
        var gamma = 1.0
        if let last = pairs.last {
            let sy = dot(last.s, last.y), yy = dot(last.y, last.y)
            if sy > 0, yy > 0 { gamma = sy / yy }
        }
        var r = q.map { gamma * $0 }
        for m in pairs.indices where rhos[m] > 0 {
            let beta = rhos[m] * dot(pairs[m].y, r)
            for i in 0..<dim where free[i] { r[i] += pairs[m].s[i] * (alphas[m] - beta) }
        }
        return r.map { -$0 }
    }
}
