import Foundation
import Linalg

/// One EM iteration of the complete-data factor model from the product
/// `S B`, whatever computed it: the part shared by the covariance-space map
/// (``CovarianceEMMap``, `S B` by one p × p × k product) and the data-space map
/// (``DataSpaceEMMap``, `Zᵀ(Z B)/n` by two n × p × k products).
///
/// ```
/// B = Ψ⁻¹Λ,  M = I + ΛᵀB,  V = M⁻¹,  G = Bᵀ (S B)
/// C / n      = (S B) V                     (C = ZᵀΘ̂, Θ̂ = Z B V)
/// S_θθ / n   = V + V G V                   (S_θθ = nV + Θ̂ᵀΘ̂)
/// Λ'         = max(0, C S_θθ⁻¹)             (projected)   or row-wise NNLS (exact)
/// ψ'_t       = S_tt − 2 (C∘Λ')_t·/n + ((Λ' S_θθ)∘Λ')_t·/n,  floored, anchors fixed
/// ℓ(Λ, ψ)    = −n/2 [p log 2π + Σ log ψ + log|M| + Σ S_tt/ψ_t − tr(V G)]
/// ```
///
/// A map calls ``loadB(_:)``, writes `S B` into ``sb`` from ``b``, then calls
/// ``finish(_:into:)``. Buffers are allocated once, in `init`.
struct FactorEMUpdate {
    let p: Int
    let k: Int
    let n: Int
    /// The diagonal of S, `S_tt = Σ_r z_rt² / n`.
    let sDiagonal: [Double]
    let anchored: [Bool]
    let anchors: [Double]
    let mStep: MStep
    let psiFloor: Double
    /// Whether loadings are constrained to Λ ≥ 0 (`false`: classical free loadings).
    let nonNegative: Bool

    /// `B = Ψ⁻¹Λ` (p × k), written by ``loadB(_:)``.
    private(set) var b: Matrix
    /// `S B` (p × k): the map writes it between ``loadB(_:)`` and ``finish(_:into:)``.
    var sb: Matrix
    private var m: [Double]
    private var v: [Double]
    private var g: [Double]
    private var vg: [Double]
    private var t: [Double]
    private var tFactor: [Double]
    private var tInverse: [Double]
    private var cn: [Double]
    private var cross: [Double]
    private var quad: [Double]
    private var lt: [Double]
    private var nnls: NonNegativeQuadratic

    /// Buffers for p tasks and k factors.
    ///
    /// - Parameters:
    ///   - sDiagonal: the p variances `S_tt`.
    ///   - n: observations (scales ℓ).
    ///   - k: factors.
    ///   - anchors: per task, the fixed ψ or `nil` for a free one.
    ///   - mStep: the M-step for Λ.
    ///   - psiFloor: the floor of a free ψ.
    ///   - nonNegative: whether Λ ≥ 0.
    init(sDiagonal: [Double], n: Int, k: Int, anchors: [Double?], mStep: MStep, psiFloor: Double, nonNegative: Bool) {
        let p = sDiagonal.count
        self.p = p
        self.k = k
        self.n = n
        self.sDiagonal = sDiagonal
        anchored = anchors.map { $0 != nil }
        self.anchors = anchors.map { $0 ?? .nan }
        self.mStep = mStep
        self.psiFloor = psiFloor
        self.nonNegative = nonNegative
        b = Matrix(rows: p, columns: k)
        sb = Matrix(rows: p, columns: k)
        m = [Double](repeating: 0, count: k * k)
        v = m; g = m; vg = m; t = m; tFactor = m; tInverse = m
        cn = [Double](repeating: 0, count: p * k)
        cross = [Double](repeating: 0, count: p)
        quad = cross; lt = cross
        nnls = NonNegativeQuadratic(k: k)
    }

    /// Whether every step is an exact EM step (nnls M-step, or free loadings).
    var likelihoodIsMerit: Bool { !nonNegative || mStep == .nnls }

