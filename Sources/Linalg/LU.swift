import Foundation

/// The LU factorization with partial pivoting `P A = L U` of a general square matrix.
///
/// Computed by LAPACK `dgetrf`: `L` is unit lower triangular, `U` upper
/// triangular, `P` the row permutation chosen column by column (the largest
/// magnitude on or below the diagonal becomes the pivot). Factor once, then
/// ``solve(_:)-(Matrix)``, ``inverse()`` and the determinant reuse it.
///
/// Mathematical properties: `det A = det P · Π uᵢᵢ` with `det P = ±1` (the
/// parity of the row interchanges), so
///
/// ```
/// log |det A| = Σᵢ log |uᵢᵢ|,   sign det A = (−1)^#interchanges · Πᵢ sign uᵢᵢ
/// ```
///
/// With partial pivoting every `|lᵢⱼ| ≤ 1`; the backward error of a solve is
/// small unless the growth factor `max |uᵢⱼ| / max |aᵢⱼ|` is large (rare in practice).
///
/// ```swift
/// let lu = try LU(a)
/// let x = try lu.solve(b)                                  // A⁻¹ b
/// let (logAbs, sign) = (lu.logAbsDeterminant, lu.determinantSign)
/// ```
public struct LU: Sendable, Equatable {
    /// `L` and `U` packed as dgetrf leaves them: `U` on and above the
    /// diagonal, the multipliers of `L` below it (its unit diagonal is not stored).
    public let factors: Matrix
    /// LAPACK's 1-based `ipiv`: row `i` was interchanged with row `ipiv[i]`.
    let ipiv: [Int32]

    /// Factors the square matrix `a` (dgetrf).
    ///
    /// - Throws: ``LinalgError/singular(index:)`` when `U[i, i]` is exactly zero
    ///   (the first such 1-based `i`, as LAPACK's `info`), so that no solve or
    ///   inverse can follow; ``LinalgError/shapeMismatch(operation:expected:actual:)``
    ///   for a non-square matrix.
    /// - Complexity: 2n³/3 flops.
    public init(_ a: Matrix) throws(LinalgError) {
        let n = try requireSquare(a, "LU")
        var lu = a
        var ipiv = [Int32](repeating: 0, count: n)
        if n > 0 {
            let info = lu.withUnsafeMutableStorage { pa in
                ipiv.withUnsafeMutableBufferPointer { LAPACK.getrf(m: n, n: n, a: pa, lda: n, ipiv: $0.baseAddress!) }
            }
            if info > 0 { throw .singular(index: info) }
        }
        factors = lu
        self.ipiv = ipiv
    }

    /// The order n of the factored matrix.
    public var order: Int { factors.rows }

    /// The row interchanges, 0-based: at step `i`, row `i` was swapped with row
    /// `pivots[i]` (`≥ i`; equal when no swap was needed).
    public var pivots: [Int] { ipiv.map { Int($0) - 1 } }

    /// The unit lower-triangular factor `L` (n × n).
    public var lower: Matrix {
        let n = order
        return Matrix(rows: n, columns: n) { i, j in i == j ? 1 : (i > j ? factors.elements[i + j * n] : 0) }
    }

    /// The upper-triangular factor `U` (n × n).
    public var upper: Matrix {
        let n = order
        return Matrix(rows: n, columns: n) { i, j in i <= j ? factors.elements[i + j * n] : 0 }
    }

    /// `log |det A| = Σᵢ log |uᵢᵢ|`, without forming the determinant (no
    /// overflow or underflow); 0 for a 0 × 0 matrix.
    public var logAbsDeterminant: Double {
        let n = order
        var s = 0.0
        for i in 0..<n { s += Foundation.log(Swift.abs(factors.elements[i + i * n])) }
        return s
    }

    /// The sign of `det A`, `+1` or `−1`: the parity of the row interchanges
    /// times the signs of `U`'s diagonal. `det A = sign · exp(logAbsDeterminant)`.
    public var determinantSign: Double {
        let n = order
        var negative = false
        for i in 0..<n {
            if Int(ipiv[i]) != i + 1 { negative.toggle() }
            if factors.elements[i + i * n] < 0 { negative.toggle() }
        }
        return negative ? -1 : 1
    }

    /// Solves `A X = B` (dgetrs).
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when `b.rows != n`.
    /// - Complexity: 2n²m flops for m right-hand sides.
    public func solve(_ b: Matrix) throws(LinalgError) -> Matrix {
        let n = order
        guard b.rows == n else {
            throw .shapeMismatch(operation: "solve (right-hand side)", expected: Shape(rows: n, columns: b.columns),
                                 actual: b.shape)
        }
        var x = b
        if n == 0 || b.columns == 0 { return x }
        let nrhs = b.columns
        let info = factors.elements.withUnsafeBufferPointer { pa in
            ipiv.withUnsafeBufferPointer { pp in
                x.withUnsafeMutableStorage {
                    LAPACK.getrs(.none, n: n, nrhs: nrhs, a: pa.baseAddress!, lda: n, ipiv: pp.baseAddress!, b: $0, ldb: n)
                }
            }
        }
        // dgetrs reports only illegal arguments (checked), never a data error.
        assert(info == 0)
        return x
    }

    /// Solves `A x = b` for one right-hand side (dgetrs).
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when `b.count != n`.
    public func solve(_ b: [Double]) throws(LinalgError) -> [Double] {
        try solve(Matrix(rows: b.count, columns: 1, columnMajor: b)).elements
    }

    /// `A⁻¹` from the factors (dgetri, which inverts `U` and then solves
    /// `A⁻¹ L = U⁻¹` for `A⁻¹`).
    ///
    /// Prefer ``solve(_:)-(Matrix)`` when the inverse is only multiplied by something.
    /// - Complexity: 4n³/3 flops.
    public func inverse() -> Matrix {
        let n = order
        var inv = factors
        if n == 0 { return inv }
        let lwork = LAPACK.getriWorkspace(n: n)
        var work = [Double](repeating: 0, count: lwork)
        let info = inv.withUnsafeMutableStorage { pa in
            ipiv.withUnsafeBufferPointer { pp in
                work.withUnsafeMutableBufferPointer {
                    LAPACK.getri(n: n, a: pa, lda: n, ipiv: pp.baseAddress!, work: $0.baseAddress!, lwork: lwork)
                }
            }
        }
        // dgetri fails only for a zero diagonal of U, which `init` has already rejected.
        assert(info == 0)
        return inv
    }
}
