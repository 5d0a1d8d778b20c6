import Linalg

/// Follows the slow rotation a crawling projected map drifts along, to the
/// loading where it stops.
///
/// Where the loadings are weakly identified (``RotationCone``: rotations
/// `Λ ↦ ΛR` keep `Λ ≥ 0` and `Σ = ΛΛᵀ + Ψ`), the unclipped EM map is
/// equivariant, `M(ΛR) = M(Λ)R`, so the rotations are neutral directions; the
/// clipping of the loadings held at 0 leaves a small push along them. The
/// plain map then moves at a nearly constant speed along the orbit — its
/// residual `F(x) − x` is a tangent rotation `ΛA`, `A = −Aᵀ` — until a positive
/// loading reaches 0 and pins it (on the bank's `a/sim-19`: 1.5e-7 per step for
/// about 480,000 steps, Λ moving 0.018). No acceleration or Newton step sees
/// that end: the residual is the same at every point of the orbit. This walks
/// the orbit in one step:
///
/// ```
/// A = argmin_A ‖(F(x) − x)_Λ − ΛA‖,   Λ(s) = Λ exp(sA),
/// s* = the first s > 0 at which a positive loading of Λ(s) reaches 0
/// ```
///
/// (loadings held at 0 that the rotation would turn negative stay at 0), and
/// stops short where the push reverses on the way. ψ does not change.
///
/// - Complexity: `O(pk²)` per probe of the orbit, and one map evaluation per
///   probe of the push (at most ``probes``).
enum RotationDrift {
    /// The share of `‖(F(x) − x)_Λ‖` the tangent rotation must explain for the
    /// residual to count as a drift along the orbit.
    static let rotationalShare = 0.9
    /// The largest number of map evaluations spent on locating where the push reverses.
    static let probes = 40

    /// Where the orbit was followed to.
    struct Outcome {
        var point: FactorParameters
        /// The rotation angle `s*‖A‖_F / √2` (radians) from the start.
        var angle: Double
        /// The loading (index into `lambda`) the rotation brought to 0, when it went to the bound.
        var reachedZero: Int?
        var evaluations: Int
    }

    /// Follows the drift from `x`, or returns `nil` when the residual is not (mostly) a
    /// rotation, or there is none.
    static func follow<Map: EMMap>(from x: FactorParameters, map: inout Map) throws(AnalysisError) -> Outcome? {
        let p = x.psi.count, k = p > 0 ? x.lambda.count / p : 0
        guard k >= 2 else { return nil }
        var evaluations = 0
        func push(at y: FactorParameters) throws(AnalysisError) -> (rotation: [Double], share: Double) {
            var fy = y
            _ = try map.evaluate(y, into: &fy)
            evaluations += 1
            let r = zip(fy.lambda, y.lambda).map { $0 - $1 }
            return tangentRotation(of: r, at: y.lambda, p: p, k: k)
        }
        let (a, share) = try push(at: x)
        guard share >= rotationalShare, a.contains(where: { $0 != 0 }) else { return nil }
        let generator = skew(a, k: k)
        let norm = (0..<(k * k)).reduce(0.0) { $0 + generator[$1 % k, $1 / k] * generator[$1 % k, $1 / k] }.squareRoot()
        let unit = Matrix(rows: k, columns: k) { i, j in generator[i, j] / norm }
        guard let reach = firstZero(of: x.lambda, p: p, k: k, along: unit) else { return nil }
        // Where the push reverses before the bound, the orbit's stationary point lies
        // before it: the sign of the push along the followed direction.
        func along(_ s: Double) throws(AnalysisError) -> Double {
            let y = rotated(x, by: unit, s: s, p: p, k: k)
            let (b, _) = try push(at: y)
            return zip(a, b).reduce(0.0) { $0 + $1.0 * $1.1 }
        }
        // The push is probed from near the start outwards (reach/64, …, reach/2, just short of
        // the bound); the first reversal is bisected.
        var s = reach, low = 0.0
        for fraction in [1.0 / 64, 1.0 / 16, 1.0 / 4, 1.0 / 2, 0.999] {
            let probe = fraction * reach
            if try along(probe) < 0 {
                var high = probe
                while evaluations < probes, high - low > 1e-12 * reach {
                    let mid = 0.5 * (low + high)
                    if try along(mid) < 0 { high = mid } else { low = mid }
                }
                s = 0.5 * (low + high)
                break
            }
            low = probe
        }
        var point = rotated(x, by: unit, s: s, p: p, k: k)
        let reachedZero = s == reach ? hittingIndex(x.lambda, p: p, k: k, along: unit, s: reach) : nil
        if let reachedZero { point.lambda[reachedZero] = 0 }
        return Outcome(point: point, angle: s / 2.0.squareRoot(), reachedZero: reachedZero, evaluations: evaluations)
    }

