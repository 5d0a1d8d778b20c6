import Linalg

/// Whether non-negative loadings are pinned by their zeros, or can turn along
/// a rotation that keeps `Λ ≥ 0` — on which `Σ = ΛΛᵀ + Ψ`, and so the
/// likelihood, does not change (METHOD.md §6, "What is identified").
///
/// An infinitesimal rotation is `Λ(I + εA)` with `A` antisymmetric, spanned by
/// the `d = k(k − 1)/2` generators `E_ab − E_ba` (a < b) with coefficients
/// `a_ab`. A positive loading stays positive for small ε; a loading at 0 (set
/// Z) must not turn negative:
///
/// ```
/// (ΛA)_tj = Σ_i λ_ti A_ij ≥ 0  for (t, j) ∈ Z,   i.e.   M a ≥ 0,
/// M[(t, j), (a, b)] = λ_ta if j = b,  −λ_tb if j = a,  0 otherwise
/// ```
///
/// The loadings are **pinned** when this cone is `{0}`. By Stiemke's
/// alternative that holds iff `M` has full column rank (no rotation keeps every
/// zero at exactly 0) and some `y > 0` has `Mᵀy = 0` (the zeros' constraints
/// close the cone from every side). The second is decided by non-negative least
/// squares, `min_{u ≥ 0} ‖Mᵀ(1 + u)‖` (a `y > 0` can be scaled to `y ≥ 1`).
/// Otherwise the loadings are **weakly identified**, and ``freeRotations`` is
/// the dimension of the cone's span: `d − rank(M_I)`, with `I` the rows that are
/// zero on the whole cone (those in the support of some `y ≥ 0`, `Mᵀy = 0`).
///
/// It is a first-order test: a rotation that keeps a zero loading at exactly 0
/// to first order counts as free. Typical cases: no loading at 0 and k ≥ 2 →
/// weak with every `d` rotation free; k = 1 → pinned (`d = 0`); k = 2 with a task
/// loading only on factor 1 and another only on factor 2 → pinned.
struct RotationCone {
    /// A loading at most this times the largest loading counts as zero. The
    /// projected and nnls M-steps put loadings at exactly 0; an iterate within
    /// the stop tolerance (1e-7) of a fixed point has its zeros within ~1e-7;
    /// a loading of 1e-6 relative lets a rotation move Λ by no more than that.
    static let zeroTolerance = 1e-6
    /// `M` has full column rank when its smallest singular value is above this
    /// times its largest (eigenvalues of `MᵀM`: the square of it).
    static let rankTolerance = 1e-7
    /// `y > 0` with `Mᵀy = 0` exists when the least-squares residual `‖Mᵀy‖` is
    /// at most this times `Σ_i y_i ‖m_i‖` (the cancellation is exact up to rounding).
    static let feasibilityTolerance = 1e-9

    /// Above this many rotation generators (k ≥ 11) ``freeRotations`` of a weak
    /// case is the lower bound `max(1, d − rank M)` rather than the cone's span.
    static let exactSpanLimit = 45

    /// Rotation generators `d = k(k − 1)/2`.
    let generators: Int
    /// Loadings counted as zero.
    let zeros: Int
    /// Dimension of the span of the rotations that keep `Λ ≥ 0` (0: pinned); for
    /// k ≥ 11 a lower bound (``exactSpanLimit``).
    let freeRotations: Int

    var pinned: Bool { freeRotations == 0 }

    /// Tests the loadings `lambda` (p × k, column-major).
    ///
    /// - Complexity: O(m d) to build `M` (m zero loadings), O(m d²) for `MᵀM`,
    ///   and per NNLS O(m d) per iteration with at most d variables free; the
    ///   span count of a weak case solves up to m such problems.
    init(lambda: [Double], p: Int, k: Int) {
        let d = k * (k - 1) / 2
        generators = d
        let largest = lambda.max() ?? 0
        let threshold = Self.zeroTolerance * largest
        var rows: [[Double]] = []
        if d > 0 {
            var pairs: [(Int, Int)] = []
            for a in 0..<k { for b in (a + 1)..<k { pairs.append((a, b)) } }
            for j in 0..<k {
                for t in 0..<p where lambda[t + j * p] <= threshold {
                    var row = [Double](repeating: 0, count: d)
                    for (g, (a, b)) in pairs.enumerated() {
                        if j == b { row[g] = lambda[t + a * p] } else if j == a { row[g] = -lambda[t + b * p] }
                    }
                    rows.append(row)
                }
            }
        }
        zeros = d > 0 ? rows.count : lambda.filter { $0 <= threshold }.count
        guard d > 0 else { freeRotations = 0; return }
        guard !rows.isEmpty else { freeRotations = d; return }
        let rank = Self.rank(rows, d: d)
        if rank == d, Self.positiveCombination(rows, d: d, forcing: nil) != nil {
            freeRotations = 0
            return
        }
        // Many factors (d above ``exactSpanLimit``): the span count below solves
        // up to m NNLS problems of d variables (minutes at k = 43); report the
        // rotations that keep every zero at exactly 0 instead, `d − rank(M)`, a
        // lower bound of the span (at least 1: the cone is not {0}).
        if d > Self.exactSpanLimit {
            freeRotations = Swift.max(1, d - rank)
            return
        }
        // Weak: the rows that vanish on the whole cone (implicit equalities).
        var implicit = [Bool](repeating: false, count: rows.count)
        var decided = implicit
        for i in rows.indices where !decided[i] {
            decided[i] = true
            if let y = Self.positiveCombination(rows, d: d, forcing: i) {
                for (j, value) in y.enumerated() where value > 0 { implicit[j] = true; decided[j] = true }
            }
        }
        let equalities = rows.indices.filter { implicit[$0] }.map { rows[$0] }
        freeRotations = d - Self.rank(equalities, d: d)
    }

