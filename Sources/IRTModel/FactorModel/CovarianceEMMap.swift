import Foundation
import Linalg

/// The EM map of the factor model in covariance space: one evaluation is one
/// EM iteration, with non-negative loadings (or free ones) and fixed anchored ψ.
///
/// Everything the iteration needs from the data is `S = ZᵀZ / n`, computed once:
///
/// ```
/// B = Ψ⁻¹Λ,  M = I + ΛᵀB,  V = M⁻¹,  G = Bᵀ S B
/// C / n      = S B V                       (C = ZᵀΘ̂, Θ̂ = Z B V)
/// S_θθ / n   = V + V G V                   (S_θθ = nV + Θ̂ᵀΘ̂)
/// Λ'         = max(0, C S_θθ⁻¹)             (projected)   or row-wise NNLS (exact)
/// ψ'_t       = S_tt − 2 (C∘Λ')_t·/n + ((Λ' S_θθ)∘Λ')_t·/n,  floored, anchors fixed
/// ℓ(Λ, ψ)    = −n/2 [p log 2π + Σ log ψ + log|M| + Σ S_tt/ψ_t − tr(V G)]
/// ```
///
/// The last line is the log-likelihood of the *input* parameters, free from
/// quantities the step computes anyway (Woodbury and the matrix determinant lemma).
/// Cost: one p × p × k product (2p²k flops) plus O(pk²).
struct CovarianceEMMap: EMMap {
    let p: Int
    let k: Int
    let n: Int
    let s: Matrix
    let sDiagonal: [Double]
    let anchored: [Bool]
    let anchors: [Double]
    let mStep: MStep
    let psiFloor: Double
    /// Whether loadings are constrained to Λ ≥ 0 (`false`: classical free loadings).
    let nonNegative: Bool

    private var b: Matrix
    private var sb: Matrix
    private var m: [Double]
    private var v: [Double]
    private var g: [Double]
    private var vg: [Double]
    private var t: [Double]
    private var tFactor: [Double]
    private var tInverse: [Double]
    private var cn: [Double]
    private var nnls: NonNegativeQuadratic

    var taskCount: Int { p }
    var factorCount: Int { k }
    var observationCount: Int { n }

    init(s: Matrix, n: Int, k: Int, anchors: [Double?], mStep: MStep, psiFloor: Double, nonNegative: Bool = true) {
        p = s.rows
        self.k = k
        self.n = n
        self.s = s
        sDiagonal = s.diagonalElements
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
        nnls = NonNegativeQuadratic(k: k)
    }

    /// With free loadings Λ is identified only up to a rotation `Λ R`, along
    /// which the EM drifts without end; the step then measures what every
    /// rotation shares: each task's `Σ_j λ_tj²` and ψ_t. With `Λ ≥ 0` it is
    /// `max |ΔΛ|` (the zero bound pins the rotation where loadings sit on it).
    func step(from x: FactorParameters, to y: FactorParameters) -> Double {
        nonNegative ? Self.loadingStep(from: x, to: y) : Self.rotationInvariantStep(from: x, to: y, p: p, k: k)
    }

    var likelihoodIsMerit: Bool { !nonNegative || mStep == .nnls }

    func constrainLoading(_ value: Double) -> Double { nonNegative ? Swift.max(0, value) : value }

    func constrainUniqueness(_ value: Double, task: Int) -> Double {
        anchored[task] ? anchors[task] : Swift.max(psiFloor, value)
    }

    /// Applies one EM map `x ↦ F(x)` into `out` and returns `ℓ(x)`.
    mutating func evaluate(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) -> Double {
        let logLikelihood = try expectation(x)
        try maximization(into: &out)
        return logLikelihood
    }

    /// `∇ℓ(x)/n` by Fisher's identity from the E-step's `C/n` and `T`:
    /// `∂ℓ/∂λ_t = n (c_t − T λ_t)/ψ_t`, `∂ℓ/∂log ψ_t = n/2 (q_t/ψ_t − 1)` with
    /// `q_t = S_tt − 2 c_tᵀλ_t + λ_tᵀTλ_t`.
    mutating func gradient(_ x: FactorParameters, into gradient: inout FactorParameters) throws(AnalysisError) -> Double {
        let logLikelihood = try expectation(x)
        for i in 0..<p {
            var quad = 0.0, cross = 0.0
            for c in 0..<k {
                var tl = 0.0
                for a in 0..<k { tl += t[c + a * k] * x.lambda[i + a * p] }
                gradient.lambda[i + c * p] = (cn[i + c * p] - tl) / x.psi[i]
                quad += tl * x.lambda[i + c * p]
                cross += cn[i + c * p] * x.lambda[i + c * p]
            }
            gradient.psi[i] = anchored[i] ? 0 : 0.5 * ((sDiagonal[i] - 2 * cross + quad) / x.psi[i] - 1)
        }
        return logLikelihood
    }

