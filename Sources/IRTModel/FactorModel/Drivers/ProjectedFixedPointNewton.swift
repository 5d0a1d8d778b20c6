import Linalg

/// Newton's method on the fixed-point equation of the projected (clipped) EM
/// map, on its free coordinates: where the map crawls (its contraction rate ρ
/// within 1e-7 of 1) no acceleration of the iteration reaches the fixed point
/// in a bounded number of evaluations, but the equation itself is well posed.
///
/// With the active set held (loadings at 0 that the map keeps at 0, ψ at its
/// floor or anchor), the map is smooth in the free coordinates `v` (positive
/// loadings, free ψ above their floors), and its fixed point solves
///
/// ```
/// G(v) = F(v) − v = 0,   v ← v − t (J_F − I)⁻¹ G(v)
/// ```
///
/// with `J_F` by central differences (`2m` map evaluations for `m` free
/// coordinates), the active set re-read from the map's image at every step, and
/// the step cut at the bound and halved until `‖F(x) − x‖₂` falls. Where no
/// Newton step does (J_F − I nearly singular along a weakly identified
/// direction), Levenberg–Marquardt directions `(AᵀA + μI)δ = −AᵀG` with growing
/// μ. Its error in the slow direction is the residual divided by `1 − ρ`, which
/// the solve removes (the iteration only divides by it).
///
/// - Complexity: per Newton step `2m + 1` map evaluations and `2m³/3` flops (LU);
///   used only for `m ≤` ``maximumDimension``.
enum ProjectedFixedPointNewton {
    /// The largest number of free coordinates solved for (a Jacobian of 2m evaluations).
    static let maximumDimension = 600

    /// Where the solve ended: the point and `‖F(x) − x‖₂` there.
    struct Outcome {
        var point: FactorParameters
        var residual: Double
    }

