import Linalg

/// The complete-data maps' information blocks in their shared form: with
/// `W = I − V` (V the posterior covariance of θ, the same for every task),
/// `a_t` task t's row of `A = Σ⁻¹Λ = BV`, `P_tt = (Σ⁻¹)_tt = (1 − λ_tᵀa_t)/ψ_t`,
/// `c_t = ψ_t P_tt` and `d_t = ½ ψ_t² P_tt²`, task t's block in
/// `(λ_t1 … λ_tk, log ψ_t)` is
///
/// ```
/// B_t = [ P_tt W + a_t a_tᵀ    c_t a_t ]
///       [ c_t a_tᵀ              d_t    ]
/// ```
///
/// (``FactorEMUpdate/informationBlocks(_:into:)`` writes the same blocks out
/// whole). One Cholesky factor of W then serves every task: with
/// `u_t = W⁻¹a_t` and `w = W⁻¹r`, Sherman–Morrison gives
///
/// ```
/// (P W + a aᵀ)⁻¹ r = (w − u (aᵀw)/(P + aᵀu)) / P                 (ψ_t fixed)
/// (P W − a aᵀ)⁻¹ r = (w + u (aᵀw)/(P − aᵀu)) / P                 (the Schur complement of d_t: c_t²/d_t = 2)
/// ```
///
/// so the quasi-Newton polish's `H₀ q` costs O(p k²) in place of p
/// factorizations of `(k + 1) × (k + 1)` blocks. A task with a loading fixed
/// at its bound, or whose Schur pivot `P − aᵀu` is not safely positive, is
/// solved through its dense block (``BlockSolver``).
struct SharedInformation {
    let p: Int
    let k: Int
    /// `W = I − V`, k × k.
    var w: [Double]
    /// W's Cholesky factor and W⁻¹ (``prepare()``).
    private var wFactor: [Double]
    private var wInverse: [Double]
    /// `A`, p × k column-major.
    var a: [Double]
    var ptt: [Double]
    var psi: [Double]
    /// `u_t = W⁻¹a_t` (column t of a k × p buffer) and `a_tᵀu_t`.
    private var u: [Double]
    private var au: [Double]
    private var scratch: [Double]
    private var residual: [Double]
    private var dense: BlockSolver
    private var block: [Double]
    /// Whether ``prepare()`` factored W.
    private(set) var usable = false

    init(p: Int, k: Int) {
        self.p = p
        self.k = k
        w = [Double](repeating: 0, count: k * k)
        wFactor = w
        wInverse = w
        a = [Double](repeating: 0, count: p * k)
        ptt = [Double](repeating: 0, count: p)
        psi = ptt
        u = [Double](repeating: 0, count: p * k)
        au = ptt
        scratch = [Double](repeating: 0, count: k)
        residual = scratch
        dense = BlockSolver(order: k + 1)
        block = [Double](repeating: 0, count: (k + 1) * (k + 1))
    }

    /// Factors W and computes every `u_t`; `false` (and ``usable`` false) when
    /// W is not positive definite (a factor with no loadings) or nearly
    /// singular (a Cholesky pivot below 10⁻⁵ of the largest): the caller then
    /// uses the dense blocks.
    ///
    /// - Complexity: O(k³ + p k²).
    mutating func prepare() -> Bool {
        usable = false
        for i in 0..<(k * k) { wFactor[i] = w[i] }
        guard (try? InPlaceCholesky.factor(&wFactor, order: k)) != nil else { return false }
        // A nearly singular W (a factor whose loadings are tiny but not at
        // their bound) would make W⁻¹ huge where the dense blocks carry a
        // ridge: leave such points to them.
        var smallest = Double.infinity, largest = 0.0
        for j in 0..<k { smallest = Swift.min(smallest, wFactor[j + j * k]); largest = Swift.max(largest, wFactor[j + j * k]) }
        guard smallest * smallest > 1e-10 * largest * largest else { return false }
        InPlaceCholesky.inverse(factor: wFactor, order: k, into: &wInverse)
        a.withUnsafeBufferPointer { ap in
            wInverse.withUnsafeBufferPointer { wi in
                u.withUnsafeMutableBufferPointer { up in
                    au.withUnsafeMutableBufferPointer { dots in
                        // u_t contiguous (k × p): apply reads it task by task.
                        Self.rowProducts(ap, wi, p: p, k: k, into: up, dots: dots)
                    }
                }
            }
        }
        usable = true
        return true
    }

    /// For each row `x_t` of the p × k column-major `x`: `y_t = Mᵀx_t` (= `M x_t`
    /// for the symmetric M it is used with) into `y`, task after task (entry c
    /// of `y_t` at `y[t · k + c]`), summing `x_te M_ec` in the order e = 0, 1, …,
    /// and `x_tᵀ y_t` into `dots[t]`.
    ///
    /// - Complexity: 2pk² flops.
    private static func rowProducts(
        _ x: UnsafeBufferPointer<Double>, _ m: UnsafeBufferPointer<Double>, p: Int, k: Int,
        into y: UnsafeMutableBufferPointer<Double>, dots: UnsafeMutableBufferPointer<Double>
    ) {
        for t in 0..<p {
            var dot = 0.0
            for c in 0..<k {
                var sum = 0.0
                for e in 0..<k { sum += x[t + e * p] * m[e + c * k] }
                y[t * k + c] = sum
                dot += sum * x[t + c * p]
            }
            dots[t] = dot
        }
    }

