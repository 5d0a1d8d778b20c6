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
/// loading reaches 0 and pins it (measurements: Docs/decisions/projected-estimator.md).
/// No acceleration or Newton step sees
/// that end: the residual is the same at every point of the orbit. This walks
/// the orbit in one step:
///
/// ```
/// A = argmin_A ‖(F(x) − x)_Λ − ΛA‖,   Λ(s) = Λ exp(sA/‖A‖_F),
/// s* = the first s > 0 at which a positive loading of Λ(s) reaches 0
/// ```
///
/// and stops short where the push along `A` reverses on the way. ψ does not
/// change. Loadings at 0 that the rotation would turn negative are held at 0,
/// which leaves the orbit by that much (Σ moves by `O(s · |(ΛA)_tj|)` there); the
/// plain steps that check the answer see any such error.
enum RotationDrift {
    /// The share of `‖(F(x) − x)_Λ‖` (a ratio of norms, not of squared norms) the
    /// tangent rotation must explain for the residual to count as a drift along the orbit.
    static let rotationalShare = 0.9
    /// The largest number of map evaluations spent on locating where the push reverses.
    static let probes = 40

    /// Where the orbit was followed to.
    struct Outcome {
        /// The rotated point (ψ unchanged).
        var point: FactorParameters
        /// The rotation's size `s*/√2` in radians: the plane angle for k ≤ 3, and
        /// `(Σ θ_i²)^(1/2)` over the planes of `A`'s canonical form for k ≥ 4.
        var angle: Double
        /// The loading (index into `lambda`) the rotation brought to 0; `nil` when the
        /// push reversed before any loading did.
        var reachedZero: Int?
    }

    /// Follows the drift from `x`.
    ///
    /// - Parameters:
    ///   - x: A point near a crawling fixed point (after plain map steps).
    ///   - map: The projected EM map.
    ///   - evaluations: Incremented by every map evaluation, also when it returns `nil`.
    /// - Returns: The followed point, or `nil` when k < 2, the residual is not (mostly) a
    ///   rotation, or no positive loading reaches 0 within a half turn.
    /// - Throws: The map's errors.
    /// - Complexity: `O(pk² + d³)` per push (d = k(k − 1)/2), at most ``probes`` pushes;
    ///   `O(pk³)` for each of the ~570 probes of the orbit (no map evaluation).
    static func follow<Map: EMMap>(from x: FactorParameters, map: inout Map,
                                   evaluations: inout Int) throws(AnalysisError) -> Outcome? {
        let p = x.psi.count, k = p > 0 ? x.lambda.count / p : 0
        guard k >= 2 else { return nil }
        var spent = 0
        defer { evaluations += spent }
        func push(at y: FactorParameters) throws(AnalysisError) -> (rotation: [Double], share: Double)? {
            var fy = y
            _ = try map.evaluate(y, into: &fy)
            spent += 1
            let r = zip(fy.lambda, y.lambda).map { $0 - $1 }
            return tangentRotation(of: r, at: y.lambda, p: p, k: k)
        }
        guard let (a, share) = try push(at: x), share >= rotationalShare else { return nil }
        let generator = skew(a, k: k)
        let norm = (0..<(k * k)).reduce(0.0) { $0 + generator[$1 % k, $1 / k] * generator[$1 % k, $1 / k] }.squareRoot()
        guard norm > 0, norm.isFinite else { return nil }
        let unit = Matrix(rows: k, columns: k) { i, j in generator[i, j] / norm }
        guard let reach = firstZero(of: x.lambda, p: p, k: k, along: unit) else { return nil }
        // The push along the followed direction: the fitted rotation's component along it (a
        // rotated point's residual also holds the transverse transient of the clipping's new
        // pattern); a rotation that cannot be fitted counts as no push.
        func along(_ s: Double) throws(AnalysisError) -> Double {
            guard let (b, _) = try push(at: rotated(x, by: unit, s: s, p: p, k: k)) else { return 0 }
            return zip(a, b).reduce(0.0) { $0 + $1.0 * $1.1 }
        }
        // Where the push stops or reverses before the bound, the orbit's stationary point lies
        // before it: probed from near the start outwards (reach/64, …, reach/2, just short of
        // the bound), the first probe without a forward push bisected against the last with one.
        var s = reach, low = 0.0
        for fraction in [1.0 / 64, 1.0 / 16, 1.0 / 4, 1.0 / 2, 0.999] {
            let probe = fraction * reach
            if try along(probe) <= 0 {
                var high = probe
                while spent < probes, high - low > 1e-12 * reach {
                    let mid = 0.5 * (low + high)
                    if try along(mid) <= 0 { high = mid } else { low = mid }
                }
                s = 0.5 * (low + high)
                break
            }
            low = probe
        }
        var point = rotated(x, by: unit, s: s, p: p, k: k)
        let reachedZero = s == reach ? hittingIndex(x.lambda, p: p, k: k, along: unit, s: reach) : nil
        if let reachedZero { point.lambda[reachedZero] = 0 }
        return Outcome(point: point, angle: s / 2.0.squareRoot(), reachedZero: reachedZero)
    }

