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
/// M_O = I + Σ_{t∈O} λ_t λ_tᵀ / ψ_t,   V_O = M_O⁻¹,   b_r = Σ_{t∈O} λ_t z_rt / ψ_t,   θ̂_r = V_O b_r = M_O⁻¹ b_r (solved)
/// ℓ_r = −½ [|O| log 2π + Σ_{t∈O} log ψ_t + log|M_O| + Σ_{t∈O} z_rt (z_rt − λ_tᵀθ̂_r)/ψ_t]
/// ```
///
/// (Woodbury and the determinant lemma on `Σ_OO = Λ_OΛ_Oᵀ + Ψ_O`; θ̂_r is
/// solved for with M_O's Cholesky factor, and each task's `z_rt − λ_tᵀθ̂_r`
/// is taken before it is divided by ψ_t: with a ψ at its floor, V_O's
/// rounding times b_r ~ λ/ψ would reach θ̂ and ℓ, FactorEMUpdate.swift), and
/// the M-step of task t uses the runs that observe it:
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
/// Every run of a pattern observes the same tasks, so each task's `T_t` takes the
/// pattern's `W_O = runs · V_O + Σ_r θ̂_r θ̂_rᵀ` once (symmetric, packed lower
/// triangle) rather than one outer product per run and task.
///
/// Cost per evaluation: O(Σ_r |O_r| k) for `b_r` and `c_t`, O(n k²) for θ̂ and `W_O`,
/// and per pattern O(|O| k² + k³) for `M_O` and `T_t`; at most O(n p k²) when every
/// run has its own pattern.
struct MissingDataEMMap: EMMap {
    let p: Int
    let k: Int
    let anchored: [Bool]
    let anchors: [Double]
    let mStep: MStep
    /// Per task, the floor of a free ψ.
    let psiFloors: [Double]
    let nonNegative: Bool
    /// The patterns, flat: pattern g has `patternRuns[g]` runs and observes the tasks
    /// `patternTasks[taskStart[g] ..< taskStart[g + 1]]`; its runs' z on them are
    /// `patternZ[zStart[g] ...]`, runs × |O|, row-major.
    private let patternTasks: [Int]
    private let taskStart: [Int]
    private let patternRuns: [Int]
    private let patternZ: [Double]
    private let zStart: [Int]
    /// Per task: Σ z² over the runs that observe it, and how many do.
    private let zSquares: [Double]
    private let counts: [Double]
    /// Runs with at least one observed cell (the likelihood's n).
    private let runCount: Int

    /// Per evaluation: λ_t and λ_t/ψ_t row-major (p × k), 1/ψ_t and log ψ_t.
    private var lambdaRows: [Double], scaledRows: [Double], inversePsi: [Double], logPsi: [Double]
    private var m: [Double], v: [Double], b: [Double], theta: [Double], w: [Double]
    private var c: [Double]          // p × k, column-major (task t, factor j at t + j p)
    private var t: [Double]          // p × k(k+1)/2: each task's T_t, packed lower triangle
    private var tt: [Double]         // one task's T_t, k × k
    private var tSolve: [Double]
    private var nnls: NonNegativeQuadratic

    var taskCount: Int { p }
    var factorCount: Int { k }
    var observationCount: Int { runCount }

    /// Entries of a packed lower triangle of order k.
    private var packed: Int { k * (k + 1) / 2 }

    /// - Parameters:
    ///   - z: n × p z-scores; cells that `observed` marks missing are ignored.
    ///   - observed: which cells are observed.
    init(z: Matrix, observed: ObservedMask, k: Int, anchors: [Double?], mStep: MStep, psiFloor: Double, taskFloors: [Double]? = nil,
         nonNegative: Bool = true) {
        p = z.columns
        self.k = k
        anchored = anchors.map { $0 != nil }
        self.anchors = anchors.map { $0 ?? .nan }
        self.mStep = mStep
        psiFloors = taskFloors.map { $0.map { Swift.max($0, psiFloor) } } ?? [Double](repeating: psiFloor, count: z.columns)
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
        patternTasks = groups.flatMap(\.tasks)
        taskStart = groups.reduce(into: [0]) { $0.append($0.last! + $1.tasks.count) }
        patternRuns = groups.map(\.runs)
        patternZ = groups.flatMap(\.z)
        zStart = groups.reduce(into: [0]) { $0.append($0.last! + $1.z.count) }
        zSquares = zz
        counts = cnt
        runCount = patternRuns.reduce(0, +)
        lambdaRows = [Double](repeating: 0, count: p * k)
        scaledRows = lambdaRows
        inversePsi = [Double](repeating: 0, count: p)
        logPsi = inversePsi
        m = [Double](repeating: 0, count: k * k)
        v = m
        tt = m
        tSolve = m
        b = [Double](repeating: 0, count: k)
        theta = b
        w = [Double](repeating: 0, count: k * (k + 1) / 2)
        c = [Double](repeating: 0, count: p * k)
        t = [Double](repeating: 0, count: p * k * (k + 1) / 2)
        nnls = NonNegativeQuadratic(k: k)
    }

