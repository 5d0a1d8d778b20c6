import Linalg

extension Reference {
    /// Solves `A X = B` for a general square `A` by Gaussian elimination with
    /// partial pivoting, `PA = LU`:
    ///
    /// ```
    /// for each column k: swap in the row i ≥ k with the largest |aᵢₖ|,
    ///                    subtract (aᵢₖ / aₖₖ) · row k from every row i > k;
    /// then solve U X = P·B backwards.
    /// ```
    ///
    /// The same operations are applied to `B` as to `A` (an augmented system).
    ///
    /// - Throws: ``LinalgError/singular(index:)`` when the pivot of column k is
    ///   exactly zero, with the 1-based index `k + 1`, as LAPACK `dgesv` reports
    ///   the first `U[i, i] = 0`.
    /// - Precondition: `a` is square and `b.rows == a.rows`.
    /// - Complexity: 2n³/3 + 2n²m flops for m right-hand sides.
    public static func luSolve(_ a: Matrix, _ b: Matrix) throws(LinalgError) -> Matrix {
        precondition(a.isSquare && b.rows == a.rows, "luSolve: shapes do not fit")
        let n = a.rows, m = b.columns
        var u = a
        var x = b
        for k in 0..<n {
            // Partial pivoting: the largest magnitude on or below the diagonal.
            var pivot = k
            for i in (k + 1)..<max(n, k + 1) where abs(u[i, k]) > abs(u[pivot, k]) { pivot = i }
            guard u[pivot, k] != 0 else { throw .singular(index: k + 1) }
            if pivot != k {
                for j in 0..<n { (u[k, j], u[pivot, j]) = (u[pivot, j], u[k, j]) }
                for j in 0..<m { (x[k, j], x[pivot, j]) = (x[pivot, j], x[k, j]) }
            }
            for i in (k + 1)..<max(n, k + 1) {
                let factor = u[i, k] / u[k, k]
                u[i, k] = 0
                for j in (k + 1)..<max(n, k + 1) { u[i, j] -= factor * u[k, j] }
                for j in 0..<m { x[i, j] -= factor * x[k, j] }
            }
        }
        // Back substitution: xᵢ = (yᵢ − Σ_{j>i} uᵢⱼ xⱼ) / uᵢᵢ.
        for c in 0..<m {
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i, c]
                for j in (i + 1)..<max(n, i + 1) { s -= u[i, j] * x[j, c] }
                x[i, c] = s / u[i, i]
            }
        }
        return x
    }
}
