import Foundation
import Linalg

/// One EM iteration of the complete-data factor model from the product
/// `S A`, whatever computed it: the part shared by the covariance-space map
/// (``CovarianceEMMap``, `S A` by one p × p × k product) and the data-space map
/// (``DataSpaceEMMap``, `Zᵀ(Z A)/n` by two n × p × k products).
///
/// ```
/// M = I + ΛᵀΨ⁻¹Λ,  V = M⁻¹,  A = Ψ⁻¹Λ M⁻¹ = Σ⁻¹Λ   (A by triangular solves with M's factor)
/// C / n      = S A                         (C = ZᵀΘ̂, Θ̂ = Z A)
/// S_θθ / n   = V + Aᵀ (S A)                (S_θθ = nV + Θ̂ᵀΘ̂)
/// Λ'         = max(0, C S_θθ⁻¹)             (projected)   or row-wise NNLS (exact)
/// ψ'_t       = S_tt − 2 (C∘Λ')_t·/n + ((Λ' S_θθ)∘Λ')_t·/n,  floored, anchors fixed
/// ℓ(Λ, ψ)    = −n/2 [p log 2π + Σ log ψ + log|M| + Σ_t (S_tt − λ_tᵀ c_t/n) / ψ_t]
/// ```
///
/// (`tr(Σ⁻¹S) = Σ_t (S_tt − λ_tᵀ c_t/n)/ψ_t` because `Σ⁻¹ = Ψ⁻¹(I − ΛAᵀ)`.)
///
/// Why A is solved for, not formed as `Ψ⁻¹Λ · V`: where a free uniqueness
/// is near its floor (a Heywood case, ψ_t ~ 10⁻⁶) M has an eigenvalue ~1/ψ_t
/// and the rounding of its computed inverse V, multiplied by the row `λ_t/ψ_t`
/// of `Ψ⁻¹Λ`, is amplified along λ_t: A's entries stay right, but `λ_tᵀa_t`,
/// which `P_tt`, ℓ and the task's update divide by ψ_t, does not: `C/n`, the
/// next Λ and ℓ jitter from one evaluation to the next at the scale of the
/// stop rule's tolerance, and the fit cannot be certified. The
/// backward-stable solve keeps `λ_tᵀa_t` right to rounding
/// (Docs/decisions/heywood-precision.md). For the same reason each task's
/// `S_tt − λ_tᵀc_t/n` is summed before it is divided by ψ_t, instead of
/// subtracting two sums of size Σ 1/ψ_t.
///
/// A map calls ``loadRegression(_:)``, writes `S A` into ``sa`` from ``a``, then
/// calls ``finish(_:into:)``. Buffers are allocated once, in `init`.
struct FactorEMUpdate {
    let p: Int
    let k: Int
    let n: Int
    /// The diagonal of S, `S_tt = Σ_r z_rt² / n`.
    let sDiagonal: [Double]
    let anchored: [Bool]
    let anchors: [Double]
    let mStep: MStep
    /// Per task, the floor of a free ψ: `max(psiFloor, taskFloors[t])`.
    let psiFloors: [Double]
    /// Whether loadings are constrained to Λ ≥ 0 (`false`: classical free loadings).
    let nonNegative: Bool

    /// `A = Σ⁻¹Λ = Ψ⁻¹Λ M⁻¹` (p × k), written by ``loadRegression(_:)``.
    private(set) var a: Matrix
    /// `S A` (p × k): the map writes it between ``loadRegression(_:)`` and ``finish(_:into:)``.
    var sa: Matrix
    /// M's Cholesky factor (lower triangle), from ``loadRegression(_:)``.
    private var m: [Double]
    private var logDetM = 0.0
    private var v: [Double]
    private var t: [Double]
    private var tFactor: [Double]
    private var tInverse: [Double]
    private var cn: [Double]
    private var cross: [Double]
    private var quad: [Double]
    private var lt: [Double]
    private var nnls: NonNegativeQuadratic
    /// The ψ whose logarithms ``logPsi`` holds (NaN: none yet).
    private var loggedPsi: [Double]
    private var logPsi: [Double]