    var likelihoodIsMerit: Bool { !nonNegative || mStep == .nnls }

    func constrainUniqueness(_ value: Double, task: Int) -> Double {
        anchored[task] ? anchors[task] : Swift.max(psiFloors[task], value)
    }

    mutating func evaluate(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) -> Double {
        let logLikelihood = try expectation(x)
        try maximization(x, into: &out)
        return logLikelihood
    }

    /// `∇ℓ(x)/n` by Fisher's identity from the E-step's per-task `c_t`, `T_t`:
    /// `∂ℓ/∂λ_t = (c_t − T_t λ_t)/ψ_t`, `∂ℓ/∂log ψ_t = ½ (q_t/ψ_t − n_t)` with
    /// `q_t = Σ z_rt² − 2 c_tᵀλ_t + λ_tᵀT_tλ_t`.
    mutating func gradient(_ x: FactorParameters, into gradient: inout FactorParameters) throws(AnalysisError) -> Double {
        let logLikelihood = try expectation(x)
        let n = Double(runCount)
        for tIndex in 0..<p {
            unpackT(task: tIndex)
            let (quad, cross) = x.lambda.withUnsafeBufferPointer { lp in
                c.withUnsafeBufferPointer { cp in
                    tt.withUnsafeBufferPointer { tp in
                        gradient.lambda.withUnsafeMutableBufferPointer { gl in
                            FactorEMUpdate.loadingScore(task: tIndex, lambda: lp, c: cp, t: tp, psi: x.psi[tIndex], scale: n,
                                                        p: p, k: k, into: gl)
                        }
                    }
                }
            }
            gradient.psi[tIndex] = anchored[tIndex] || counts[tIndex] == 0
                ? 0 : 0.5 * ((zSquares[tIndex] - 2 * cross + quad) / x.psi[tIndex] - counts[tIndex]) / n
        }
        return logLikelihood
    }

    /// Each task's block of the complete-data information per run, in
    /// `(λ_t, log ψ_t)`, from the last E-step: `T_t/(n ψ_t)` and `n_t/(2n)` (the
    /// observed-data blocks would need every pattern's Σ_OO⁻¹).
    mutating func informationBlocks(_ x: FactorParameters, into blocks: inout [Double]) {
        let order = k + 1, n = Double(runCount)
        for tIndex in 0..<p {
            unpackT(task: tIndex)
            let base = tIndex * order * order
            for a in 0..<order { for bIndex in 0..<order { blocks[base + a + bIndex * order] = 0 } }
            for a in 0..<k { for bIndex in 0..<k {
                blocks[base + a + bIndex * order] = tt[a + bIndex * k] / (n * x.psi[tIndex])
            } }
            blocks[base + k + k * order] = counts[tIndex] / (2 * n)
        }
    }

    /// Copies task t's packed `T_t` into the square `tt`.
    private mutating func unpackT(task tIndex: Int) {
        var i = tIndex * packed
        for a in 0..<k {
            for bIndex in 0...a { tt[a + bIndex * k] = t[i]; tt[bIndex + a * k] = t[i]; i += 1 }
        }
    }

