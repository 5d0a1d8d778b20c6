/// General (non-symmetric) linear systems through LU with partial pivoting.
extension Matrix {
    /// Solves `A X = B` for a general square `A` (LAPACK dgesv).
    ///
    /// - Parameters:
    ///   - a: n × n coefficient matrix.
    ///   - b: n × m right-hand sides.
    /// - Returns: `X`, n × m.
    /// - Throws: ``LinalgError/singular(index:)`` when `U[i, i]` of `PA = LU` is
    ///   exactly zero (1-based `i`); ``LinalgError/shapeMismatch(operation:expected:actual:)``
    ///   when `a` is not square or `b.rows != n`.
    /// - Complexity: 2n³/3 + 2n²m flops.
    public static func solve(_ a: Matrix, _ b: Matrix) throws(LinalgError) -> Matrix {
        let n = try requireSquare(a, "solve")
        guard b.rows == n else {
            throw .shapeMismatch(operation: "solve (right-hand side)", expected: Shape(rows: n, columns: b.columns),
                                 actual: b.shape)
        }
        var lu = a
        var x = b
        if n == 0 || b.columns == 0 { return x }
        var ipiv = [Int32](repeating: 0, count: n)
        let nrhs = b.columns
        let info = lu.withUnsafeMutableStorage { pa in
            x.withUnsafeMutableStorage { pb in LAPACK.gesv(n: n, nrhs: nrhs, a: pa, lda: n, ipiv: &ipiv, b: pb, ldb: n) }
        }
        if info > 0 { throw .singular(index: info) }
        return x
    }

    /// Solves `A x = b` for one right-hand side (dgesv).
    ///
    /// - Throws: as ``solve(_:_:)-(Matrix,Matrix)``.
    public static func solve(_ a: Matrix, _ b: [Double]) throws(LinalgError) -> [Double] {
        try solve(a, Matrix(rows: b.count, columns: 1, columnMajor: b)).elements
    }

    /// The inverse `A⁻¹` of a general square matrix, as the solution of `A X = I` (dgesv).
    ///
    /// - Throws: ``LinalgError/singular(index:)``; ``LinalgError/shapeMismatch(operation:expected:actual:)``
    ///   for a non-square matrix.
    /// - Complexity: 8n³/3 flops.
    public func inverse() throws(LinalgError) -> Matrix {
        let n = try requireSquare(self, "inverse")
        return try Matrix.solve(self, .identity(n))
    }
}
