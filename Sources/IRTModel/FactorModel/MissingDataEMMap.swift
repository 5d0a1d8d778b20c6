import Foundation
import Linalg

/// The EM map of the factor model on z-scores with gaps: maximum likelihood
/// over each run's observed cells, under missing-at-random.
///
/// The complete data of run r are its observed z-scores `z_O` and its factors
/// θ_r (a missing z is independent of everything given θ, so it drops out).
/// Runs are grouped by their pattern O of observed tasks; per pattern
///
/// ```
/// M_O = I + Σ_{t∈O} λ_t λ_tᵀ / ψ_t,   V_O = M_O⁻¹,   b_r = Σ_{t∈O} λ_t z_rt / ψ_t,   θ̂_r = V_O b_r
/// ℓ_r = −½ [|O| log 2π + Σ_{t∈O} log ψ_t + log|M_O| + Σ_{t∈O} z_rt²/ψ_t − b_rᵀ V_O b_r]
/// ```
///
/// (Woodbury and the determinant lemma on `Σ_OO = Λ_OΛ_Oᵀ + Ψ_O`), and the
/// M-step of task t uses the runs that observe it:
///
/// ```
/// c_t = Σ_{r∋t} z_rt θ̂_r,   T_t = Σ_{r∋t} (V_O(r) + θ̂_r θ̂_rᵀ),   n_t = #{r ∋ t}
/// λ_t' = max(0, T_t⁻¹ c_t)  (projected)   or   argmin_{λ≥0} λᵀT_tλ − 2c_tᵀλ  (nnls)
/// ψ_t' = (Σ_{r∋t} z_rt² − 2 c_tᵀλ_t' + λ_t'ᵀ T_t λ_t') / n_t,   floored; anchors fixed
/// ```
///
/// With every cell observed this is the covariance-space map
/// (``CovarianceEMMap``) computed run by run. The z-scores come from the task
/// means and sds over observed cells (``PreparedSweep``), so the whole fit is
/// two-stage, not full FIML: the means and sds are not re-estimated by the EM.
///
/// Cost per evaluation: O(Σ_patterns |O| k² + k³) + O(Σ_r |O_r| k²).
struct MissingDataEMMap: EMMap {
    let p: Int
    let k: Int
    let anchored: [Bool]
    let anchors: [Double]
    let mStep: MStep
    let psiFloor: Double
    let nonNegative: Bool
    /// Per pattern: its observed tasks and its runs' z on them (runs × |O|, row-major).
    private let patterns: [(tasks: [Int], runs: Int, z: [Double])]
    /// Per task: Σ z² over the runs that observe it, and how many do.
    private let zSquares: [Double]
    private let counts: [Double]

    private var m: [Double], v: [Double], b: [Double], theta: [Double]
    private var c: [Double]          // p × k, column-major (task t, factor j at t + j p)
    private var t: [[Double]]        // per task, k × k
    private var tSolve: [Double]
    private var nnls: NonNegativeQuadratic

    var taskCount: Int { p }
    var factorCount: Int { k }

    /// - Parameters:
    ///   - z: n × p z-scores; cells that `observed` marks missing are ignored.
    ///   - observed: which cells are observed.
    init(z: Matrix, observed: ObservedMask, k: Int, anchors: [Double?], mStep: MStep, psiFloor: Double,
         nonNegative: Bool = true) {
        p = z.columns
        self.k = k
        anchored = anchors.map { $0 != nil }
        self.anchors = anchors.map { $0 ?? .nan }
        self.mStep = mStep
        self.psiFloor = psiFloor
        self.nonNegative = nonNegative
        var index: [[Int]: Int] = [:]
        var groups: [(tasks: [Int], runs: Int, z: [Double])] = []
        var zz = [Double](repeating: 0, count: z.columns), cnt = zz
        for r in 0..<z.rows {
            let o = (0..<z.columns).filter { observed[r, $0] }
            guard !o.isEmpty else { continue }
            for tIndex in o { zz[tIndex] += z[r, tIndex] * z[r, tIndex]; cnt[tIndex] += 1 }
            if let g = index[o] {
                groups[g].runs += 1
                groups[g].z += o.map { z[r, $0] }
            } else {
                index[o] = groups.count
                groups.append((o, 1, o.map { z[r, $0] }))
            }
        }
        patterns = groups
        zSquares = zz
        counts = cnt
        m = [Double](repeating: 0, count: k * k)
        v = m
        tSolve = m
        b = [Double](repeating: 0, count: k)
        theta = b
        c = [Double](repeating: 0, count: p * k)
        t = [[Double]](repeating: [Double](repeating: 0, count: k * k), count: p)
        nnls = NonNegativeQuadratic(k: k)
    }