    /// The least-squares tangent rotation `ΛA` of a loading residual `r`.
    ///
    /// With `G = ΛᵀΛ` and `H = ΛᵀR` (R the residual as p × k), the normal equations over the
    /// generators `S_g = E_ab − E_ba` (a < b) are
    ///
    /// ```
    /// ⟨ΛS_g, ΛS_h⟩ = tr(S_gᵀ G S_h),   ⟨ΛS_g, r⟩ = H_ab − H_ba
    /// ```
    ///
    /// - Parameters:
    ///   - r: The residual, p × k column-major.
    ///   - lambda: The loadings Λ, p × k column-major.
    /// - Returns: The generator coefficients `a_ab` (in ``generatorPairs(_:)`` order) and the
    ///   share `‖ΛA‖ / ‖r‖` of the residual's norm they explain; `nil` when the normal
    ///   equations are singular (a column of Λ at 0).
    /// - Complexity: `O(pk² + d³)`, d = k(k − 1)/2; no BLAS call.
    static func tangentRotation(of r: [Double], at lambda: [Double], p: Int, k: Int) -> (rotation: [Double], share: Double)? {
        let pairs = generatorPairs(k)
        let d = pairs.count
        var g = [Double](repeating: 0, count: k * k), h = g
        for i in 0..<k {
            for j in 0..<k {
                var gij = 0.0, hij = 0.0
                for t in 0..<p {
                    gij += lambda[t + i * p] * lambda[t + j * p]
                    hij += lambda[t + i * p] * r[t + j * p]
                }
                g[i + j * k] = gij
                h[i + j * k] = hij
            }
        }
        func kronecker(_ x: Int, _ y: Int) -> Double { x == y ? 1 : 0 }
        let gram = Matrix(rows: d, columns: d) { u, v in
            let (a, b) = pairs[u], (c, e) = pairs[v]
            // (G S_h)(i, j) = G_ic [j = e] − G_ie [j = c]; tr(S_gᵀ G S_h) = (G S_h)(a, b) − (G S_h)(b, a).
            return (g[a + c * k] * kronecker(b, e) - g[a + e * k] * kronecker(b, c))
                - (g[b + c * k] * kronecker(a, e) - g[b + e * k] * kronecker(a, c))
        }
        let rhs = pairs.map { a, b in h[a + b * k] - h[b + a * k] }
        guard let coefficients = try? LU(gram).solve(rhs), coefficients.allSatisfy(\.isFinite) else { return nil }
        var explained = 0.0
        for u in 0..<d { for v in 0..<d { explained += coefficients[u] * gram[u, v] * coefficients[v] } }
        let total = r.reduce(0.0) { $0 + $1 * $1 }
        return (coefficients, total > 0 ? (Swift.max(explained, 0) / total).squareRoot() : 0)
    }

    /// The generator pairs (a, b), a < b, in the order of ``RotationCone``.
    static func generatorPairs(_ k: Int) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        for a in 0..<k { for b in (a + 1)..<k { pairs.append((a, b)) } }
        return pairs
    }

    /// `A = Σ a_ab (E_ab − E_ba)`: `Λ(E_ab − E_ba)` adds `λ_a` to column b and subtracts
    /// `λ_b` from column a, as ``RotationCone``'s rows.
    static func skew(_ a: [Double], k: Int) -> Matrix {
        var m = Matrix(rows: k, columns: k)
        for (g, (i, j)) in generatorPairs(k).enumerated() {
            m[i, j] += a[g]
            m[j, i] -= a[g]
        }
        return m
    }

    /// `exp(A)` by scaling and squaring a 14-term Taylor series (a skew `A` gives an
    /// orthogonal matrix to rounding); the identity for a non-finite `A`.
    ///
    /// - Complexity: `O(k³ (14 + log₂(k max|a_ij|)))`.
    static func exponential(_ a: Matrix) -> Matrix {
        let k = a.rows
        var norm = 0.0
        for j in 0..<k { for i in 0..<k { norm = Swift.max(norm, Swift.abs(a[i, j])) } }
        guard norm.isFinite else { return Matrix.identity(k) }
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
    ///
    /// - Complexity: `O(pk² + k³)`.
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

    /// The loadings counted as positive: above ``RotationCone/zeroTolerance`` times the largest.
    static func positiveLoadings(_ lambda: [Double]) -> [Int] {
        let threshold = RotationCone.zeroTolerance * (lambda.max() ?? 0)
        return lambda.indices.filter { lambda[$0] > threshold }
    }

    /// The first `s > 0` at which a positive loading (``positiveLoadings(_:)``) reaches 0
    /// along `Λ exp(sA)`, A of unit Frobenius norm: a grid of 512 steps over `s ≤ π√2` (a
    /// half turn in A's largest plane), then 60 bisections.
    ///
    /// - Returns: `s`, or `nil` when no positive loading reaches 0 on the grid.
    /// - Complexity: `O(572 (k³ + pk²))`.
    static func firstZero(of lambda: [Double], p: Int, k: Int, along unit: Matrix) -> Double? {
        let positive = positiveLoadings(lambda)
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
        let grid = 512, end = Double.pi * 2.0.squareRoot()
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

    /// The positive loading (``positiveLoadings(_:)``) that is smallest at `s`: the one
    /// that reached 0 there.
    static func hittingIndex(_ lambda: [Double], p: Int, k: Int, along unit: Matrix, s: Double) -> Int? {
        let r = exponential(Matrix(rows: k, columns: k) { i, j in s * unit[i, j] })
        func value(_ index: Int) -> Double {
            let t = index % p, j = index / p
            return (0..<k).reduce(0.0) { $0 + lambda[t + $1 * p] * r[$1, j] }
        }
        return positiveLoadings(lambda).min { value($0) < value($1) }
    }
}
