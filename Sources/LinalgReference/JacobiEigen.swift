import Linalg

extension Reference {
    /// The eigendecomposition `A = V · diag(λ) · Vᵀ` of a real symmetric matrix
    /// by the cyclic Jacobi method.
    ///
    /// Each step applies a plane rotation `J(p, q, θ)` chosen so that
    /// `(JᵀAJ)ₚq = 0`:
    ///
    /// ```
    /// θ = (a_qq − a_pp) / (2 a_pq),   t = sign(θ) / (|θ| + √(θ² + 1)),
    /// c = 1 / √(t² + 1),   s = t · c
    /// ```
    ///
    /// (`t = tan` of the smaller of the two angles that work, for stability).
    /// Sweeps visit every pair `p < q` in row order until the off-diagonal norm
    /// `off(A) = √(Σ_{i≠j} aᵢⱼ²)` is at most `ε · ‖A‖_F`, with `ε` the unit
    /// roundoff: relative to the whole matrix, the scale of its eigenvalues.
    /// Cyclic Jacobi converges quadratically, so a handful of sweeps suffice;
    /// at most 100 are run.
    ///
    /// Both triangles of `a` are read; pass a symmetric matrix.
    ///
    /// Mathematical properties: `A·V = V·diag(λ)`, `VᵀV = I`, `λ₀ ≤ λ₁ ≤ …`;
    /// every eigenvalue is accurate to a small multiple of `ε ‖A‖_F`.
    ///
    /// - Returns: the eigenvalues in **ascending** order, and the eigenvectors
    ///   as the columns of `vectors` in the same order.
    /// - Precondition: `a` is square.
    /// - Complexity: about 6n³ flops per sweep (values and vectors).
    public static func jacobiEigen(_ a: Matrix) -> (values: [Double], vectors: Matrix) {
        precondition(a.isSquare, "jacobiEigen: the matrix must be square")
        let n = a.rows
        var s = a.elements
        var v = Matrix.identity(n).elements
        let frobenius = s.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let tolerance = Double.ulpOfOne * frobenius

        for _ in 0..<100 {
            if offDiagonalNorm(s, n) <= tolerance { break }
            for p in 0..<n {
                for q in (p + 1)..<max(n, p + 1) {
                    let apq = s[p + q * n]
                    if apq == 0 { continue }
                    let theta = (s[q + q * n] - s[p + p * n]) / (2 * apq)
                    // For a huge θ, θ² overflows; t ≈ 1/(2θ) then.
                    let t = abs(theta) > 1e150
                        ? 1 / (2 * theta)
                        : (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let sn = t * c
                    rotateColumns(&s, n, p, q, c, sn)  // A ← A·J
                    rotateRows(&s, n, p, q, c, sn)     // A ← Jᵀ·A
                    rotateColumns(&v, n, p, q, c, sn)  // V ← V·J
                    s[p + q * n] = 0
                    s[q + p * n] = 0
                }
            }
        }

        let order = (0..<n).sorted { s[$0 + $0 * n] < s[$1 + $1 * n] }
        let values = order.map { s[$0 + $0 * n] }
        let vectors = Matrix(rows: n, columns: n) { i, j in v[i + order[j] * n] }
        return (values, vectors)
    }

    /// The eigenvalues of a real symmetric matrix in **ascending** order, by
    /// ``jacobiEigen(_:)``.
    public static func jacobiEigenvalues(_ a: Matrix) -> [Double] {
        jacobiEigen(a).values
    }

    /// `√(Σ_{i≠j} aᵢⱼ²)` of an n × n column-major matrix.
    private static func offDiagonalNorm(_ a: [Double], _ n: Int) -> Double {
        var sum = 0.0
        for j in 0..<n {
            for i in 0..<n where i != j { sum += a[i + j * n] * a[i + j * n] }
        }
        return sum.squareRoot()
    }

    /// Columns p and q of `a` ← `(c·aₚ − s·a_q, s·aₚ + c·a_q)`.
    private static func rotateColumns(_ a: inout [Double], _ n: Int, _ p: Int, _ q: Int, _ c: Double, _ s: Double) {
        for k in 0..<n {
            let x = a[k + p * n], y = a[k + q * n]
            a[k + p * n] = c * x - s * y
            a[k + q * n] = s * x + c * y
        }
    }

    /// Rows p and q of `a` ← `(c·aₚ − s·a_q, s·aₚ + c·a_q)`.
    private static func rotateRows(_ a: inout [Double], _ n: Int, _ p: Int, _ q: Int, _ c: Double, _ s: Double) {
        for k in 0..<n {
            let x = a[p + k * n], y = a[q + k * n]
            a[p + k * n] = c * x - s * y
            a[q + k * n] = s * x + c * y
        }
    }
}