    /// Each task's block of the Fisher information per observation, in
    /// `(λ_t1 … λ_tk, log ψ_t)`, from the last E-step (at `x`). With
    /// `P = Σ⁻¹`, `A = PΛ = BV` and `C = ΛᵀPΛ = I − V`:
    ///
    /// ```
    /// I(λ_tj, λ_tl) = P_tt C_jl + A_tj A_tl,   I(λ_tj, log ψ_t) = ψ_t P_tt A_tj,   I(log ψ_t, log ψ_t) = ½ ψ_t² P_tt²
    /// ```
    ///
    /// with `P_tt = 1/ψ_t − b_tᵀ V b_t`. Cost O(p k²).
    func informationBlocks(_ x: FactorParameters, into blocks: inout [Double]) {
        let order = k + 1
        let be = b.elements
        var a = [Double](repeating: 0, count: k)
        for i in 0..<p {
            var bvb = 0.0
            for c in 0..<k {
                var sum = 0.0
                for e in 0..<k { sum += be[i + e * p] * v[e + c * k] }
                a[c] = sum
                bvb += sum * be[i + c * p]
            }
            let ptt = 1 / x.psi[i] - bvb, base = i * order * order
            for c in 0..<k {
                for e in 0..<k {
                    blocks[base + c + e * order] = ptt * ((c == e ? 1 : 0) - v[c + e * k]) + a[c] * a[e]
                }
                blocks[base + c + k * order] = x.psi[i] * ptt * a[c]
                blocks[base + k + c * order] = x.psi[i] * ptt * a[c]
            }
            blocks[base + k + k * order] = 0.5 * x.psi[i] * x.psi[i] * ptt * ptt
        }
    }

    /// The E-step at `x`: fills `C/n` and `T = S_θθ/n`, returns `ℓ(x)`.
    private mutating func expectation(_ x: FactorParameters) throws(AnalysisError) -> Double {
        let p = self.p, k = self.k
        // B = Ψ⁻¹Λ
        b.withMutableElements { bs in
            for j in 0..<k { for i in 0..<p { bs[i + j * p] = x.lambda[i + j * p] / x.psi[i] } }
        }
        // SB = S·B (the O(p²k) part).
        do throws(LinalgError) { try Matrix.multiply(s, .none, b, .none, into: &sb) } catch { throw .numerical(error) }
        // M = I + ΛᵀB, G = BᵀSB.
        let be = b.elements, sbe = sb.elements
        for c in 0..<k {
            for a in 0...c {
                var sm = 0.0, sg = 0.0
                for i in 0..<p {
                    sm += x.lambda[i + a * p] * be[i + c * p]
                    sg += be[i + a * p] * sbe[i + c * p]
                }
                m[a + c * k] = sm + (a == c ? 1 : 0); m[c + a * k] = m[a + c * k]
                g[a + c * k] = sg; g[c + a * k] = sg
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
        for c in 0..<k {
            for i in 0..<p {
                var sum = 0.0
                for a in 0..<k { sum += sbe[i + a * p] * v[a + c * k] }
                cn[i + c * p] = sum
            }
        }
        for c in 0..<k { for a in 0..<k {
            var sum = 0.0
            for e in 0..<k { sum += v[a + e * k] * g[e + c * k] }
            vg[a + c * k] = sum
        } }
        for c in 0..<k { for a in 0..<k {
            var sum = v[a + c * k]
            for e in 0..<k { sum += vg[a + e * k] * v[e + c * k] }
            t[a + c * k] = sum
        } }
        return logLikelihood
    }

    /// The M-step from the last E-step's `C/n` and `T`.
    private mutating func maximization(into out: inout FactorParameters) throws(AnalysisError) {
        let p = self.p, k = self.k
        // M-step for Λ.
        // Free loadings: the unconstrained update, whatever the M-step.
        switch nonNegative ? mStep : .projected {
        case .projected:
            for i in 0..<k * k { tFactor[i] = t[i] }
            do throws(LinalgError) { try InPlaceCholesky.factor(&tFactor, order: k) } catch { throw .numerical(error) }
            InPlaceCholesky.inverse(factor: tFactor, order: k, into: &tInverse)
            for c in 0..<k {
                for i in 0..<p {
                    var sum = 0.0
                    for a in 0..<k { sum += cn[i + a * p] * tInverse[a + c * k] }
                    out.lambda[i + c * p] = constrainLoading(sum)
                }
            }
        case .nnls:
            // A row whose unconstrained minimiser c T⁻¹ is positive needs no
            // active set: it is the NNLS solution (most rows, most of the time).
            for i in 0..<k * k { tFactor[i] = t[i] }
            do throws(LinalgError) { try InPlaceCholesky.factor(&tFactor, order: k) } catch { throw .numerical(error) }
            InPlaceCholesky.inverse(factor: tFactor, order: k, into: &tInverse)
            for i in 0..<p {
                var positive = true
                for c in 0..<k {
                    var sum = 0.0
                    for a in 0..<k { sum += cn[i + a * p] * tInverse[a + c * k] }
                    out.lambda[i + c * p] = sum
                    if !(sum > 0) { positive = false }
                }
                if !positive { nnls.solve(a: t, c: cn, cOffset: i, stride: p, into: &out.lambda) }
            }
        }

        // ψ update.
        for i in 0..<p {
            if anchored[i] {
                out.psi[i] = anchors[i]
                continue
            }
            var cross = 0.0, quad = 0.0
            for c in 0..<k {
                let lic = out.lambda[i + c * p]
                cross += cn[i + c * p] * lic
                var lt = 0.0
                for a in 0..<k { lt += out.lambda[i + a * p] * t[a + c * k] }
                quad += lt * lic
            }
            out.psi[i] = Swift.max(psiFloor, sDiagonal[i] - 2 * cross + quad)
        }
    }
}
