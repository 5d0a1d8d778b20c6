/// Matrix products through BLAS: gemm, gemv, syrk.
extension Matrix {
    /// General product into an existing output (BLAS dgemm):
    ///
    /// ```
    /// C ← α · op(A) · op(B) + β · C
    /// ```
    ///
    /// Writing into `c` lets a hot loop reuse one buffer; nothing is allocated
    /// when `c` is uniquely referenced.
    ///
    /// - Parameters:
    ///   - a: `A`; `op(A)` is m × k.
    ///   - transA: whether `op(A) = Aᵀ`.
    ///   - b: `B`; `op(B)` is k × n.
    ///   - transB: whether `op(B) = Bᵀ`.
    ///   - alpha: α.
    ///   - beta: β; with β = 0, `c` is not read (NaNs in it do not propagate).
    ///   - c: m × n output.
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when the
    ///   inner dimensions differ or `c` is not m × n.
    /// - Complexity: 2mnk flops.
    public static func multiply(
        _ a: Matrix, _ transA: Transpose = .none, _ b: Matrix, _ transB: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) throws(LinalgError) {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard k == kb else {
            throw .shapeMismatch(operation: "multiply (inner dimension)", expected: Shape(rows: k, columns: n),
                                 actual: Shape(rows: kb, columns: n))
        }
        guard c.rows == m, c.columns == n else {
            throw .shapeMismatch(operation: "multiply (output)", expected: Shape(rows: m, columns: n), actual: c.shape)
        }
        if m == 0 || n == 0 { return }
        if k == 0 {
            // C ← β C; with β = 0, C is not read (dscal by 0 may propagate NaN
            // in some BLAS builds, so write the zeros directly).
            if beta == 0 { c.storage = [Double](repeating: 0, count: m * n) } else { c.scale(by: beta) }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: a.rows,
                              b: pb.baseAddress!, ldb: b.rows, beta: beta, c: pc.baseAddress!, ldc: m)
                }
            }
        }
    }

    /// `C ← α · A · B + β · C` (BLAS dgemm), the no-transpose form of
    /// ``multiply(_:_:_:_:alpha:beta:into:)``.
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)``.
    /// - Complexity: 2mnk flops.
    public static func multiply(
        _ a: Matrix, _ b: Matrix, alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) throws(LinalgError) {
        try multiply(a, .none, b, .none, alpha: alpha, beta: beta, into: &c)
    }

    /// The product `op(A) · op(B)` as a new matrix (BLAS dgemm).
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when the
    ///   inner dimensions differ.
    /// - Complexity: 2mnk flops.
    public func multiplied(
        by b: Matrix, transposingSelf transA: Transpose = .none, transposingOther transB: Transpose = .none
    ) throws(LinalgError) -> Matrix {
        let m = transA == .none ? rows : columns
        let n = transB == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n)
        try Matrix.multiply(self, transA, b, transB, into: &c)
        return c
    }

    /// Matrix–vector product `op(A) · x` (BLAS dgemv).
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` when
    ///   `x.count` differs from the columns of `op(A)`.
    /// - Complexity: 2mn flops.
    public func multiplied(by x: [Double], transposingSelf trans: Transpose = .none) throws(LinalgError) -> [Double] {
        let (m, n) = trans == .none ? (rows, columns) : (columns, rows)
        guard x.count == n else {
            throw .shapeMismatch(operation: "matrix-vector product", expected: Shape(rows: n, columns: 1),
                                 actual: Shape(rows: x.count, columns: 1))
        }
        var y = [Double](repeating: 0, count: m)
        if m == 0 || n == 0 { return y }
        elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    BLAS.gemv(trans, m: rows, n: columns, alpha: 1, a: pa.baseAddress!, lda: rows,
                              x: px.baseAddress!, beta: 0, y: py.baseAddress!)
                }
            }
        }
        return y
    }

    /// The Gram matrix `α · AᵀA` (n × n), through BLAS dsyrk, both triangles filled.
    ///
    /// For a z-scored data matrix `Z` (n rows), `Z.gram(alpha: 1 / n)` is the
    /// correlation matrix. syrk computes one triangle (half the flops of a
    /// general product); the other is mirrored.
    ///
    /// - Complexity: mn² flops for an m × n matrix.
    public func gram(alpha: Double = 1) -> Matrix {
        var c = Matrix(rows: columns, columns: columns)
        gram(alpha: alpha, into: &c)
        return c
    }

    /// Writes `α · AᵀA` into `c` (n × n, both triangles), reusing its storage.
    ///
    /// - Precondition: `c` is `columns × columns` (a caller's buffer, not user data).
    public func gram(alpha: Double = 1, into c: inout Matrix) {
        precondition(c.rows == columns && c.columns == columns, "gram(into:) needs a \(columns)×\(columns) output")
        syrkGram(.transpose, alpha: alpha, into: &c)
    }

    /// Writes the row Gram matrix `α · AAᵀ` (m × m for an m × n matrix) into
    /// `c`, both triangles, through BLAS dsyrk.
    ///
    /// ```
    /// c_ij = α Σ_l a_il a_jl
    /// ```
    ///
    /// The non-zero eigenvalues of `AAᵀ` are those of ``gram(alpha:)``'s `AᵀA`
    /// (both are `σ²` of A's singular values), so with fewer rows than columns
    /// this is the smaller matrix to decompose.
    ///
    /// - Parameters:
    ///   - alpha: α.
    ///   - c: an m × m output, reused (nothing is allocated when uniquely referenced).
    /// - Precondition: `c` is `rows × rows` (a caller's buffer, not user data).
    /// - Complexity: m²n flops (one syrk).
    public func rowGram(alpha: Double = 1, into c: inout Matrix) {
        precondition(c.rows == rows && c.columns == rows, "rowGram(into:) needs a \(rows)×\(rows) output")
        syrkGram(.none, alpha: alpha, into: &c)
    }

    /// `α AᵀA` (`.transpose`) or `α AAᵀ` (`.none`) into `c`, both triangles, by
    /// one dsyrk; an inner dimension of 0 gives zeros (`c` is not read).
    private func syrkGram(_ transpose: Transpose, alpha: Double, into c: inout Matrix) {
        let order = transpose == .transpose ? columns : rows
        let inner = transpose == .transpose ? rows : columns
        if order == 0 { return }
        if inner == 0 {
            c.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
            return
        }
        elements.withUnsafeBufferPointer { pa in
            c.storage.withUnsafeMutableBufferPointer { pc in
                BLAS.syrk(.lower, transpose, n: order, k: inner, alpha: alpha, a: pa.baseAddress!, lda: rows,
                          beta: 0, c: pc.baseAddress!, ldc: order)
                Self.mirrorLowerTriangle(pc, order: order)
            }
        }
    }

    /// Copies the strict lower triangle of an n × n column-major buffer onto the upper one.
    private static func mirrorLowerTriangle(_ c: UnsafeMutableBufferPointer<Double>, order n: Int) {
        for j in 0..<n {
            for i in (j + 1)..<n { c[j + i * n] = c[i + j * n] }
        }
    }

    /// `A ← α A` (BLAS dscal).
    public mutating func scale(by alpha: Double) {
        let count = elements.count
        if count == 0 { return }
        storage.withUnsafeMutableBufferPointer { p in BLAS.scal(n: count, alpha: alpha, x: p.baseAddress!) }
    }

    /// `A ← A + α X` (BLAS daxpy).
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` on different shapes.
    public mutating func add(_ x: Matrix, scaledBy alpha: Double = 1) throws(LinalgError) {
        guard x.shape == shape else { throw .shapeMismatch(operation: "add", expected: shape, actual: x.shape) }
        let count = elements.count
        if count == 0 { return }
        x.elements.withUnsafeBufferPointer { px in
            storage.withUnsafeMutableBufferPointer { p in
                BLAS.axpy(n: count, alpha: alpha, x: px.baseAddress!, y: p.baseAddress!)
            }
        }
    }

    /// The trace `Σᵢ aᵢᵢ`.
    public var trace: Double { diagonalElements.reduce(0, +) }
}

/// The dot product `xᵀy` (BLAS ddot).
///
/// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` on different lengths.
public func dot(_ x: [Double], _ y: [Double]) throws(LinalgError) -> Double {
    guard x.count == y.count else {
        throw .shapeMismatch(operation: "dot", expected: Shape(rows: x.count, columns: 1),
                             actual: Shape(rows: y.count, columns: 1))
    }
    if x.isEmpty { return 0 }
    return x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in BLAS.dot(n: x.count, x: px.baseAddress!, y: py.baseAddress!) }
    }
}
