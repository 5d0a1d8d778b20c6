import Foundation

/// The Cholesky factorization `A = L·Lᵀ` of a symmetric positive-definite matrix.
///
/// Computed by LAPACK `dpotrf` from the **lower** triangle of `A` (the upper
/// one is not read). Factor once, then ``solve(_:)-(Matrix)``, ``inverse()``
/// and ``logDeterminant`` reuse it.
///
/// Mathematical properties: `L` is lower triangular with a positive diagonal;
/// `log|A| = 2 Σᵢ log Lᵢᵢ`.
///
/// ```swift
/// let chol = try Cholesky(covariance)
/// let x = try chol.solve(b)          // A⁻¹ b
/// let logDet = chol.logDeterminant   // log |A|
/// ```
public struct Cholesky: Sendable, Equatable {
    /// The lower-triangular factor `L`; its strict upper triangle is zero.
    public let factor: Matrix

    /// Factors the symmetric positive-definite matrix `a`, reading its lower triangle.
    ///
    /// - Throws: ``LinalgError/notPositiveDefinite(minor:)`` with the order of the
    ///   first leading minor that is not positive (1-based), and
    ///   ``LinalgError/shapeMismatch(operation:expected:actual:)`` for a non-square matrix.
    /// - Complexity: n³/3 flops.
    public init(_ a: Matrix) throws(LinalgError) {
        let n = try requireSquare(a, "Cholesky")
        var l = a
        if n > 0 {
            let info = l.withUnsafeMutableStorage { LAPACK.potrf(.lower, n: n, a: $0, lda: n) }
            if info > 0 { throw .notPositiveDefinite(minor: info) }
            for j in 1..<Swift.max(n, 1) {
                for i in 0..<j { l.storage[i + j * n] = 0 }
            }
        }
        factor = l
    }

    /// The order n of the factored matrix.
    public var order: Int { factor.rows }

    /// `log |A| = 2 Σᵢ log Lᵢᵢ`, without forming the determinant (no overflow).
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<order { s += log(factor.elements[i + i * order]) }
        return 2 * s
    }

    /// Solves `A X = B` (dpotrs).
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when `b.rows != n`.
    /// - Complexity: 2n²m flops for m right-hand sides.
    public func solve(_ b: Matrix) throws(LinalgError) -> Matrix {
        let n = order
        guard b.rows == n else {
            throw .shapeMismatch(operation: "Cholesky.solve", expected: Shape(rows: n, columns: b.columns), actual: b.shape)
        }
        var x = b
        if n == 0 || b.columns == 0 { return x }
        let nrhs = b.columns
        let info = factor.elements.withUnsafeBufferPointer { pl in
            x.withUnsafeMutableStorage { LAPACK.potrs(.lower, n: n, nrhs: nrhs, a: pl.baseAddress!, lda: n, b: $0, ldb: n) }
        }
        assert(info == 0)
        return x
    }

    /// Solves `A x = b` for one right-hand side.
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when `b.count != n`.
    public func solve(_ b: [Double]) throws(LinalgError) -> [Double] {
        try solve(Matrix(rows: b.count, columns: 1, columnMajor: b)).elements
    }

    /// `A⁻¹`, symmetric, both triangles filled (dpotri).
    ///
    /// Prefer ``solve(_:)-(Matrix)`` when the inverse is only multiplied by something.
    /// - Complexity: 2n³/3 flops.
    public func inverse() -> Matrix {
        let n = order
        var inv = factor
        if n == 0 { return inv }
        let info = inv.withUnsafeMutableStorage { LAPACK.potri(.lower, n: n, a: $0, lda: n) }
        // dpotri fails only for a zero diagonal of L, which potrf never leaves.
        assert(info == 0)
        for j in 0..<n {
            for i in (j + 1)..<Swift.max(n, j + 1) { inv.storage[j + i * n] = inv.storage[i + j * n] }
        }
        return inv
    }
}