    /// The least-squares tangent rotation `ΛA` of a loading residual `r` (p × k,
    /// column-major): the generator coefficients `a_ab` (a < b) and the share of `‖r‖` it explains.
    static func tangentRotation(of r: [Double], at lambda: [Double], p: Int, k: Int) -> (rotation: [Double], share: Double) {
        let pairs = generatorPairs(k)
        let d = pairs.count
        // Columns of the tangent basis: Λ(E_ab − E_ba) puts +λ_a in column b and −λ_b in column a.
        var basis = Matrix(rows: p * k, columns: d)
        for (g, (a, b)) in pairs.enumerated() {
            for t in 0..<p {
                basis[t + b * p, g] = lambda[t + a * p]
                basis[t + a * p, g] = -lambda[t + b * p]
            }
        }
        let gram = basis.gram()
        let rhs = (0..<d).map { g in (0..<(p * k)).reduce(0.0) { $0 + basis[$1, g] * r[$1] } }
        guard let coefficients = try? LU(gram).solve(rhs) else { return ([Double](repeating: 0, count: d), 0) }
        var explained = 0.0, total = 0.0
        for row in 0..<(p * k) {
            let fitted = (0..<d).reduce(0.0) { $0 + basis[row, $1] * coefficients[$1] }
            explained += fitted * fitted
            total += r[row] * r[row]
        }
        return (coefficients, total > 0 ? (explained / total).squareRoot() : 0)
    }

    /// The generator pairs (a, b), a < b, in the order of ``RotationCone``.
    static func generatorPairs(_ k: Int) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        for a in 0..<k { for b in (a + 1)..<k { pairs.append((a, b)) } }
        return pairs
    }

    /// `A = Σ a_ab (E_ab − E_ba)`.
    static func skew(_ a: [Double], k: Int) -> Matrix {
        var m = Matrix(rows: k, columns: k)
        for (g, (i, j)) in generatorPairs(k).enumerated() {
            m[i, j] += a[g]
            m[j, i] -= a[g]
        }
        return m
    }

    /// `exp(A)` by scaling and squaring a Taylor series (A small and k × k: a skew `A`
    /// gives an orthogonal matrix to rounding).
    static func exponential(_ a: Matrix) -> Matrix {
        let k = a.rows
        var norm = 0.0
        for j in 0..<k { for i in 0..<k { norm = Swift.max(norm, Swift.abs(a[i, j])) } }
        var squarings = 0
        while norm * Double(k) > 0.125 {
            norm /= 2
            squarings += 1
        }
        func product(_ x: Matrix, _ y: Matrix) -> Matrix {
            Matrix(rows: k, columns: k) { i, j in (0..<k).reduce(0.0) { $0 + x[i, $1] * y[$1, j] } }
        }
        let factor = 1 / Double(1 << squarings)
        let scaled = Matrix(rows: k, columns: k) { i, j in a[i, j] * factor }
        var result = Matrix.identity(k), term = Matrix.identity(k)
        for n in 1...14 {
            let next = product(term, scaled)
            term = Matrix(rows: k, columns: k) { i, j in next[i, j] / Double(n) }
            result = Matrix(rows: k, columns: k) { i, j in result[i, j] + term[i, j] }
        }
        for _ in 0..<squarings { result = product(result, result) }
        return result
    }

    /// `x` with `Λ exp(sA)`; loadings the rotation turns negative are held at 0.
    static func rotated(_ x: FactorParameters, by unit: Matrix, s: Double, p: Int, k: Int) -> FactorParameters {
        let r = exponential(Matrix(rows: k, columns: k) { i, j in s * unit[i, j] })
        var y = x
        for t in 0..<p {
            for j in 0..<k {
                var sum = 0.0
                for i in 0..<k { sum += x.lambda[t + i * p] * r[i, j] }
                y.lambda[t + j * p] = Swift.max(sum, 0)
            }
        }
        return y
    }

    /// The first `s > 0` at which a loading positive at `s = 0` reaches 0 along
    /// `Λ exp(sA)` (a grid over half a turn, then bisection), or `nil` when none does.
    static func firstZero(of lambda: [Double], p: Int, k: Int, along unit: Matrix) -> Double? {
        let positive = lambda.indices.filter { lambda[$0] > 0 }
        func smallest(_ s: Double) -> Double {
            let r = exponential(Matrix(rows: k, columns: k) { i, j in s * unit[i, j] })
            var low = Double.infinity
            for index in positive {
                let t = index % p, j = index / p
                var sum = 0.0
                for i in 0..<k { sum += lambda[t + i * p] * r[i, j] }
                low = Swift.min(low, sum)
            }
            return low
        }
        let grid = 512, end = Double.pi
        var previous = 0.0
        for step in 1...grid {
            let s = end * Double(step) / Double(grid)
            if smallest(s) <= 0 {
                var low = previous, high = s
                for _ in 0..<60 {
                    let mid = 0.5 * (low + high)
                    if smallest(mid) <= 0 { high = mid } else { low = mid }
                }
                return high
            }
            previous = s
        }
        return nil
    }

    /// The loading positive at `s = 0` that is smallest at `s`: the one that reached 0.
    static func hittingIndex(_ lambda: [Double], p: Int, k: Int, along unit: Matrix, s: Double) -> Int? {
        let r = exponential(Matrix(rows: k, columns: k) { i, j in s * unit[i, j] })
        return lambda.indices.filter { lambda[$0] > 0 }.min { first, second in
            func value(_ index: Int) -> Double {
                let t = index % p, j = index / p
                return (0..<k).reduce(0.0) { $0 + lambda[t + $1 * p] * r[$1, j] }
            }
            return value(first) < value(second)
        }
    }
}