    /// The anchor of an anchored task, `max(floor, value)` for a free one.
    func constrainUniqueness(_ value: Double, task: Int) -> Double {
        anchored[task] ? anchors[task] : Swift.max(psiFloor, value)
    }

    /// Writes `B = Ψ⁻¹Λ` of `x` into ``b``.
    ///
    /// - Complexity: O(pk).
    mutating func loadB(_ x: FactorParameters) {
        let p = self.p, k = self.k
        b.withMutableElements { bs in
            for j in 0..<k { for i in 0..<p { bs[i + j * p] = x.lambda[i + j * p] / x.psi[i] } }
        }
    }

    /// Completes the iteration from ``b`` and ``sb``: writes `F(x)` into `out`
    /// and returns `ℓ(x)`.
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` when `M` or `S_θθ` is not
    ///   positive definite (non-finite parameters).
    /// - Complexity: O(pk² + k³), plus the active sets of the nnls M-step.
    mutating func finish(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) -> Double {
        let logLikelihood = try expectation(x)
        try maximization(x, into: &out)
        return logLikelihood
    }

    /// `∇ℓ(x)/n` by Fisher's identity from ``b`` and ``sb`` (the E-step's `C/n`
    /// and `T`): `∂ℓ/∂λ_t = n (c_t − T λ_t)/ψ_t`, `∂ℓ/∂log ψ_t = n/2 (q_t/ψ_t − 1)`
    /// with `q_t = S_tt − 2 c_tᵀλ_t + λ_tᵀTλ_t` (0 for an anchored task); returns `ℓ(x)`.
    ///
    /// - Complexity: O(pk² + k³).
    mutating func gradient(_ x: FactorParameters, into gradient: inout FactorParameters) throws(AnalysisError) -> Double {
        let logLikelihood = try expectation(x)
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
    /// `P = Σ⁻¹`, `A = PΛ = BV` and `C = ΛᵀPΛ = I − V`:
    ///
    /// ```
    /// I(λ_tj, λ_tl) = P_tt C_jl + A_tj A_tl,   I(λ_tj, log ψ_t) = ψ_t P_tt A_tj,   I(log ψ_t, log ψ_t) = ½ ψ_t² P_tt²
    /// ```
    ///
    /// with `P_tt = 1/ψ_t − b_tᵀ V b_t`.
    ///
    /// - Complexity: O(pk²).
    func informationBlocks(_ x: FactorParameters, into blocks: inout [Double]) {
        var info = SharedInformation(p: p, k: k)
        sharedInformation(x, into: &info)
        info.denseBlocks(into: &blocks)
    }

    /// ``informationBlocks(_:into:)`` in their shared form: `W = I − V`,
    /// `A = BV` (row t: `a_t = V b_t`), `P_tt = 1/ψ_t − b_tᵀ V b_t` and ψ into
    /// `info` (``SharedInformation/prepare()`` factors it).
    ///
    /// - Complexity: O(pk²).
    func sharedInformation(_ x: FactorParameters, into info: inout SharedInformation) {
        let p = self.p, k = self.k
        for c in 0..<k { for e in 0..<k { info.w[c + e * k] = (c == e ? 1 : 0) - v[c + e * k] } }
        b.elements.withUnsafeBufferPointer { be in
            v.withUnsafeBufferPointer { vp in
                info.a.withUnsafeMutableBufferPointer { ap in
                    info.ptt.withUnsafeMutableBufferPointer { bvb in
                        SharedInformation.rowProducts(be, vp, p: p, k: k, into: ap, rowStride: 1, columnStride: p, dots: bvb)
                    }
                }
            }
        }
        for i in 0..<p {
            info.ptt[i] = 1 / x.psi[i] - info.ptt[i]
            info.psi[i] = x.psi[i]
        }
    }

