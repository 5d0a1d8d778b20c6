import Foundation

/// Cholesky factor-and-solve of a small n × n symmetric positive-definite
/// matrix in caller-owned storage, allocation-free.
///
/// The storage is column-major with leading dimension n: element `(i, j)` is
/// at offset `i + j·n`. Only the first n² elements are used, so one buffer
/// sized for the largest order serves every smaller one (an active-set
/// method's shrinking subproblems, an Anderson memory that fills up).
///
/// ```
/// lⱼⱼ = √(aⱼⱼ − Σ_{m<j} lⱼₘ²)
/// lᵢⱼ = (aᵢⱼ − Σ_{m<j} lᵢₘ lⱼₘ) / lⱼⱼ        for i > j
/// ```
///
/// This is the Cholesky–Crout order of ``Cholesky`` (LAPACK `dpotrf`) in plain
/// Swift: for the k × k systems of an EM iteration (k up to a few dozen) a
/// LAPACK call costs more than the arithmetic, and a ``Cholesky`` value
/// allocates its factor. Here nothing allocates: every routine reads and
/// writes only the spans (or arrays) it is given. An array argument must be
/// uniquely referenced, or its first write copies it (copy-on-write).
///
/// Mathematical properties: the radicand at step j is the ratio of the
/// leading minors of order j + 1 and j, so the factorization succeeds exactly
/// when every leading minor is positive; `log|A| = 2 Σᵢ log lᵢᵢ`.
///
/// ```swift
/// var a: [Double] = [4, 2, 2, 3]                     // [[4, 2], [2, 3]]
/// try InPlaceCholesky.factor(&a, order: 2)           // lower triangle ← L
/// var b: [Double] = [1, 2]
/// InPlaceCholesky.solve(factor: a, order: 2, &b)     // b ← A⁻¹b
/// ```
public enum InPlaceCholesky {
    /// Factors `A = L·Lᵀ` in place: reads the lower triangle of `a` (n × n,
    /// column-major) and overwrites it with `L`.
    ///
    /// The strict upper triangle is neither read nor written: it keeps
    /// whatever it held (so pass the factor, not a full matrix, to code that
    /// reads both triangles).
    ///
    /// - Parameters:
    ///   - a: at least n² elements; the first n² hold `A` on entry and `L` on exit.
    ///   - n: the order.
    /// - Throws: ``LinalgError/notPositiveDefinite(minor:)`` with the 1-based
    ///   order of the first leading minor that is not positive (NaN counts as
    ///   not positive), as LAPACK's `info`. Columns before that minor then hold
    ///   their factor, the rest is unchanged.
    /// - Precondition: `n ≥ 0` and `a.count ≥ n²`.
    /// - Complexity: n³/3 flops, no allocation.
    public static func factor(_ a: inout MutableSpan<Double>, order n: Int) throws(LinalgError) {
        precondition(n >= 0 && a.count >= n * n, "InPlaceCholesky.factor: needs \(n)×\(n) elements, got \(a.count)")
        if n == 0 { return }
        let failed = a.withUnsafeMutableBufferPointer { a -> Int? in
            for j in 0..<n {
                var d = a[j + j * n]
                for m in 0..<j { d -= a[j + m * n] * a[j + m * n] }
                guard d > 0 else { return j + 1 }
                let ljj = d.squareRoot()
                a[j + j * n] = ljj
                for i in (j + 1)..<Swift.max(n, j + 1) {
                    var s = a[i + j * n]
                    for m in 0..<j { s -= a[i + m * n] * a[j + m * n] }
                    a[i + j * n] = s / ljj
                }
            }
            return nil
        }
        if let minor = failed { throw .notPositiveDefinite(minor: minor) }
    }

    /// ``factor(_:order:)-(MutableSpan<Double>,_)`` on an array's first n² elements.
    ///
    /// - Throws: ``LinalgError/notPositiveDefinite(minor:)``.
    /// - Precondition: `n ≥ 0` and `a.count ≥ n²`.
    /// - Complexity: n³/3 flops, no allocation when `a` is uniquely referenced.
    public static func factor(_ a: inout [Double], order n: Int) throws(LinalgError) {
        var span = a.mutableSpan
        try factor(&span, order: n)
    }

    /// `log|A| = 2 Σᵢ log lᵢᵢ` from the factor, without forming the
    /// determinant (no overflow or underflow).
    ///
    /// - Parameters:
    ///   - l: the factor from ``factor(_:order:)-(MutableSpan<Double>,_)`` (diagonal read only).
    ///   - n: the order; 0 gives `log 1 = 0`.
    /// - Precondition: `l.count ≥ n²`.
    /// - Complexity: n logarithms.
    public static func logDeterminant(factor l: Span<Double>, order n: Int) -> Double {
        precondition(n >= 0 && l.count >= n * n, "InPlaceCholesky.logDeterminant: needs \(n)×\(n) elements")
        var s = 0.0
        for i in 0..<n { s += Foundation.log(l[i + i * n]) }
        return 2 * s
    }

    /// ``logDeterminant(factor:order:)-(Span<Double>,_)`` of a factor held in an array.
    public static func logDeterminant(factor l: [Double], order n: Int) -> Double {
        logDeterminant(factor: l.span, order: n)
    }