    /// Buffers for p tasks and k factors.
    ///
    /// - Parameters:
    ///   - sDiagonal: the p variances `S_tt`.
    ///   - n: observations (scales ℓ).
    ///   - k: factors.
    ///   - anchors: per task, the fixed ψ or `nil` for a free one.
    ///   - mStep: the M-step for Λ.
    ///   - psiFloor: the floor of a free ψ.
    ///   - taskFloors: per task, a higher floor of its free ψ (`--psi floor`: its noise floor); `nil`: none.
    ///   - nonNegative: whether Λ ≥ 0.
    init(sDiagonal: [Double], n: Int, k: Int, anchors: [Double?], mStep: MStep, psiFloor: Double,
         taskFloors: [Double]? = nil, nonNegative: Bool) {
        let p = sDiagonal.count
        self.p = p
        self.k = k
        self.n = n
        self.sDiagonal = sDiagonal
        anchored = anchors.map { $0 != nil }
        self.anchors = anchors.map { $0 ?? .nan }
        self.mStep = mStep
        psiFloors = taskFloors.map { $0.map { Swift.max($0, psiFloor) } } ?? [Double](repeating: psiFloor, count: p)
        self.nonNegative = nonNegative
        a = Matrix(rows: p, columns: k)
        sa = Matrix(rows: p, columns: k)
        m = [Double](repeating: 0, count: k * k)
        v = m; t = m; tFactor = m; tInverse = m
        cn = [Double](repeating: 0, count: p * k)
        cross = [Double](repeating: 0, count: p)
        quad = cross; lt = cross
        nnls = NonNegativeQuadratic(k: k)
        loggedPsi = [Double](repeating: .nan, count: p)
        logPsi = [Double](repeating: 0, count: p)
    }

    /// Whether every step is an exact EM step (nnls M-step, or free loadings).
    var likelihoodIsMerit: Bool { !nonNegative || mStep == .nnls }

    /// The anchor of an anchored task, `max(floor, value)` for a free one.
    func constrainUniqueness(_ value: Double, task: Int) -> Double {
        anchored[task] ? anchors[task] : Swift.max(psiFloors[task], value)
    }

    /// Writes `A = Ψ⁻¹Λ M⁻¹` of `x` into ``a``, with M's factor, `log|M|` and `V = M⁻¹`.
    ///
    /// With M = LLᵀ: `X Lᵀ = Ψ⁻¹Λ`, then `A L = X`, column by column (each row
    /// of A is a forward and a back substitution, backward stable).
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` when `M` is not positive
    ///   definite (non-finite parameters).
    /// - Complexity: O(pk² + k³).
    mutating func loadRegression(_ x: FactorParameters) throws(AnalysisError) {
        let p = self.p, k = self.k
        a.withMutableElements { span in span.withUnsafeMutableBufferPointer { ap in
            // A ← B = Ψ⁻¹Λ.
            for j in 0..<k { for i in 0..<p { ap[i + j * p] = x.lambda[i + j * p] / x.psi[i] } }
            // M = I + ΛᵀB.
            x.lambda.withUnsafeBufferPointer { lp in
                for c in 0..<k {
                    for e in 0...c {
                        let sum = dot(lp, from: e * p, UnsafeBufferPointer(ap), from: c * p, count: p)
                        m[e + c * k] = sum + (e == c ? 1 : 0); m[c + e * k] = m[e + c * k]
                    }
                }
            }
        } }
        do throws(LinalgError) { try InPlaceCholesky.factor(&m, order: k) } catch { throw .numerical(error) }
        logDetM = InPlaceCholesky.logDeterminant(factor: m, order: k)
        InPlaceCholesky.inverse(factor: m, order: k, into: &v)
        let l = m
        guard p > 0 else { return }
        a.withMutableElements { span in span.withUnsafeMutableBufferPointer { ap in
            let base = ap.baseAddress!
            // X Lᵀ = B: X[:, j] = (B[:, j] − Σ_{e<j} X[:, e] L[j, e]) / L[j, j].
            for j in 0..<k {
                Self.eliminate(base + j * p, terms: j, count: p, scale: 1 / l[j + j * k],
                               source: { base + $0 * p }, weight: { l[j + $0 * k] })
            }
            // A L = X: A[:, j] = (X[:, j] − Σ_{e>j} A[:, e] L[e, j]) / L[j, j].
            for j in stride(from: k - 1, through: 0, by: -1) {
                Self.eliminate(base + j * p, terms: k - 1 - j, count: p, scale: 1 / l[j + j * k],
                               source: { base + (j + 1 + $0) * p }, weight: { l[(j + 1 + $0) + j * k] })
            }
        } }
    }

    /// `target[i] = (((target[i] − s_0[i] w_0) − s_1[i] w_1) − …) · scale` for
    /// `i < count`, the terms subtracted in order: the same operations as one
    /// pass per term and a last pass for the scale, in a pass per four terms
    /// (the columns stay in cache; the result is bit-identical).
    ///
    /// - Complexity: `count · (terms + 1)` multiply–adds.
    @inline(__always)
    private static func eliminate(
        _ target: UnsafeMutablePointer<Double>, terms: Int, count: Int, scale: Double,
        source: (Int) -> UnsafeMutablePointer<Double>, weight: (Int) -> Double
    ) {
        var e = 0
        while terms - e >= 4 {
            let s0 = source(e), s1 = source(e + 1), s2 = source(e + 2), s3 = source(e + 3)
            let w0 = weight(e), w1 = weight(e + 1), w2 = weight(e + 2), w3 = weight(e + 3)
            if terms - e == 4 {
                for i in 0..<count { target[i] = ((((target[i] - s0[i] * w0) - s1[i] * w1) - s2[i] * w2) - s3[i] * w3) * scale }
                return
            }
            for i in 0..<count { target[i] = (((target[i] - s0[i] * w0) - s1[i] * w1) - s2[i] * w2) - s3[i] * w3 }
            e += 4
        }
        switch terms - e {
        case 3:
            let s0 = source(e), s1 = source(e + 1), s2 = source(e + 2)
            let w0 = weight(e), w1 = weight(e + 1), w2 = weight(e + 2)
            for i in 0..<count { target[i] = (((target[i] - s0[i] * w0) - s1[i] * w1) - s2[i] * w2) * scale }
        case 2:
            let s0 = source(e), s1 = source(e + 1), w0 = weight(e), w1 = weight(e + 1)
            for i in 0..<count { target[i] = ((target[i] - s0[i] * w0) - s1[i] * w1) * scale }
        case 1:
            let s0 = source(e), w0 = weight(e)
            for i in 0..<count { target[i] = (target[i] - s0[i] * w0) * scale }
        default:
            for i in 0..<count { target[i] *= scale }
        }
    }

    /// Completes the iteration from ``a`` and ``sa``: writes `F(x)` into `out`
    /// and returns `ℓ(x)`.
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` when `S_θθ` is not
    ///   positive definite (non-finite parameters).
    /// - Complexity: O(pk² + k³), plus the active sets of the nnls M-step.
    mutating func finish(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) -> Double {
        let logLikelihood = expectation(x)
        try maximization(x, into: &out)
        return logLikelihood
    }