    /// The E-step from ``b`` and ``sb``: `M`, `V`, `G`, `C/n`, `T = S_θθ/n`; returns `ℓ(x)`.
    private mutating func expectation(_ x: FactorParameters) throws(AnalysisError) -> Double {
        let p = self.p, k = self.k
        // M = I + ΛᵀB, G = BᵀSB.
        let be = b.elements, sbe = sb.elements
        x.lambda.withUnsafeBufferPointer { lp in
            be.withUnsafeBufferPointer { bp in
                sbe.withUnsafeBufferPointer { sbp in
                    for c in 0..<k {
                        for a in 0...c {
                            var sm = 0.0, sg = 0.0
                            for i in 0..<p {
                                sm += lp[i + a * p] * bp[i + c * p]
                                sg += bp[i + a * p] * sbp[i + c * p]
                            }
                            m[a + c * k] = sm + (a == c ? 1 : 0); m[c + a * k] = m[a + c * k]
                            g[a + c * k] = sg; g[c + a * k] = sg
                        }
                    }
                }
            }
        }
        do throws(LinalgError) { try InPlaceCholesky.factor(&m, order: k) } catch { throw .numerical(error) }
        let logDetM = InPlaceCholesky.logDeterminant(factor: m, order: k)
        InPlaceCholesky.inverse(factor: m, order: k, into: &v)

        // Log-likelihood of the input.
        var traceVG = 0.0
        for a in 0..<k { for c in 0..<k { traceVG += v[a + c * k] * g[c + a * k] } }
        var sumLogPsi = 0.0, traceSPsi = 0.0
        for i in 0..<p { sumLogPsi += log(x.psi[i]); traceSPsi += sDiagonal[i] / x.psi[i] }
        let logLikelihood = -Double(n) / 2
            * (Double(p) * log(2 * Double.pi) + sumLogPsi + logDetM + traceSPsi - traceVG)

        // C/n = SB·V ; T = S_θθ/n = V + V G V.
        // The p-long loops run down columns (stride 1, vectorizable); each entry
        // still sums its terms in the order a = 0, 1, …, so the rounding is that
        // of the row-by-row loops.
        cn.withUnsafeMutableBufferPointer { cnp in
            sbe.withUnsafeBufferPointer { sbp in
                for c in 0..<k { Self.column(c, of: sbp, times: v, rows: p, factors: k, into: cnp.baseAddress! + c * p) }
            }
        }
        // VG and T = V + (VG)V by columns; each entry sums over e in order.
        v.withUnsafeBufferPointer { v in
            g.withUnsafeBufferPointer { g in
                vg.withUnsafeMutableBufferPointer { vg in
                    for c in 0..<k {
                        for a in 0..<k { vg[a + c * k] = 0 }
                        for e in 0..<k {
                            let w = g[e + c * k]
                            for a in 0..<k { vg[a + c * k] += v[a + e * k] * w }
                        }
                    }
                }
            }
        }
        v.withUnsafeBufferPointer { v in
            vg.withUnsafeBufferPointer { vg in
                t.withUnsafeMutableBufferPointer { t in
                    for c in 0..<k {
                        for a in 0..<k { t[a + c * k] = v[a + c * k] }
                        for e in 0..<k {
                            let w = v[e + c * k]
                            for a in 0..<k { t[a + c * k] += vg[a + e * k] * w }
                        }
                    }
                }
            }
        }

        return logLikelihood
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
            out.psi[i] = anchored[i] ? anchors[i] : Swift.max(psiFloor, sDiagonal[i] - 2 * cross[i] + quad[i])
        }
    }

    /// Column c of `A W` for A (p × k) and W (k × k), both column-major: each entry
    /// sums `A[i, a] W[a, c]` in the order a = 0, 1, …, k − 1 (the rounding of a
    /// row-by-row loop), while the p-long loops run down A's columns (stride 1).
    ///
    /// - Complexity: 2pk flops.
    private static func column(
        _ c: Int, of a: UnsafeBufferPointer<Double>, times w: [Double], rows p: Int, factors k: Int,
        into out: UnsafeMutablePointer<Double>
    ) {
        out.update(repeating: 0, count: p)
        for e in 0..<k {
            let weight = w[e + c * k], source = a.baseAddress! + e * p
            for i in 0..<p { out[i] += source[i] * weight }
        }
    }
}