    /// Rank of the m × d matrix with the given rows, from the eigenvalues of `MᵀM`.
    static func rank(_ rows: [[Double]], d: Int) -> Int {
        guard !rows.isEmpty else { return 0 }
        var gram = Matrix(rows: d, columns: d)
        for row in rows { for a in 0..<d where row[a] != 0 { for b in 0..<d { gram[a, b] += row[a] * row[b] } } }
        guard let values = try? SymmetricEigen.values(of: gram) else { return 0 }
        let top = values.max() ?? 0
        guard top > 0 else { return 0 }
        return values.filter { $0 > rankTolerance * rankTolerance * top }.count
    }

    /// A `y ≥ 0` with `Mᵀy = 0` and `y ≥ 1` on every row (`forcing == nil`) or
    /// on row `forcing` alone, or `nil` when there is none.
    ///
    /// Lawson–Hanson on `min_{u ≥ 0} ‖E u − g‖₂` with `E = M_Fᵀ`-columns (d × m)
    /// and `g = −Σ_{forced} m_i`; at most d columns are passive at a time.
    static func positiveCombination(_ rows: [[Double]], d: Int, forcing: Int?) -> [Double]? {
        let m = rows.count
        var g = [Double](repeating: 0, count: d)
        for i in 0..<m where forcing == nil || forcing == i { for a in 0..<d { g[a] -= rows[i][a] } }
        var u = [Double](repeating: 0, count: m)
        var passive = [Bool](repeating: false, count: m)
        var excluded = passive
        func residual() -> [Double] {
            var r = g
            for i in 0..<m where u[i] != 0 { for a in 0..<d { r[a] -= rows[i][a] * u[i] } }
            return r
        }
        let scale = rows.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Swift.abs($1) } }
        let tolerance = 1e-14 * Swift.max(scale, 1e-300)
        var outer = 0
        while outer < 3 * m + 10 {
            outer += 1
            let r = residual()
            var best = -1, bestValue = tolerance * (1 + r.reduce(0.0) { $0 + Swift.abs($1) })
            for i in 0..<m where !passive[i] && !excluded[i] {
                var w = 0.0
                for a in 0..<d { w += rows[i][a] * r[a] }
                if w > bestValue { bestValue = w; best = i }
            }
            if best < 0 { break }
            passive[best] = true
            var inner = 0
            while inner < 3 * m + 10 {
                inner += 1
                let indices = (0..<m).filter { passive[$0] }
                guard let s = solvePassive(rows, indices: indices, d: d, g: g) else {
                    passive[best] = false; excluded[best] = true; break
                }
                if s.allSatisfy({ $0 > 0 }) {
                    for (n, i) in indices.enumerated() { u[i] = s[n] }
                    break
                }
                var alpha = 1.0
                for (n, i) in indices.enumerated() where s[n] <= 0 {
                    let denominator = u[i] - s[n]
                    if denominator > 0 { alpha = Swift.min(alpha, u[i] / denominator) }
                }
                for (n, i) in indices.enumerated() { u[i] += alpha * (s[n] - u[i]) }
                for i in indices where u[i] <= 1e-300 { passive[i] = false; u[i] = 0 }
            }
        }
        var y = u
        for i in 0..<m where forcing == nil || forcing == i { y[i] += 1 }
        var combined = [Double](repeating: 0, count: d)
        var magnitude = 0.0
        for i in 0..<m where y[i] != 0 {
            var norm = 0.0
            for a in 0..<d { combined[a] += y[i] * rows[i][a]; norm += rows[i][a] * rows[i][a] }
            magnitude += y[i] * norm.squareRoot()
        }
        let left = combined.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        return left <= feasibilityTolerance * magnitude ? y : nil
    }

    /// Least squares on the passive columns, `min ‖E_P s − g‖` by the normal
    /// equations (`|P| ≤ d` small), or `nil` when they are singular.
    private static func solvePassive(_ rows: [[Double]], indices: [Int], d: Int, g: [Double]) -> [Double]? {
        let count = indices.count
        var a = [Double](repeating: 0, count: count * count), rhs = [Double](repeating: 0, count: count)
        for (x, i) in indices.enumerated() {
            for a2 in 0..<d { rhs[x] += rows[i][a2] * g[a2] }
            for (y, j) in indices.enumerated() where y <= x {
                var s = 0.0
                for a2 in 0..<d { s += rows[i][a2] * rows[j][a2] }
                a[x + y * count] = s; a[y + x * count] = s
            }
        }
        do throws(LinalgError) { try InPlaceCholesky.factor(&a, order: count) } catch { return nil }
        InPlaceCholesky.solve(factor: a, order: count, &rhs)
        return rhs.allSatisfy(\.isFinite) ? rhs : nil
    }
}
