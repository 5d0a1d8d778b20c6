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
/// `U Vᵀ` is the orthogonal polar factor `B (BᵀB)^{-1/2}`, computed from the
/// symmetric eigendecomposition of the k × k matrix `BᵀB`.
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

    /// `B (BᵀB)^{-1/2}` and the sum of B's singular values.
    static func polarFactor(_ b: Matrix) throws(LinalgError) -> (Matrix, Double) {
        let k = b.columns
        let btb = try b.multiplied(by: b, transposingSelf: .transpose)
        let eigen = try SymmetricEigen(btb)
        let largest = eigen.values.last ?? 0
        var inverseRoot = Matrix(rows: k, columns: k)
        var sum = 0.0
        for (m, value) in eigen.values.enumerated() {
            let sigma = Swift.max(value, 0).squareRoot()
            sum += sigma
            // A (numerically) zero singular value contributes nothing.
            guard value > 1e-14 * Swift.max(largest, .leastNormalMagnitude) else { continue }
            for i in 0..<k { for j in 0..<k { inverseRoot[i, j] += eigen.vectors[i, m] * eigen.vectors[j, m] / sigma } }
        }
        return (try b.multiplied(by: inverseRoot), sum)
    }
}