    /// `∇ℓ(x)/n` by Fisher's identity from ``a`` and ``sa`` (the E-step's `C/n`
    /// and `T`): `∂ℓ/∂λ_t = n (c_t − T λ_t)/ψ_t`, `∂ℓ/∂log ψ_t = n/2 (q_t/ψ_t − 1)`
    /// with `q_t = S_tt − 2 c_tᵀλ_t + λ_tᵀTλ_t` (0 for an anchored task); returns `ℓ(x)`.
    ///
    /// - Complexity: O(pk² + k³).
    mutating func gradient(_ x: FactorParameters, into gradient: inout FactorParameters) throws(AnalysisError) -> Double {
        let logLikelihood = expectation(x)
        let p = self.p, k = self.k
        x.lambda.withUnsafeBufferPointer { lp in
            cn.withUnsafeBufferPointer { cp in
                t.withUnsafeBufferPointer { tp in
                    gradient.lambda.withUnsafeMutableBufferPointer { gl in
                        gradient.psi.withUnsafeMutableBufferPointer { gs in
                            for i in 0..<p {
                                let psi = x.psi[i]
                                let (quad, cross) = Self.loadingScore(task: i, lambda: lp, c: cp, t: tp, psi: psi, scale: 1,
                                                                      p: p, k: k, into: gl)
                                gs[i] = anchored[i] ? 0 : 0.5 * ((sDiagonal[i] - 2 * cross + quad) / psi - 1)
                            }
                        }
                    }
                }
            }
        }
        return logLikelihood
    }

    /// Task i's loading score by Fisher's identity, `(c_i − T λ_i)/ψ_i / scale`,
    /// into row i of `gradient` (p × k column-major; `c` likewise, `T` k × k);
    /// returns `λ_iᵀTλ_i` and `c_iᵀλ_i` for the uniqueness's score. Shared by
    /// the complete-data maps (one T) and the missing-data map (T_t per task).
    ///
    /// - Complexity: O(k²).
    static func loadingScore(
        task i: Int, lambda: UnsafeBufferPointer<Double>, c: UnsafeBufferPointer<Double>, t: UnsafeBufferPointer<Double>,
        psi: Double, scale: Double, p: Int, k: Int, into gradient: UnsafeMutableBufferPointer<Double>
    ) -> (quad: Double, cross: Double) {
        var quad = 0.0, cross = 0.0
        for row in 0..<k {
            var tl = 0.0
            for a in 0..<k { tl += t[row + a * k] * lambda[i + a * p] }
            gradient[i + row * p] = (c[i + row * p] - tl) / psi / scale
            quad += tl * lambda[i + row * p]
            cross += c[i + row * p] * lambda[i + row * p]
        }
        return (quad, cross)
    }