    /// Solves `A X = B` in place from the factor: `L Y = B` forwards, then
    /// `Lᵀ X = Y` backwards, one column of `B` at a time.
    ///
    /// ```
    /// yᵢ = (bᵢ − Σ_{m<i} lᵢₘ yₘ) / lᵢᵢ,   xᵢ = (yᵢ − Σ_{m>i} lₘᵢ xₘ) / lᵢᵢ
    /// ```
    ///
    /// - Parameters:
    ///   - l: the factor (lower triangle read).
    ///   - n: the order.
    ///   - b: n × `rightHandSides` column-major (leading dimension n); `B` on
    ///     entry, `X` on exit. Elements past n · rightHandSides are untouched.
    ///   - rightHandSides: the columns m of `B`.
    /// - Precondition: `l.count ≥ n²` and `b.count ≥ n · rightHandSides`.
    /// - Complexity: 2n²m flops, no allocation.
    public static func solve(
        factor l: Span<Double>, order n: Int, _ b: inout MutableSpan<Double>, rightHandSides: Int = 1
    ) {
        precondition(n >= 0 && rightHandSides >= 0 && l.count >= n * n && b.count >= n * rightHandSides,
                     "InPlaceCholesky.solve: buffers too small for order \(n), \(rightHandSides) right-hand sides")
        for c in 0..<rightHandSides {
            let base = c * n
            for i in 0..<n {
                var s = b[base + i]
                for m in 0..<i { s -= l[i + m * n] * b[base + m] }
                b[base + i] = s / l[i + i * n]
            }
            for i in Swift.stride(from: n - 1, through: 0, by: -1) {
                var s = b[base + i]
                for m in (i + 1)..<Swift.max(n, i + 1) { s -= l[m + i * n] * b[base + m] }
                b[base + i] = s / l[i + i * n]
            }
        }
    }

    /// ``solve(factor:order:_:rightHandSides:)-(Span<Double>,_,_,_)`` on arrays.
    ///
    /// - Complexity: 2n²m flops, no allocation when `b` is uniquely referenced.
    public static func solve(factor l: [Double], order n: Int, _ b: inout [Double], rightHandSides: Int = 1) {
        var span = b.mutableSpan
        solve(factor: l.span, order: n, &span, rightHandSides: rightHandSides)
    }

    /// Writes `A⁻¹` into `inverse` (n × n, column-major, both triangles), column
    /// `c` by solving `A x = e_c` as ``solve(factor:order:_:rightHandSides:)-(Span<Double>,_,_,_)`` does.
    ///
    /// Each column is computed on its own, so the result is symmetric to
    /// rounding, not bit for bit. Prefer a solve when the inverse is only
    /// multiplied by something.
    ///
    /// - Parameters:
    ///   - l: the factor (lower triangle read).
    ///   - n: the order.
    ///   - inverse: receives `A⁻¹` in its first n² elements (not read; it must
    ///     be another buffer than `l`, which exclusivity enforces).
    /// - Precondition: `l.count ≥ n²` and `inverse.count ≥ n²`.
    /// - Complexity: about 2n³/3 flops (the forward solves start at e_c's 1), no allocation.
    public static func inverse(factor l: Span<Double>, order n: Int, into inverse: inout MutableSpan<Double>) {
        precondition(n >= 0 && l.count >= n * n && inverse.count >= n * n,
                     "InPlaceCholesky.inverse: buffers too small for order \(n)")
        if n == 0 { return }
        l.withUnsafeBufferPointer { l in
            inverse.withUnsafeMutableBufferPointer { inverse in
                for c in 0..<n {
                    let x = inverse.baseAddress! + c * n
                    // L y = e_c by columns of L (stride 1): entry i still subtracts its
                    // terms in the order m = 0, 1, …, i − 1, then divides, as the
                    // row-by-row formula yᵢ = (δᵢc − Σ_{m<i} lᵢₘ yₘ) / lᵢᵢ does.
                    for i in 0..<n { x[i] = i == c ? 1.0 : 0.0 }
                    // y_m = 0 for m < c (e_c's zeros above c): those steps
                    // would subtract exact zeros, so they are skipped
                    // (bit-identical, a third fewer flops).
                    for m in c..<n {
                        let column = l.baseAddress! + m * n
                        let ym = x[m] / column[m]
                        x[m] = ym
                        for i in (m + 1)..<Swift.max(n, m + 1) { x[i] -= column[i] * ym }
                    }
                    for i in Swift.stride(from: n - 1, through: 0, by: -1) {
                        let column = l.baseAddress! + i * n
                        var s = x[i]
                        for m in (i + 1)..<Swift.max(n, i + 1) { s -= column[m] * x[m] }
                        x[i] = s / column[i]
                    }
                }
            }
        }
    }

    /// ``inverse(factor:order:into:)-(Span<Double>,_,_)`` on arrays.
    ///
    /// - Complexity: about 2n³/3 flops, no allocation when `inverse` is uniquely referenced.
    public static func inverse(factor l: [Double], order n: Int, into inverse: inout [Double]) {
        var span = inverse.mutableSpan
        self.inverse(factor: l.span, order: n, into: &span)
    }
}