    /// The E-step at `x`: fills `c_t` and `T_t` (packed) per task, returns `ℓ(x)`.
    private mutating func expectation(_ x: FactorParameters) throws(AnalysisError) -> Double {
        let p = self.p, k = self.k, kk = packed
        for tIndex in 0..<p {
            let psi = x.psi[tIndex]
            inversePsi[tIndex] = 1 / psi
            logPsi[tIndex] = Foundation.log(psi)
            for a in 0..<k {
                lambdaRows[tIndex * k + a] = x.lambda[tIndex + a * p]
                scaledRows[tIndex * k + a] = x.lambda[tIndex + a * p] / psi
            }
        }
        for i in c.indices { c[i] = 0 }
        for i in t.indices { t[i] = 0 }
        var logLikelihood = 0.0
        let log2pi = Foundation.log(2 * Double.pi)
        for g in patternRuns.indices {
            let first = taskStart[g], size = taskStart[g + 1] - first, runs = patternRuns[g]
            // M = I + Σ λλᵀ/ψ over the pattern's tasks (lower triangle, then mirrored).
            var sumLogPsi = 0.0
            patternTasks.withUnsafeBufferPointer { tasks in
                lambdaRows.withUnsafeBufferPointer { lambda in
                    scaledRows.withUnsafeBufferPointer { scaled in
                        m.withUnsafeMutableBufferPointer { m in
                            // Sums in registers, one entry at a time (a sum through memory
                            // would wait on its own store every task).
                            for col in 0..<size { sumLogPsi += logPsi[tasks[first + col]] }
                            for a in 0..<k {
                                for bIndex in 0...a {
                                    var sum = 0.0
                                    for col in 0..<size {
                                        let row = tasks[first + col] * k
                                        sum += scaled[row + a] * lambda[row + bIndex]
                                    }
                                    m[a + bIndex * k] = sum
                                }
                            }
                        }
                    }
                }
            }
            for a in 0..<k {
                m[a + a * k] += 1
                for bIndex in 0..<a { m[bIndex + a * k] = m[a + bIndex * k] }
            }
            do throws(LinalgError) { try InPlaceCholesky.factor(&m, order: k) } catch { throw .numerical(error) }
            let logDetM = InPlaceCholesky.logDeterminant(factor: m, order: k)
            InPlaceCholesky.inverse(factor: m, order: k, into: &v)
            // W = runs · V + Σ_r θ̂θ̂ᵀ (packed); c_t += z_rt θ̂_r.
            var i = 0
            for a in 0..<k { for bIndex in 0...a { w[i] = Double(runs) * v[a + bIndex * k]; i += 1 } }
            var patternLogLikelihood = 0.0
            patternTasks.withUnsafeBufferPointer { tasks in
                patternZ.withUnsafeBufferPointer { zs in
                    scaledRows.withUnsafeBufferPointer { scaled in
                        inversePsi.withUnsafeBufferPointer { inversePsi in
                            m.withUnsafeBufferPointer { factor in
                            lambdaRows.withUnsafeBufferPointer { lambda in
                                b.withUnsafeMutableBufferPointer { b in
                                    theta.withUnsafeMutableBufferPointer { theta in
                                        w.withUnsafeMutableBufferPointer { w in
                                            c.withUnsafeMutableBufferPointer { c in
                                                for r in 0..<runs {
                                                    let z = zStart[g] + r * size
                                                    for a in 0..<k {
                                                        var sum = 0.0
                                                        for col in 0..<size { sum += scaled[tasks[first + col] * k + a] * zs[z + col] }
                                                        b[a] = sum
                                                    }
                                                    // θ̂ = M⁻¹b by substitution with M's factor L (not V·b:
                                                    // with a ψ at its floor b is ~λ/ψ and V's rounding would
                                                    // reach θ̂, as in FactorEMUpdate.loadRegression).
                                                    for a in 0..<k { theta[a] = b[a] }
                                                    var solution = theta.mutableSpan
                                                    InPlaceCholesky.solve(factor: factor.span, order: k, &solution)
                                                    // z_rᵀΣ_OO⁻¹z_r = Σ_t z_rt (z_rt − λ_tᵀθ̂_r)/ψ_t, each
                                                    // task's difference before the division.
                                                    var quadratic = 0.0
                                                    for col in 0..<size {
                                                        let tIndex = tasks[first + col], zt = zs[z + col]
                                                        var fitted = 0.0
                                                        for a in 0..<k { fitted += lambda[tIndex * k + a] * theta[a] }
                                                        quadratic += zt * (zt - fitted) * inversePsi[tIndex]
                                                    }
                                                    patternLogLikelihood += quadratic
                                                    var i = 0
                                                    for a in 0..<k { for bIndex in 0...a { w[i] += theta[a] * theta[bIndex]; i += 1 } }
                                                    for col in 0..<size {
                                                        let tIndex = tasks[first + col], zt = zs[z + col]
                                                        for a in 0..<k { c[tIndex + a * p] += zt * theta[a] }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            }
                        }
                    }
                }
            }
            logLikelihood -= 0.5 * (Double(runs) * (Double(size) * log2pi + sumLogPsi + logDetM) + patternLogLikelihood)
            // T_t += W for every task of the pattern.
            patternTasks.withUnsafeBufferPointer { tasks in
                w.withUnsafeBufferPointer { w in
                    t.withUnsafeMutableBufferPointer { t in
                        for col in 0..<size {
                            let offset = tasks[first + col] * kk
                            for i in 0..<kk { t[offset + i] += w[i] }
                        }
                    }
                }
            }
        }
        return logLikelihood
    }

    /// The M-step from the last E-step's `c_t` and `T_t`; a task no run observes keeps `x`'s values.
    private mutating func maximization(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) {
        let p = self.p, k = self.k
        // M-step, task by task.
        for tIndex in 0..<p {
            guard counts[tIndex] > 0 else {
                for a in 0..<k { out.lambda[tIndex + a * p] = x.lambda[tIndex + a * p] }
                out.psi[tIndex] = x.psi[tIndex]
                continue
            }
            unpackT(task: tIndex)
            if nonNegative && mStep == .nnls {
                nnls.solve(a: tt, c: c, cOffset: tIndex, stride: p, into: &out.lambda, warm: x.lambda)
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
            out.psi[tIndex] = Swift.max(psiFloors[tIndex], (zSquares[tIndex] - 2 * cross + quad) / counts[tIndex])
        }
    }
}