    /// Each task's block of the Fisher information per observation, in
    /// `(λ_t1 … λ_tk, log ψ_t)`, from the last E-step (at `x`). With
    /// `P = Σ⁻¹`, `A = PΛ` (``a``) and `C = ΛᵀPΛ = I − V`:
    ///
    /// ```
    /// I(λ_tj, λ_tl) = P_tt C_jl + A_tj A_tl,   I(λ_tj, log ψ_t) = ψ_t P_tt A_tj,   I(log ψ_t, log ψ_t) = ½ ψ_t² P_tt²
    /// ```
    ///
    /// with `P_tt = (1 − λ_tᵀa_t)/ψ_t`.
    ///
    /// - Complexity: O(pk²).
    func informationBlocks(_ x: FactorParameters, into blocks: inout [Double]) {
        var info = SharedInformation(p: p, k: k)
        sharedInformation(x, into: &info)
        info.denseBlocks(into: &blocks)
    }

    /// ``informationBlocks(_:into:)`` in their shared form: `W = I − V`, `A`
    /// (row t: `a_t = V λ_t/ψ_t`), `P_tt = (1 − λ_tᵀa_t)/ψ_t` and ψ into `info`
    /// (``SharedInformation/prepare()`` factors it).
    ///
    /// - Complexity: O(pk²).
    func sharedInformation(_ x: FactorParameters, into info: inout SharedInformation) {
        let p = self.p, k = self.k
        for c in 0..<k { for e in 0..<k { info.w[c + e * k] = (c == e ? 1 : 0) - v[c + e * k] } }
        a.withElements { span in span.withUnsafeBufferPointer { ap in
            for i in 0..<p * k { info.a[i] = ap[i] }
            for i in 0..<p {
                var dot = 0.0
                for c in 0..<k { dot += x.lambda[i + c * p] * ap[i + c * p] }
                info.ptt[i] = (1 - dot) / x.psi[i]
                info.psi[i] = x.psi[i]
            }
        } }
    }

    /// The E-step from ``a`` and ``sa``: `C/n`, `T = S_θθ/n`; returns `ℓ(x)`.
    private mutating func expectation(_ x: FactorParameters) -> Double {
        let p = self.p, k = self.k
        // C/n = S A.
        sa.withElements { span in span.withUnsafeBufferPointer { sp in
            cn.withUnsafeMutableBufferPointer { cp in for i in 0..<p * k { cp[i] = sp[i] } }
        } }
        // T = V + Aᵀ(S A), the upper triangle summed over tasks, mirrored.
        a.withElements { span in span.withUnsafeBufferPointer { ap in
            cn.withUnsafeBufferPointer { cp in
                for c in 0..<k {
                    for e in 0...c {
                        let sum = dot(ap, from: e * p, cp, from: c * p, count: p)
                        t[e + c * k] = v[e + c * k] + sum; t[c + e * k] = t[e + c * k]
                    }
                }
            }
        } }
        // Log-likelihood of the input: each task's S_tt − λ_tᵀc_t/n before ÷ ψ_t.
        // (log ψ_t is kept from the last evaluation while ψ_t is unchanged: an
        // anchored ψ never changes, and p logarithms cost as much as the rest
        // of this loop on wide sweeps.)
        var sumLogPsi = 0.0, traceSigmaInverseS = 0.0
        x.lambda.withUnsafeBufferPointer { lp in
            cn.withUnsafeBufferPointer { cp in
                x.psi.withUnsafeBufferPointer { psi in
                    loggedPsi.withUnsafeMutableBufferPointer { logged in
                        logPsi.withUnsafeMutableBufferPointer { logPsi in
                            for i in 0..<p {
                                var fitted = 0.0
                                for c in 0..<k { fitted += lp[i + c * p] * cp[i + c * p] }
                                if psi[i] != logged[i] { logged[i] = psi[i]; logPsi[i] = log(psi[i]) }
                                sumLogPsi += logPsi[i]
                                traceSigmaInverseS += (sDiagonal[i] - fitted) / psi[i]
                            }
                        }
                    }
                }
            }
        }
        return -Double(n) / 2 * (Double(p) * log(2 * Double.pi) + sumLogPsi + logDetM + traceSigmaInverseS)
    }

