import Linalg

/// Each task's `(k + 1) × (k + 1)` information block in `(λ_t1 … λ_tk, log ψ_t)`
/// restricted to its free coordinates: the quasi-Newton polish's `B₀` and
/// `H₀ = B₀⁻¹` (EMRun+QuasiNewton.swift).
///
/// Coordinates are numbered as the polish numbers them: loading `(t, j)` is
/// `t + j p`, uniqueness `t` is `p k + t`; block `t` starts at `t (k + 1)²`,
/// column-major, with local index `k` for `log ψ_t`.
///
/// - Complexity: O(p k³) for ``apply(blocks:to:fixed:p:k:)``, O(p k²) for
///   ``multiply(blocks:_:into:fixed:p:k:)``; no allocation after `init`. The
///   blocks are small, so both are written as plain loops over buffers (call
///   overhead and bounds checks, not flops, dominated otherwise).
struct BlockSolver {
    let order: Int
    private var sub: [Double]
    private var rhs: [Double]
    private var index: [Int]

    init(order: Int) {
        self.order = order
        sub = [Double](repeating: 0, count: order * order)
        rhs = [Double](repeating: 0, count: order)
        index = [Int](repeating: 0, count: order)
    }

    /// `out = B_F x` task by task (0 on fixed coordinates).
    mutating func multiply(blocks: [Double], _ x: [Double], into out: inout [Double], fixed: [Bool], p: Int, k: Int) {
        let pk = p * k, order = self.order
        blocks.withUnsafeBufferPointer { bp in
            fixed.withUnsafeBufferPointer { fp in
                x.withUnsafeBufferPointer { xp in
                    out.withUnsafeMutableBufferPointer { op in
                        rhs.withUnsafeMutableBufferPointer { r in
                            index.withUnsafeMutableBufferPointer { ix in
                                for t in 0..<p {
                                    // The task's free coordinates: local index and value.
                                    var m = 0
                                    for j in 0..<order {
                                        let i = j == k ? pk + t : t + j * p
                                        if fp[i] { op[i] = 0 } else { ix[m] = j; r[m] = xp[i]; m += 1 }
                                    }
                                    let base = t * order * order
                                    for a in 0..<m {
                                        var sum = 0.0
                                        let column = base + ix[a]
                                        for b in 0..<m { sum += bp[column + ix[b] * order] * r[b] }
                                        op[ix[a] == k ? pk + t : t + ix[a] * p] = sum
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `q ← B_F⁻¹ q` task by task (B_F: the block on the free coordinates, with
    /// a ridge of 1e-12 of its trace); a block that is not positive definite
    /// even so is applied through its diagonal, a zero diagonal gives 0.
    ///
    /// - Complexity: O(p k³), a Cholesky factor per task.
    mutating func apply(blocks: [Double], to q: inout [Double], fixed: [Bool], p: Int, k: Int) {
        for t in 0..<p { solve(blocks: blocks, base: t * order * order, task: t, to: &q, fixed: fixed, p: p, k: k) }
    }

    /// ``apply(blocks:to:fixed:p:k:)`` for task t alone, its block given by itself.
    mutating func apply(block: [Double], task t: Int, to q: inout [Double], fixed: [Bool], p: Int, k: Int) {
        solve(blocks: block, base: 0, task: t, to: &q, fixed: fixed, p: p, k: k)
    }

    /// Task t's solve, its block at `blocks[base...]`.
    private mutating func solve(blocks: [Double], base: Int, task t: Int, to q: inout [Double], fixed: [Bool], p: Int, k: Int) {
        let pk = p * k, order = self.order
        blocks.withUnsafeBufferPointer { bp in
            fixed.withUnsafeBufferPointer { fp in
                q.withUnsafeMutableBufferPointer { qp in
                    sub.withUnsafeMutableBufferPointer { l in
                        rhs.withUnsafeMutableBufferPointer { r in
                            index.withUnsafeMutableBufferPointer { ix in
                                var m = 0
                                for j in 0..<order where !fp[j == k ? pk + t : t + j * p] { ix[m] = j; m += 1 }
                                guard m > 0 else { return }
                                var trace = 0.0
                                if m == order {
                                    // Every coordinate free (the common case): copy the block whole.
                                    for c in 0..<(order * order) { l[c] = bp[base + c] }
                                    for a in 0..<m { trace += l[a + a * m] }
                                    for a in 0..<k { r[a] = qp[t + a * p] }
                                    r[k] = qp[pk + t]
                                } else {
                                    for a in 0..<m {
                                        for b in 0..<m { l[a + b * m] = bp[base + ix[a] + ix[b] * order] }
                                        trace += l[a + a * m]
                                        r[a] = qp[ix[a] == k ? pk + t : t + ix[a] * p]
                                    }
                                }
                                guard trace > 0, trace.isFinite else {
                                    for a in 0..<m { qp[ix[a] == k ? pk + t : t + ix[a] * p] = 0 }
                                    return
                                }
                                for a in 0..<m { l[a + a * m] += 1e-12 * trace }
                                if Self.choleskySolve(l, r, order: m) {
                                    for a in 0..<m { qp[ix[a] == k ? pk + t : t + ix[a] * p] = r[a] }
                                } else {
                                    for a in 0..<m {
                                        let diagonal = bp[base + ix[a] + ix[a] * order]
                                        qp[ix[a] == k ? pk + t : t + ix[a] * p] = diagonal > 0 ? r[a] / diagonal : 0
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Solves `A x = b` in place (`b` ← x) for the m × m symmetric positive
    /// definite `a` (column-major, lower triangle read, overwritten by its
    /// Cholesky factor, ``InPlaceCholesky``); `false` (and `b` untouched) when
    /// a pivot is not positive.
    private static func choleskySolve(_ a: UnsafeMutableBufferPointer<Double>, _ b: UnsafeMutableBufferPointer<Double>, order m: Int) -> Bool {
        var factor = a.mutableSpan
        guard (try? InPlaceCholesky.factor(&factor, order: m)) != nil else { return false }
        var solution = b.mutableSpan
        InPlaceCholesky.solve(factor: factor.span, order: m, &solution)
        return true
    }
}
