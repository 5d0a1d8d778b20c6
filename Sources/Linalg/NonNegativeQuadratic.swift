/// Exact minimiser of a convex quadratic over the non-negative orthant, by the
/// Lawson–Hanson active-set method in its normal-equations form:
///
/// ```
/// λ* = argmin_{λ ≥ 0}  λᵀ A λ − 2 cᵀ λ,   A symmetric positive definite (k × k)
/// ```
///
/// The EM's "nnls" M-step solves one such problem per task row, with
/// `A = S_θθ` and `c` the task's row of `C = ZᵀΘ̂`. Being exact, it keeps the
/// likelihood monotone (the projected step `max(0, c A⁻¹)` does not).
package struct NonNegativeQuadratic {
    package let k: Int
    private var passive: [Bool]
    private var solution: [Double]
    private var gradient: [Double]
    private var sub: [Double]
    private var subRHS: [Double]
    private var indices: [Int]

    package init(k: Int) {
        self.k = k
        passive = [Bool](repeating: false, count: k)
        solution = [Double](repeating: 0, count: k)
        gradient = [Double](repeating: 0, count: k)
        sub = [Double](repeating: 0, count: k * k)
        subRHS = [Double](repeating: 0, count: k)
        indices = [Int](repeating: 0, count: k)
    }

    /// Solves for one row; `a` is k × k column-major, `c` has k entries read
    /// with stride `cStride` from `cOffset`; the result is written into `x`
    /// with the same stride and offset.
    ///
    /// - Parameter warm: a previous solution (same layout as `x`), or `nil`.
    ///   Lawson–Hanson then starts from its positive entries as the passive set
    ///   instead of from 0: the EM's rows change little from one evaluation to
    ///   the next, so one or two passive-set solves replace up to k (at k = 43,
    ///   ~10× less work per M-step). The minimiser is unique (A is positive
    ///   definite), so the answer is the same up to rounding.
    package mutating func solve(a: [Double], c: [Double], cOffset: Int, stride: Int, into x: inout [Double], warm: [Double]? = nil) {
        // The largest |c_j| as `max()` of the list would give it, without the list (a solve per task and EM step).
        var largest = 1.0
        if k > 0 {
            largest = abs(c[cOffset])
            for j in 1..<Swift.max(k, 1) where largest < abs(c[cOffset + j * stride]) { largest = abs(c[cOffset + j * stride]) }
        }
        let tolerance = 1e-14 * Swift.max(1, largest)
        for j in 0..<k { passive[j] = false; solution[j] = 0 }
        if let warm {
            var any = false
            for j in 0..<k {
                let w = warm[cOffset + j * stride]
                if w > 0, w.isFinite { passive[j] = true; solution[j] = w; any = true }
            }
            if any { settle(a: a, c: c, cOffset: cOffset, stride: stride) }
        }
        var outer = 0
        while outer < 3 * k + 10 {
            outer += 1
            // w = c − A λ
            var best = -1
            var bestValue = tolerance
            for j in 0..<k {
                var g = c[cOffset + j * stride]
                for m in 0..<k { g -= a[j + m * k] * solution[m] }
                gradient[j] = g
                if !passive[j] && g > bestValue { bestValue = g; best = j }
            }
            if best < 0 { break }
            passive[best] = true
            settle(a: a, c: c, cOffset: cOffset, stride: stride)
        }
        for j in 0..<k { x[cOffset + j * stride] = Swift.max(0, solution[j]) }
    }

    /// Lawson–Hanson's inner loop: from the feasible `solution`, solve on the
    /// passive set and step back to the boundary (dropping variables that reach
    /// 0) until the passive solution is positive.
    private mutating func settle(a: [Double], c: [Double], cOffset: Int, stride: Int) {
        var inner = 0
        while inner < 3 * k + 10 {
            inner += 1
            let count = solvePassive(a: a, c: c, cOffset: cOffset, stride: stride)
            var allPositive = true
            for i in 0..<count where subRHS[i] <= 0 { allPositive = false }
            if allPositive {
                for j in 0..<k { solution[j] = 0 }
                for i in 0..<count { solution[indices[i]] = subRHS[i] }
                return
            }
            // Step back to the boundary.
            var alpha = 1.0
            for i in 0..<count where subRHS[i] <= 0 {
                let j = indices[i]
                let denom = solution[j] - subRHS[i]
                if denom > 0 { alpha = Swift.min(alpha, solution[j] / denom) }
            }
            for i in 0..<count {
                let j = indices[i]
                solution[j] += alpha * (subRHS[i] - solution[j])
            }
            for j in 0..<k where passive[j] && solution[j] <= 1e-300 {
                passive[j] = false
                solution[j] = 0
            }
        }
    }

    /// Solves `A_PP s = c_P` on the passive set; the solution goes to
    /// `subRHS[0..<count]`, its variable indices to `indices`.
    private mutating func solvePassive(a: [Double], c: [Double], cOffset: Int, stride: Int) -> Int {
        var count = 0
        for j in 0..<k where passive[j] { indices[count] = j; count += 1 }
        for i in 0..<count {
            subRHS[i] = c[cOffset + indices[i] * stride]
            for m in 0..<count { sub[i + m * count] = a[indices[i] + indices[m] * k] }
        }
        // Cholesky of the passive block (a principal submatrix of an SPD matrix is SPD).
        do throws(LinalgError) { try InPlaceCholesky.factor(&sub, order: count) } catch { return 0 }
        InPlaceCholesky.solve(factor: sub, order: count, &subRHS)
        return count
    }
}
