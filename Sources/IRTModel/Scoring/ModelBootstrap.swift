import Foundation
import Linalg

/// The fitted model's own uncertainty, by the bootstrap over runs: how far
/// every run's aggregate moves when the model is refitted on the runs drawn
/// with replacement (METHOD.md §7a).
///
/// ```
/// refit b:  rows r_1…r_n drawn with replacement, re-standardized, S_b = Z_bᵀZ_b/n,
///           (Λ_b, ψ_b) fitted with the same k, M-step and anchors, started from the full fit
/// align:    T_b = polar(Λ_bᵀΛ)   (orthogonal Procrustes onto the full fit: permutations,
///           signs and rotations; pinned non-negative loadings are only permuted)
/// rescore:  a_{b,r} = Σ_j c_j (z_r B_b V_b T_b)_j   every run of the sweep, its own z as scored
/// ```
///
/// Each run's `aggregate_sd_model` is the sd of `a_{b,r}` over refits; a draw
/// of the joint law adds one refit's deviations `a_{b,r} − ā_r` to every run
/// at once (``AggregateNoise``): a refit moves all runs together, so it is not
/// independent noise per run. Refit b draws from its own stream of `seed`, and
/// each refit runs on one BLAS thread, so the result never depends on the
/// thread count.
public struct ModelBootstrap: Sendable, Equatable, Codable {
    /// Refits asked for.
    public let requested: Int
    /// Refits that failed (a resample with a constant task, or a fit error) and were left out.
    public let failed: Int
    /// Seed of the resamples.
    public let seed: UInt64
    /// Per run (sweep order), the sd of its aggregate over the refits.
    public let aggregateSD: [Double]
    /// The lowest Pearson r between a refit's aggregates and the full fit's.
    public let lowestAggregateR: Double
    /// Per refit, every run's aggregate minus the run's mean over refits (refits × runs).
    public let deviations: [[Double]]

    enum CodingKeys: String, CodingKey {
        case requested = "n", failed, seed, aggregateSD = "aggregate_sd_model"
        case lowestAggregateR = "lowest_aggregate_r", deviations
    }

    /// The refits that succeeded.
    public var refits: Int { deviations.count }

    /// Refits `model` on `refits` resamples of the complete, standardized runs `z`.
    ///
    /// - Parameters:
    ///   - z: the sweep's standardized runs (n × p, complete).
    ///   - model: the full fit (its Λ starts every refit and is the alignment target).
    ///   - anchors: per task, the noise-anchored ψ or `nil`.
    ///   - options: the full fit's options (M-step, loadings, stop rule).
    ///   - aggregates: the full fit's aggregates of the runs (for the lowest r).
    ///   - aggregate: the aggregate's factor weights c (`nil`: the mean of θ).
    ///   - refits: resamples, ≥ 1.
    ///   - seed: seed of the resamples.
    ///   - threads: worker threads (`nil`: all cores); never changes the result.
    /// - Returns: `nil` when fewer than 2 refits succeed.
    /// - Complexity: `refits` fits of p × p, each from a warm start, plus O(n p k) per rescoring.
    public init?(z: Matrix, model: FactorModel, anchors: [Double?], options: FitOptions, aggregates: [Double],
                 aggregate: AggregateDefinition? = nil, refits: Int, seed: UInt64, threads: Int? = nil) {
        precondition(refits >= 1)
        let n = z.rows, p = z.columns, k = model.factorCount
        let c = aggregate ?? .mean(factors: k)
        let full = model.loadings
        var warmStart = options
        warmStart.factors = k
        warmStart.initialLoadings = full.rowArrays
        let fitOptions = warmStart
        let base = Xoshiro256StarStar(seed: seed)
        let results: [[Double]?] = IndependentFits.map(refits, threads: IndependentFits.workers(threads)) { b in
            var rng = base.stream(b + 1)
            var zb = Matrix(rows: n, columns: p)
            for i in 0..<n {
                let r = Int.random(in: 0..<n, using: &rng)
                for t in 0..<p { zb[i, t] = z[r, t] }
            }
            // Re-standardize each task over the resample, as the pipeline does.
            for t in 0..<p {
                var mean = 0.0
                for i in 0..<n { mean += zb[i, t] }
                mean /= Double(n)
                var ss = 0.0
                for i in 0..<n { ss += (zb[i, t] - mean) * (zb[i, t] - mean) }
                let sd = (ss / Double(n)).squareRoot()
                guard sd > 0, sd.isFinite else { return nil }
                for i in 0..<n { zb[i, t] = (zb[i, t] - mean) / sd }
            }
            let s = BLASThreading.withThreadCount(1) { zb.gram(alpha: 1 / Double(n)) }
            guard let fit = try? FactorModel(covariance: s, observations: n, k: k, anchors: anchors,
                                             options: fitOptions, progress: nil),
                  let cross = try? fit.loadings.multiplied(by: full, transposingSelf: .transpose),
                  let t = try? Varimax.polarFactor(cross).0,
                  let aligned = try? fit.loadings.multiplied(by: t),
                  let posterior = try? Posterior(loadings: aligned, psi: fit.psi, observed: Array(0..<p)),
                  let theta = try? posterior.means(z)
            else { return nil }
            return c.kind == .mean ? (0..<n).map { r in (0..<k).reduce(0.0) { $0 + theta[r, $1] } / Double(k) }
                : c.combine(rows: theta)
        }
        let ok = results.compactMap { $0 }
        guard ok.count >= 2 else { return nil }
        requested = refits
        failed = refits - ok.count
        self.seed = seed
        let mean = (0..<n).map { r in ok.reduce(0.0) { $0 + $1[r] } / Double(ok.count) }
        let deviations = ok.map { a in (0..<n).map { a[$0] - mean[$0] } }
        self.deviations = deviations
        aggregateSD = (0..<n).map { r in
            (deviations.reduce(0.0) { $0 + $1[r] * $1[r] } / Double(ok.count - 1)).squareRoot()
        }
        lowestAggregateR = ok.map { (try? Statistics.pearson($0, aggregates)) ?? .nan }.min() ?? .nan
    }
}
