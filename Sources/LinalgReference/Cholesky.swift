import Linalg

extension Reference {
    /// The Cholesky factor `L` of a symmetric positive-definite matrix,
    /// `A = L·Lᵀ`, column by column (Cholesky–Crout):
    ///
    /// ```
    /// lⱼⱼ = √(aⱼⱼ − Σ_{k<j} lⱼₖ²)
    /// lᵢⱼ = (aᵢⱼ − Σ_{k<j} lᵢₖ lⱼₖ) / lⱼⱼ     for i > j
    /// ```
    ///
    /// Only the lower triangle of `a` is read, as LAPACK `dpotrf` with `uplo = L`.
    ///
    /// Mathematical properties: `L` is lower triangular with a positive
    /// diagonal; the radicand at step j is the ratio of the leading minors of
    /// order j + 1 and j, so it is positive for every j exactly when `A` is
    /// positive definite.
    ///
    /// - Returns: `L`, with a zero strict upper triangle.
    /// - Throws: ``LinalgError/notPositiveDefinite(minor:)`` with the 1-based
    ///   order of the first leading minor that is not positive (as LAPACK's `info`).
    /// - Precondition: `a` is square.
    /// - Complexity: n³/3 flops.
    public static func cholesky(_ a: Matrix) throws(LinalgError) -> Matrix {
        precondition(a.isSquare, "cholesky: the matrix must be square")
        let n = a.rows
        var l = Matrix(rows: n, columns: n)
        for j in 0..<n {
            var d = a[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            guard d > 0 else { throw .notPositiveDefinite(minor: j + 1) }
            let ljj = d.squareRoot()
            l[j, j] = ljj
            for i in (j + 1)..<max(n, j + 1) {
                var s = a[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                l[i, j] = s / ljj
            }
        }
        return l
    }

    /// Solves `A X = B` for a symmetric positive-definite `A` by
    /// ``cholesky(_:)`` and two triangular solves:
    ///
    /// ```
    /// L Y = B   (forward substitution),   Lᵀ X = Y   (back substitution)
    /// ```
    ///
    /// - Throws: as ``cholesky(_:)``.
    /// - Precondition: `a` is square and `b.rows == a.rows`.
    /// - Complexity: n³/3 + 2n²m flops for m right-hand sides.
    public static func choleskySolve(_ a: Matrix, _ b: Matrix) throws(LinalgError) -> Matrix {
        let l = try cholesky(a)
        return choleskySolve(factor: l, b)
    }

    /// Solves `L Lᵀ X = B` given the lower-triangular Cholesky factor `L`.
    ///
    /// - Precondition: `l` is square and `b.rows == l.rows`.
    /// - Complexity: 2n²m flops for m right-hand sides.
    public static func choleskySolve(factor l: Matrix, _ b: Matrix) -> Matrix {
        precondition(l.isSquare && b.rows == l.rows, "choleskySolve: shapes do not fit")
        let n = l.rows
        var x = b
        for c in 0..<b.columns {
            // Forward: yᵢ = (bᵢ − Σ_{k<i} lᵢₖ yₖ) / lᵢᵢ.
            for i in 0..<n {
                var s = x[i, c]
                for k in 0..<i { s -= l[i, k] * x[k, c] }
                x[i, c] = s / l[i, i]
            }
            // Backward: xᵢ = (yᵢ − Σ_{k>i} lₖᵢ xₖ) / lᵢᵢ.
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i, c]
                for k in (i + 1)..<max(n, i + 1) { s -= l[k, i] * x[k, c] }
                x[i, c] = s / l[i, i]
            }
        }
        return x
    }
}
