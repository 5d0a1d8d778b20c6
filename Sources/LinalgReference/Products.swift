import Linalg

extension Reference {
    /// The product `op(A) · op(B)` by the textbook triple loop.
    ///
    /// ```
    /// cᵢⱼ = Σₖ op(A)ᵢₖ · op(B)ₖⱼ
    /// ```
    ///
    /// The loops run in j-k-i order so that the innermost one walks down a
    /// column of `C` and of `op(A)`, contiguous in column-major storage.
    ///
    /// - Precondition: the inner dimensions of `op(A)` and `op(B)` agree.
    /// - Complexity: 2mnk flops, no blocking.
    public static func naiveProduct(
        _ a: Matrix, _ b: Matrix, transposeA: Transpose = .none, transposeB: Transpose = .none
    ) -> Matrix {
        let a = apply(transposeA, a), b = apply(transposeB, b)
        precondition(a.columns == b.rows, "naiveProduct: inner dimensions differ")
        let m = a.rows, k = a.columns, n = b.columns
        let x = a.elements, y = b.elements
        var c = [Double](repeating: 0, count: m * n)
        for j in 0..<n {
            for p in 0..<k {
                let bpj = y[p + j * k]
                for i in 0..<m { c[i + j * m] += x[i + p * m] * bpj }
            }
        }
        return try! Matrix(rows: m, columns: n, columnMajor: c)
    }

    /// The product `op(A) · op(B)`, computed block by block.
    ///
    /// ```
    /// C[I, J] = Σ_K op(A)[I, K] · op(B)[K, J]
    /// ```
    ///
    /// with `I`, `J`, `K` ranges of at most `blockSize` indices, so that the
    /// three blocks in use fit in cache. The sum runs over the same terms as
    /// ``naiveProduct(_:_:transposeA:transposeB:)``, in another order.
    ///
    /// - Parameter blockSize: the side of a block; 64 keeps three 64 × 64
    ///   blocks of `Double` (96 KiB) near a typical L2 cache.
    /// - Precondition: the inner dimensions agree and `blockSize > 0`.
    /// - Complexity: 2mnk flops.
    public static func blockedProduct(
        _ a: Matrix, _ b: Matrix, blockSize: Int = 64, transposeA: Transpose = .none, transposeB: Transpose = .none
    ) -> Matrix {
        precondition(blockSize > 0, "blockedProduct: blockSize must be positive")
        let a = apply(transposeA, a), b = apply(transposeB, b)
        precondition(a.columns == b.rows, "blockedProduct: inner dimensions differ")
        let m = a.rows, k = a.columns, n = b.columns
        let x = a.elements, y = b.elements
        var c = [Double](repeating: 0, count: m * n)
        for j0 in stride(from: 0, to: n, by: blockSize) {
            let j1 = min(j0 + blockSize, n)
            for p0 in stride(from: 0, to: k, by: blockSize) {
                let p1 = min(p0 + blockSize, k)
                for i0 in stride(from: 0, to: m, by: blockSize) {
                    let i1 = min(i0 + blockSize, m)
                    for j in j0..<j1 {
                        for p in p0..<p1 {
                            let bpj = y[p + j * k]
                            for i in i0..<i1 { c[i + j * m] += x[i + p * m] * bpj }
                        }
                    }
                }
            }
        }
        return try! Matrix(rows: m, columns: n, columnMajor: c)
    }

    /// The matrix–vector product `op(A) · x`.
    ///
    /// ```
    /// yᵢ = Σⱼ op(A)ᵢⱼ · xⱼ
    /// ```
    ///
    /// - Precondition: `x.count` equals the columns of `op(A)`.
    /// - Complexity: 2mn flops.
    public static func product(_ a: Matrix, _ x: [Double], transpose: Transpose = .none) -> [Double] {
        let a = apply(transpose, a)
        precondition(a.columns == x.count, "product: vector length differs")
        var y = [Double](repeating: 0, count: a.rows)
        for j in 0..<a.columns {
            for i in 0..<a.rows { y[i] += a[i, j] * x[j] }
        }
        return y
    }

    /// The Gram matrix `AᵀA` (n × n) of an m × n matrix.
    ///
    /// ```
    /// gᵢⱼ = Σₖ aₖᵢ · aₖⱼ   (the dot product of columns i and j)
    /// ```
    ///
    /// Only `i ≥ j` is computed; `gⱼᵢ = gᵢⱼ` is copied, so the result is
    /// exactly symmetric.
    ///
    /// - Complexity: mn(n + 1) flops.
    public static func gram(_ a: Matrix) -> Matrix {
        let m = a.rows, n = a.columns
        let x = a.elements
        var g = Matrix(rows: n, columns: n)
        for j in 0..<n {
            for i in j..<n {
                var s = 0.0
                for k in 0..<m { s += x[k + i * m] * x[k + j * m] }
                g[i, j] = s
                g[j, i] = s
            }
        }
        return g
    }
}