    /// The M-step from the last E-step's `C/n` and `T`: writes `F(x)` into `out`
    /// (`x`'s loadings warm-start the nnls rows).
    private mutating func maximization(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) {
        let p = self.p, k = self.k
        // M-step for Λ: the unconstrained update C S_θθ⁻¹ = (C/n) T⁻¹, column by column.
        for i in 0..<k * k { tFactor[i] = t[i] }
        do throws(LinalgError) { try InPlaceCholesky.factor(&tFactor, order: k) } catch { throw .numerical(error) }
        InPlaceCholesky.inverse(factor: tFactor, order: k, into: &tInverse)
        let inverse = tInverse
        cn.withUnsafeBufferPointer { cnp in
            out.lambda.withUnsafeMutableBufferPointer { lp in
                for c in 0..<k { Self.column(c, of: cnp, times: inverse, rows: p, factors: k, into: lp.baseAddress! + c * p) }
            }
        }
        // Free loadings: the unconstrained update, whatever the M-step.
        switch nonNegative ? mStep : .projected {
        case .projected:
            if nonNegative {
                out.lambda.withUnsafeMutableBufferPointer { lp in
                    for i in 0..<p * k { lp[i] = Swift.max(0, lp[i]) }
                }
            }
        case .nnls:
            // A row whose unconstrained minimiser c T⁻¹ is positive needs no
            // active set: it is the NNLS solution (most rows, most of the time).
            for i in 0..<p {
                var positive = true
                for c in 0..<k where !(out.lambda[i + c * p] > 0) { positive = false; break }
                if !positive { nnls.solve(a: t, c: cn, cOffset: i, stride: p, into: &out.lambda, warm: x.lambda) }
            }
        }

        // ψ update: ψ'_t = S_tt − 2 Σ_c cn_tc λ'_tc + Σ_c (Σ_a λ'_ta T_ac) λ'_tc, summed in c order.
        cross.withUnsafeMutableBufferPointer { crossp in
            quad.withUnsafeMutableBufferPointer { quadp in
                lt.withUnsafeMutableBufferPointer { ltp in
                    cn.withUnsafeBufferPointer { cnp in
                        out.lambda.withUnsafeBufferPointer { lp in
                            crossp.update(repeating: 0)
                            quadp.update(repeating: 0)
                            for c in 0..<k {
                                Self.column(c, of: lp, times: t, rows: p, factors: k, into: ltp.baseAddress!)
                                let lc = lp.baseAddress! + c * p, cc = cnp.baseAddress! + c * p
                                for i in 0..<p {
                                    crossp[i] += cc[i] * lc[i]
                                    quadp[i] += ltp[i] * lc[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<p {
            out.psi[i] = anchored[i] ? anchors[i] : Swift.max(psiFloors[i], sDiagonal[i] - 2 * cross[i] + quad[i])
        }
    }

    /// Column c of `A W` for A (p × k) and W (k × k), both column-major: each entry
    /// sums `A[i, a] W[a, c]` in the order a = 0, 1, …, k − 1 (the rounding of a
    /// row-by-row loop), while the p-long loops run down A's columns (stride 1),
    /// four columns per pass.
    ///
    /// - Complexity: 2pk flops.
    private static func column(
        _ c: Int, of a: UnsafeBufferPointer<Double>, times w: [Double], rows p: Int, factors k: Int,
        into out: UnsafeMutablePointer<Double>
    ) {
        out.update(repeating: 0, count: p)
        guard let base = a.baseAddress else { return }
        // Four terms per pass over p (the same additions in the same order).
        var e = 0
        while k - e >= 4 {
            let s0 = base + e * p, s1 = s0 + p, s2 = s1 + p, s3 = s2 + p
            let w0 = w[e + c * k], w1 = w[e + 1 + c * k], w2 = w[e + 2 + c * k], w3 = w[e + 3 + c * k]
            for i in 0..<p { out[i] = (((out[i] + s0[i] * w0) + s1[i] * w1) + s2[i] * w2) + s3[i] * w3 }
            e += 4
        }
        while e < k {
            let weight = w[e + c * k], source = base + e * p
            for i in 0..<p { out[i] += source[i] * weight }
            e += 1
        }
    }
}