    /// Task t's dense block, column-major `(k + 1) × (k + 1)`, into `blocks` from `offset`.
    private func fill(task t: Int, into blocks: inout [Double], at offset: Int) {
        let order = k + 1, pt = ptt[t], psi = self.psi[t]
        for c in 0..<k {
            for e in 0..<k { blocks[offset + c + e * order] = pt * w[c + e * k] + a[t + c * p] * a[t + e * p] }
            blocks[offset + c + k * order] = psi * pt * a[t + c * p]
            blocks[offset + k + c * order] = psi * pt * a[t + c * p]
        }
        blocks[offset + k + k * order] = 0.5 * psi * psi * pt * pt
    }

    /// Every task's dense block, task after task, as ``EMMap/informationBlocks(_:into:)`` writes them.
    ///
    /// - Complexity: O(p k²).
    func denseBlocks(into blocks: inout [Double]) {
        for t in 0..<p { fill(task: t, into: &blocks, at: t * (k + 1) * (k + 1)) }
    }

    /// `out = B_F x` task by task (0 on fixed coordinates; `x` must be 0 there).
    ///
    /// - Complexity: O(p k²).
    func multiply(_ x: [Double], into out: inout [Double], fixed: [Bool]) {
        let p = self.p, k = self.k, pk = p * k
        a.withUnsafeBufferPointer { ap in
            w.withUnsafeBufferPointer { wp in
                x.withUnsafeBufferPointer { xp in
                    fixed.withUnsafeBufferPointer { fp in
                        out.withUnsafeMutableBufferPointer { op in
                            for t in 0..<p {
                                var ax = 0.0
                                for j in 0..<k { ax += ap[t + j * p] * xp[t + j * p] }
                                let pt = ptt[t], xPsi = xp[pk + t], c = psi[t] * pt
                                for j in 0..<k {
                                    let i = t + j * p
                                    guard !fp[i] else { op[i] = 0; continue }
                                    var wx = 0.0
                                    for e in 0..<k { wx += wp[j + e * k] * xp[t + e * p] }
                                    op[i] = pt * wx + ap[i] * ax + c * ap[i] * xPsi
                                }
                                op[pk + t] = fp[pk + t] ? 0 : c * ax + 0.5 * psi[t] * psi[t] * pt * pt * xPsi
                            }
                        }
                    }
                }
            }
        }
    }

    /// `q ← B_F⁻¹ q` task by task (`q` 0 on fixed coordinates); after ``prepare()``.
    ///
    /// - Complexity: O(p k²), plus a dense `(k + 1)³` solve per task with a fixed loading.
    mutating func apply(to q: inout [Double], fixed: [Bool]) {
        precondition(usable, "SharedInformation.apply before a successful prepare()")
        let p = self.p, k = self.k, pk = p * k
        var denseTasks: [Int] = []
        a.withUnsafeBufferPointer { ap in
            wInverse.withUnsafeBufferPointer { wi in
                u.withUnsafeBufferPointer { up in
                    fixed.withUnsafeBufferPointer { fp in
                        q.withUnsafeMutableBufferPointer { qp in
                            scratch.withUnsafeMutableBufferPointer { sp in
                                residual.withUnsafeMutableBufferPointer { rp in
                                    for t in 0..<p {
                                        var loadingsFree = true
                                        for j in 0..<k where fp[t + j * p] { loadingsFree = false; break }
                                        let psiFree = !fp[pk + t]
                                        let pt = ptt[t], at = au[t]
                                        // Schur pivot of the full block; a task where it is not
                                        // safely positive goes the dense way (ridge, fallbacks).
                                        guard loadingsFree, pt > 0, !psiFree || pt - at > 1e-8 * pt else {
                                            denseTasks.append(t)
                                            continue
                                        }
                                        // r_λ (minus d⁻¹c a r_ψ when ψ is free), then w = W⁻¹ r_λ.
                                        let c = psi[t] * pt, d = 0.5 * psi[t] * psi[t] * pt * pt
                                        let rPsi = qp[pk + t]
                                        for j in 0..<k { rp[j] = qp[t + j * p] - (psiFree ? c / d * ap[t + j * p] * rPsi : 0) }
                                        var aw = 0.0
                                        for j in 0..<k {
                                            var sum = 0.0
                                            for e in 0..<k { sum += wi[j + e * k] * rp[e] }
                                            sp[j] = sum
                                            aw += ap[t + j * p] * sum
                                        }
                                        let factor = psiFree ? aw / (pt - at) : -aw / (pt + at)
                                        var ax = 0.0
                                        for j in 0..<k {
                                            let value = (sp[j] + up[j + t * k] * factor) / pt
                                            qp[t + j * p] = value
                                            ax += ap[t + j * p] * value
                                        }
                                        qp[pk + t] = psiFree ? (rPsi - c * ax) / d : 0
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for t in denseTasks {
            fill(task: t, into: &block, at: 0)
            dense.apply(block: block, task: t, to: &q, fixed: fixed, p: p, k: k)
        }
    }
}
