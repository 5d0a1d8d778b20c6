import Foundation
import Linalg

/// Kaiser's varimax rotation with row normalization, as R's `stats::varimax`
/// (`normalize = TRUE`, `eps = 1e-5`).
///
/// With `x` the loadings whose rows are scaled to unit length, iterate
///
/// ```
/// Z = x T,   B = xᵀ (Z∘Z∘Z − Z diag(1ᵀ(Z∘Z))/p),   T = U Vᵀ  (B = U D Vᵀ)
/// ```
///
/// until `Σ D` grows by less than a factor `1 + eps`; the result is `Λ T`.
/// `U Vᵀ` is the orthogonal polar factor of B, computed from the symmetric
/// eigendecomposition of the k × k matrix `BᵀB` (``polarFactor(_:)``; T stays
/// orthogonal when B is rank-deficient).
public enum Varimax {
    /// The rotated loadings and the rotation `T` (k × k, orthogonal) with `rotated = loadings · T`.
    ///
    /// - Throws: `LinalgError` from the eigendecomposition (only for non-finite loadings).
    /// - Complexity: O(p k² + k³) per iteration, at most 1000 iterations.
    public static func rotate(_ loadings: Matrix, eps: Double = 1e-5) throws(LinalgError) -> (rotated: Matrix, rotation: Matrix) {
        let p = loadings.rows, k = loadings.columns
        guard k >= 2, p >= 1 else { return (loadings, Matrix.identity(k)) }
        let scale = (0..<p).map { i in Swift.max((0..<k).reduce(0.0) { $0 + loadings[i, $1] * loadings[i, $1] }.squareRoot(), 1e-300) }
        let x = Matrix(rows: p, columns: k) { i, j in loadings[i, j] / scale[i] }
        var t = Matrix.identity(k)
        var d = 0.0
        for _ in 0..<1000 {
            let z = try x.multiplied(by: t)
            var columnSquares = [Double](repeating: 0, count: k)
            for j in 0..<k { for i in 0..<p { columnSquares[j] += z[i, j] * z[i, j] } }
            let w = Matrix(rows: p, columns: k) { i, j in
                z[i, j] * z[i, j] * z[i, j] - z[i, j] * columnSquares[j] / Double(p)
            }
            let b = try x.multiplied(by: w, transposingSelf: .transpose)
            let (polar, singularSum) = try polarFactor(b)
            t = polar
            let previous = d
            d = singularSum
            if d < previous * (1 + eps) { break }
        }
        var rotated = try loadings.multiplied(by: t)
        // Sign convention: each factor's loadings sum to a non-negative number.
        for j in 0..<k where (0..<p).reduce(0.0, { $0 + rotated[$1, j] }) < 0 {
            for i in 0..<p { rotated[i, j] = -rotated[i, j] }
            for i in 0..<k { t[i, j] = -t[i, j] }
        }
        return (rotated, t)
    }

    /// The orthogonal polar factor `T = U Vᵀ` of `B = U D Vᵀ` (k × k) and the
    /// sum of B's singular values, `tr(TᵀB)`.
    ///
    /// From the symmetric eigendecomposition `BᵀB = V D² Vᵀ`: `u_m = B v_m / d_m`
    /// for each singular value above `10⁻⁷ d_max`, taken in decreasing order and
    /// orthonormalised (modified Gram–Schmidt, twice), and for the others —
    /// a rank-deficient B, as when a factor has no loadings or k > p — the unit
    /// vectors `e_i` that leave the largest residual, orthonormalised likewise.
    /// Any such completion maximises `tr(TᵀB)`, and T stays orthogonal:
    /// dropping those values instead would leave a partial isometry, and
    /// `Λ T` would no longer be a rotation of Λ (nor have its likelihood).
    ///
    /// - Complexity: O(k³), and O(k⁴) at worst with many near-zero singular
    ///   values (each completion tries k unit vectors against k columns).
    static func polarFactor(_ b: Matrix) throws(LinalgError) -> (Matrix, Double) {
        let k = b.columns
        let btb = try b.multiplied(by: b, transposingSelf: .transpose)
        let eigen = try SymmetricEigen(btb)
        let largest = Swift.max(eigen.values.last ?? 0, 0)
        // U's columns, in the order of V's (eigenvalues ascending); filled from the largest down.
        var u = [Double](repeating: 0, count: k * k)
        var filled: [Int] = []
        func orthonormalise(_ column: inout [Double]) -> Double {
            for _ in 0..<2 {
                for m in filled {
                    var dot = 0.0
                    for i in 0..<k { dot += u[i + m * k] * column[i] }
                    for i in 0..<k { column[i] -= dot * u[i + m * k] }
                }
            }
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { for i in 0..<k { column[i] /= norm } }
            return norm
        }
        var deficient: [Int] = []
        for m in (0..<k).reversed() {
            let sigma = Swift.max(eigen.values[m], 0).squareRoot()
            guard largest > 0, sigma > 1e-7 * largest.squareRoot() else { deficient.append(m); continue }
            var column = (0..<k).map { i in (0..<k).reduce(0.0) { $0 + b[i, $1] * eigen.vectors[$1, m] } / sigma }
            // A column B v/d that has lost its length to rounding is completed instead.
            guard orthonormalise(&column) > 0.5 else { deficient.append(m); continue }
            for i in 0..<k { u[i + m * k] = column[i] }
            filled.append(m)
        }
        for m in deficient {
            var best: [Double] = [], bestNorm = -1.0
            for e in 0..<k {
                var column = [Double](repeating: 0, count: k)
                column[e] = 1
                let norm = orthonormalise(&column)
                if norm > bestNorm + 1e-12 { best = column; bestNorm = norm }
            }
            for i in 0..<k { u[i + m * k] = best[i] }
            filled.append(m)
        }
        let t = Matrix(rows: k, columns: k) { i, j in
            (0..<k).reduce(0.0) { $0 + u[i + $1 * k] * eigen.vectors[j, $1] }
        }
        // Σ d_m = tr(TᵀB): exact where √ of BᵀB's rounding-sized eigenvalues is not (√ε d_max).
        var sum = 0.0
        for j in 0..<k { for i in 0..<k { sum += t[i, j] * b[i, j] } }
        return (t, sum)
    }
}