    /// Solves `F(x) = x` from `x0` (a point near a crawling fixed point), or
    /// returns `nil` when there is nothing to solve for (no free coordinates, or more
    /// than ``maximumDimension``) or no step lowers the residual.
    ///
    /// Each Newton step takes the active set of the map's image at the current point
    /// (loadings clipped to 0 and ψ on a floor or anchor are held), solves the linear
    /// model on the free coordinates, and moves at most to the bound (a loading that would
    /// turn negative stops at 0 and is held from then on); the step is halved until
    /// `‖F(x) − x‖₂` over every coordinate falls.
    ///
    /// - Parameters:
    ///   - x0: The start.
    ///   - map: The projected EM map.
    ///   - held: Loadings (indices into `lambda`) held at 0 whatever the map's image
    ///     says: the loading a followed rotation brought to 0 (``RotationDrift``),
    ///     which the image of a point not yet at the fixed point can still push up.
    ///   - newtonSteps: The most Newton steps taken.
    ///   - evaluations: Incremented by every map evaluation, also when it returns `nil`.
    /// - Throws: The map's errors.
    static func solve<Map: EMMap>(from x0: FactorParameters, map: inout Map, holding held: Set<Int> = [],
                                  newtonSteps: Int = 40, evaluations: inout Int) throws(AnalysisError) -> Outcome? {
        let anchored = map.anchored, floors = map.psiFloors
        func image(_ x: FactorParameters) throws(AnalysisError) -> FactorParameters {
            var fx = x
            _ = try map.evaluate(x, into: &fx)
            evaluations += 1
            return fx
        }
        func merit(_ x: FactorParameters, _ fx: FactorParameters) -> Double {
            var sum = 0.0
            for i in x.lambda.indices { sum += (fx.lambda[i] - x.lambda[i]) * (fx.lambda[i] - x.lambda[i]) }
            for t in x.psi.indices { sum += (fx.psi[t] - x.psi[t]) * (fx.psi[t] - x.psi[t]) }
            return sum.squareRoot()
        }
        var x = x0
        var fx = try image(x)
        var size = merit(x, fx)
        var solvedOnce = false
        for _ in 0..<newtonSteps where size > 0 {
            // The active set of the image: held coordinates take the image's values.
            let freeLambda = fx.lambda.indices.filter { fx.lambda[$0] > 0 && !held.contains($0) }
            let freePsi = fx.psi.indices.filter { !anchored[$0] && fx.psi[$0] > floors[$0] }
            let nl = freeLambda.count, m = nl + freePsi.count
            guard m > 0, m <= maximumDimension else { return nil }
            var base = fx
            for i in held { base.lambda[i] = 0 }
            func point(_ v: [Double]) -> FactorParameters {
                var y = base
                for (c, i) in freeLambda.enumerated() { y.lambda[i] = v[c] }
                for (c, t) in freePsi.enumerated() { y.psi[t] = v[nl + c] }
                return y
            }
            func coordinates(_ y: FactorParameters) -> [Double] {
                freeLambda.map { y.lambda[$0] } + freePsi.map { y.psi[$0] }
            }
            func residual(_ v: [Double]) throws(AnalysisError) -> [Double] {
                zip(coordinates(try image(point(v))), v).map { $0 - $1 }
            }
            let v = coordinates(x).enumerated().map { c, value in
                c < nl ? Swift.max(value, 0) : Swift.max(value, floors[freePsi[c - nl]])
            }
            let g = try residual(v)
            // J_F − I by central differences.
            var a = Matrix(rows: m, columns: m)
            for j in 0..<m {
                let h = 1e-6 * Swift.max(Swift.abs(v[j]), 1e-3)
                var up = v, down = v
                up[j] += h
                down[j] -= h
                let gUp = try residual(up), gDown = try residual(down)
                for i in 0..<m { a[i, j] = (gUp[i] - gDown[i]) / (2 * h) }
            }
            // Newton's direction first; where J_F − I is (nearly) singular along a weakly
            // identified direction and no step along it lowers the residual, Levenberg–Marquardt
            // directions (AᵀA + μI)δ = −Aᵀg with growing μ, which descend for small enough steps.
            var accepted = false
            var t = 1.0
            var delta = [Double](repeating: 0, count: m)
            let normalMatrix = Matrix(rows: m, columns: m) { i, j in
                var sum = 0.0
                for r in 0..<m { sum += a[r, i] * a[r, j] }
                return sum
            }
            let gradient = (0..<m).map { j in (0..<m).reduce(0.0) { $0 + a[$1, j] * g[$1] } }
            let scale = (0..<m).map { normalMatrix[$0, $0] }.max() ?? 1
            for damping in [0.0, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2] {
                do throws(LinalgError) {
                    if damping == 0 {
                        delta = try LU(a).solve(g.map { -$0 })
                    } else {
                        var damped = normalMatrix
                        for i in 0..<m { damped[i, i] += damping * scale }
                        delta = try LU(damped).solve(gradient.map { -$0 })
                    }
                } catch {
                    continue
                }
                // The longest step that keeps every free coordinate feasible (a loading may reach 0).
                t = 1.0
                for c in 0..<m where delta[c] < 0 {
                    let bound = c < nl ? 0 : floors[freePsi[c - nl]]
                    t = Swift.min(t, (v[c] - bound) / -delta[c])
                }
                for _ in 0..<(damping == 0 ? 20 : 40) {
                    var trial = zip(v, delta).map { $0 + t * $1 }
                    for c in 0..<nl { trial[c] = Swift.max(trial[c], 0) }
                    for c in nl..<m { trial[c] = Swift.max(trial[c], floors[freePsi[c - nl]]) }
                    let y = point(trial)
                    let fy = try image(y)
                    let trialSize = merit(y, fy)
                    if trialSize < size {
                        x = y
                        fx = fy
                        size = trialSize
                        accepted = true
                        break
                    }
                    t /= 2
                }
                if accepted { break }
            }
            if !accepted { break }
            solvedOnce = true
            if (delta.map(Swift.abs).max() ?? 0) * t < 1e-13 { break }
        }
        return solvedOnce ? Outcome(point: x, residual: size) : nil
    }
}
