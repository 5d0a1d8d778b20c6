/// General (non-symmetric) linear systems, through ``LU``.
extension Matrix {
    /// Solves `A X = B` for a general square `A` by LU with partial pivoting
    /// (LAPACK dgetrf + dgetrs, which is what dgesv does).
    ///
    /// Factor with ``LU`` yourself to solve again with the same `A`.
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
        return try LU(a).solve(b)
    }

    /// Solves `A x = b` for one right-hand side.
    ///
    /// - Throws: as ``solve(_:_:)-(Matrix,Matrix)``.
    public static func solve(_ a: Matrix, _ b: [Double]) throws(LinalgError) -> [Double] {
        try solve(a, Matrix(rows: b.count, columns: 1, columnMajor: b)).elements
    }

    /// The inverse `A⁻¹` of a general square matrix, from its ``LU`` factors (dgetri).
    ///
    /// - Throws: ``LinalgError/singular(index:)``; ``LinalgError/shapeMismatch(operation:expected:actual:)``
    ///   for a non-square matrix.
    /// - Complexity: 2n³ flops (2n³/3 to factor, 4n³/3 to invert).
    public func inverse() throws(LinalgError) -> Matrix {
        _ = try requireSquare(self, "inverse")
        return try LU(self).inverse()
    }
}