    var likelihoodIsMerit: Bool { !nonNegative || mStep == .nnls }

    func constrainLoading(_ value: Double) -> Double { nonNegative ? Swift.max(0, value) : value }

    func constrainUniqueness(_ value: Double, task: Int) -> Double {
        anchored[task] ? anchors[task] : Swift.max(psiFloor, value)
    }

    mutating func evaluate(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) -> Double {
        let p = self.p, k = self.k
        for i in c.indices { c[i] = 0 }
        for tIndex in 0..<p { for i in 0..<(k * k) { t[tIndex][i] = 0 } }
        var logLikelihood = 0.0
        let log2pi = Foundation.log(2 * Double.pi)
        for pattern in patterns {
            let o = pattern.tasks, size = o.count
            // M = I + Σ λλᵀ/ψ over the pattern's tasks.
            for i in 0..<(k * k) { m[i] = 0 }
            var sumLogPsi = 0.0
            for tIndex in o {
                let psi = x.psi[tIndex]
                sumLogPsi += Foundation.log(psi)
                for a in 0..<k {
                    let la = x.lambda[tIndex + a * p] / psi
                    for bIndex in 0...a { m[a + bIndex * k] += la * x.lambda[tIndex + bIndex * p] }
                }
            }
            for a in 0..<k {
                m[a + a * k] += 1
                for bIndex in 0..<a { m[bIndex + a * k] = m[a + bIndex * k] }
            }
            do throws(LinalgError) { try InPlaceCholesky.factor(&m, order: k) } catch { throw .numerical(error) }
            let logDetM = InPlaceCholesky.logDeterminant(factor: m, order: k)
            InPlaceCholesky.inverse(factor: m, order: k, into: &v)
            // V is shared by every run of the pattern: add runs · V to each task's T.
            let runs = Double(pattern.runs)
            for tIndex in o { for i in 0..<(k * k) { t[tIndex][i] += runs * v[i] } }
            for r in 0..<pattern.runs {
                var quadratic = 0.0
                for a in 0..<k { b[a] = 0 }
                for (col, tIndex) in o.enumerated() {
                    let zt = pattern.z[r * size + col], psi = x.psi[tIndex]
                    quadratic += zt * zt / psi
                    for a in 0..<k { b[a] += x.lambda[tIndex + a * p] * zt / psi }
                }
                var bvb = 0.0
                for a in 0..<k {
                    var s = 0.0
                    for bIndex in 0..<k { s += v[a + bIndex * k] * b[bIndex] }
                    theta[a] = s
                    bvb += b[a] * s
                }
                logLikelihood -= 0.5 * (Double(size) * log2pi + sumLogPsi + logDetM + quadratic - bvb)
                for (col, tIndex) in o.enumerated() {
                    let zt = pattern.z[r * size + col]
                    for a in 0..<k {
                        c[tIndex + a * p] += zt * theta[a]
                        for bIndex in 0..<k { t[tIndex][a + bIndex * k] += theta[a] * theta[bIndex] }
                    }
                }
            }
        }
        // M-step, task by task.
        for tIndex in 0..<p {
            guard counts[tIndex] > 0 else {
                for a in 0..<k { out.lambda[tIndex + a * p] = x.lambda[tIndex + a * p] }
                out.psi[tIndex] = x.psi[tIndex]
                continue
            }
            let tt = t[tIndex]
            if nonNegative && mStep == .nnls {
                nnls.solve(a: tt, c: c, cOffset: tIndex, stride: p, into: &out.lambda)
            } else {
                for i in 0..<(k * k) { tSolve[i] = tt[i] }
                do throws(LinalgError) { try InPlaceCholesky.factor(&tSolve, order: k) } catch { throw .numerical(error) }
                for a in 0..<k { b[a] = c[tIndex + a * p] }
                InPlaceCholesky.solve(factor: tSolve, order: k, &b, rightHandSides: 1)
                for a in 0..<k { out.lambda[tIndex + a * p] = constrainLoading(b[a]) }
            }
            if anchored[tIndex] { out.psi[tIndex] = anchors[tIndex]; continue }
            var cross = 0.0, quad = 0.0
            for a in 0..<k {
                let la = out.lambda[tIndex + a * p]
                cross += c[tIndex + a * p] * la
                for bIndex in 0..<k { quad += la * tt[a + bIndex * k] * out.lambda[tIndex + bIndex * p] }
            }
            out.psi[tIndex] = Swift.max(psiFloor, (zSquares[tIndex] - 2 * cross + quad) / counts[tIndex])
        }
        return logLikelihood
    }
}
