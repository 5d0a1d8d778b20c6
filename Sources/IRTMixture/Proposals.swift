import Foundation
import IRTModel
import Linalg

/// A score's chosen surrogate family with the hyperparameters of its full-data fit, kept
/// fixed when the surrogate is refitted to a bootstrap resample.
enum SurrogateChoice: Sendable, Equatable {
    case ridge(lambda: Double)
    case gp(lengthScale: Double, noiseRatio: Double)

    var family: String {
        switch self {
        case .ridge: "ridge"
        case .gp: "gp"
        }
    }

    /// The member of a ``SurrogateSet`` fitted to `rows` of x (repeats allowed).
    func member(x: Matrix, distances: [Double], rows: [Int], y: [Double], scale: Double) throws(LinalgError) -> SurrogateSet.Member {
        switch self {
        case let .ridge(lambda):
            return .ridge(try Ridge.fit(x: x.selectingRows(rows), y: rows.map { y[$0] }, lambda: lambda))
        case let .gp(lengthScale, noiseRatio):
            let fit = GaussianProcess.fit(x: x, distances: distances, rows: rows, y: rows.map { y[$0] },
                                          scale: scale, fixed: (lengthScale, noiseRatio))
            return .gp(alpha: fit.alpha, lengthScale: fit.lengthScale, mean: fit.mean)
        }
    }
}

/// One proposed mixture, before naming.
struct ProposedMixture: Sendable {
    var weights: [Double]
    /// Per score: the full-data prediction and its 95% interval (``Proposals/interval(estimate:refits:optimism:)``).
    var predicted: [(estimate: Double, lower: Double, upper: Double)]
    var nearestRun: Int
    var tvToNearest: Double
    var rankAmongObserved: Int
    var anchorRun: Int
    /// Whether the Thompson average had to be pulled back toward its anchor to keep the factors at their floors.
    var pulledBack: Bool
}

/// What to train next: Thompson-style proposals within the trust region.
///
/// Each proposal is anchored at an observed run that no factor's surrogate predicts below the
/// reference run. For each of the ``MixtureOptions/thompsonDraws`` bootstrap refits of every
/// surrogate (the runs resampled, the hyperparameters kept), ``SimplexSearch`` maximizes the
/// objective within TV ≤ maxTV of the anchor keeping every factor at or above the refit's
/// prediction for the reference run; the proposal is the average of those argmaxes. The ball
/// is convex, so the average stays within maxTV of the anchor (hence of the nearest observed
/// run); if the full-data surrogates predict a factor below the reference at the average, it is
/// moved back along the segment toward the anchor until none is.
enum Proposals {
    struct Inputs {
        let x: Matrix
        let distances: [Double]
        let ys: [[Double]]
        let choices: [SurrogateChoice]
        let full: SurrogateSet
        let objective: Int
        let constrained: [Int]
        let reference: Int
        let scales: [Double]
        let geometry: MixtureGeometry
        let lengthScaleUnit: Double
        let threads: Int
    }

    /// A proposal's 95% interval for one score: an envelope of two bias-corrected bootstrap
    /// intervals and the estimate itself,
    ///
    /// ```
    /// (2f(x̂) − mean_b f_b(x̂)) ± t · sd_b f_b(x̂)                    the refits at the proposal
    /// (f(x̂) − mean_b d_b) ± t · sd_b d_b,   d_b = f_b(x_b) − f(x_b)   their optimism
    /// ```
    ///
    /// with `t` Student's 97.5% quantile on B − 1 degrees of freedom and `x_b` refit b's
    /// argmax. The first is the basic bootstrap interval, which corrects the surrogates'
    /// shrinkage to first order (a refit of a ridge or GP fit shrinks once more, so the refits'
    /// mean sits below the full fit where it is high, and the percentile interval counts that
    /// twice); `d_b` holds both that shrinkage and the bias of choosing a maximum of a noisy
    /// surrogate, measured at each refit's own argmax rather than at x̂. Neither alone is
    /// claimed to be a 95% interval: the envelope is the calibrated claim, its coverage
    /// measured (METHOD.md §16). With B = 32 refits, the refits' own 2.5–97.5% quantiles
    /// would span only about 89% of their law, hence the t-based widths.
    ///
    /// - Parameters:
    ///   - estimate: The full-data surrogate's prediction f(x̂).
    ///   - refits: f_b(x̂), one per refit (B ≥ 2).
    ///   - optimism: d_b, one per refit.
    /// - Returns: The estimate and the envelope's ends; the ends are NaN when any input is
    ///   not finite or there are fewer than 2 refits.
    /// - Complexity: O(B).
    static func interval(estimate: Double, refits: [Double], optimism: [Double])
        -> (estimate: Double, lower: Double, upper: Double) {
        func meanAndSD(_ v: [Double]) -> (Double, Double) {
            let mean = v.reduce(0, +) / Double(v.count)
            let variance = v.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)
            return (mean, variance.squareRoot())
        }
        guard refits.count >= 2, optimism.count >= 2, estimate.isFinite,
              refits.allSatisfy(\.isFinite), optimism.allSatisfy(\.isFinite) else { return (estimate, .nan, .nan) }
        let t = StudentT.quantile(0.975, degreesOfFreedom: refits.count - 1)
        let (refitMean, refitSD) = meanAndSD(refits), (optimismMean, optimismSD) = meanAndSD(optimism)
        let shrinkage = 2 * estimate - refitMean, selection = estimate - optimismMean
        let lower = Swift.min(shrinkage - t * refitSD, selection - t * optimismSD, estimate)
        let upper = Swift.max(shrinkage + t * refitSD, selection + t * optimismSD, estimate)
        return (estimate, lower, upper)
    }

    /// - Returns: the proposals (possibly fewer than asked when the candidates are not diverse) and the
    ///   number of feasible anchors.
    static func propose(_ inputs: Inputs, options: MixtureOptions) throws(LinalgError) -> [ProposedMixture] {
        let x = inputs.x, n = x.rows
        guard options.proposals > 0 else { return [] }
        let runs = (0..<n).map { x.row($0) }
        let floors = { @Sendable (set: SurrogateSet) -> [Double] in
            let v = set.predict(runs[inputs.reference])
            return inputs.constrained.map { v[$0] }
        }
        let fullProblem = SearchProblem(set: inputs.full, objective: inputs.objective, constrained: inputs.constrained,
                                        floors: floors(inputs.full), scales: inputs.scales)
        let predictedRuns = runs.map { inputs.full.predict($0) }
        var feasible = (0..<n).filter { fullProblem.feasible(predictedRuns[$0]) }
        if !feasible.contains(inputs.reference) { feasible.append(inputs.reference) }
        feasible.sort { predictedRuns[$0][inputs.objective] > predictedRuns[$1][inputs.objective] }
        let candidates = Array(feasible.prefix(max(3 * options.proposals, 8)))

        var screened: [(anchor: Int, x: [Double], value: Double)] = []
        for a in candidates {
            if let best = SimplexSearch.maximize(fullProblem, anchor: runs[a], radius: options.maxTV, geometry: inputs.geometry) {
                screened.append((a, best.x, best.values[inputs.objective]))
            }
        }
        screened.sort { $0.value > $1.value }
        let separation = options.maxTV / 2
        var anchors: [(anchor: Int, x: [Double])] = []
        for s in screened where anchors.count < options.proposals {
            if anchors.allSatisfy({ inputs.geometry.tv($0.x, s.x) >= separation }) { anchors.append((s.anchor, s.x)) }
        }

        var rng = Xoshiro256StarStar.mixtureStream(options.seed, .thompson)
        let resamples = (0..<options.thompsonDraws).map { _ in rng.resample(n) }
        let built = ParallelMap.map(resamples.count, threads: inputs.threads) { b -> Result<SurrogateSet, LinalgError> in
            do throws(LinalgError) {
                var members: [SurrogateSet.Member] = []
                for (s, choice) in inputs.choices.enumerated() {
                    members.append(try choice.member(x: x, distances: inputs.distances, rows: resamples[b], y: inputs.ys[s],
                                                     scale: inputs.lengthScaleUnit))
                }
                return .success(SurrogateSet(x: x, rows: resamples[b], members: members))
            } catch {
                return .failure(error)
            }
        }
        var sets: [SurrogateSet] = []
        for result in built {
            switch result {
            case let .success(set): sets.append(set)
            case let .failure(error): throw error
            }
        }
        let drawSets = sets

        let observed = inputs.ys[inputs.objective]
        return anchors.map { anchor in
            let argmaxes = ParallelMap.map(drawSets.count, threads: inputs.threads) { b in
                let set = drawSets[b]
                let problem = SearchProblem(set: set, objective: inputs.objective, constrained: inputs.constrained,
                                            floors: floors(set), scales: inputs.scales)
                return SimplexSearch.maximize(problem, anchor: runs[anchor.anchor], radius: options.maxTV,
                                              geometry: inputs.geometry)?.x ?? runs[anchor.anchor]
            }
            var sum = [Double](repeating: 0, count: x.columns)
            for argmax in argmaxes {
                for j in sum.indices { sum[j] += argmax[j] / Double(drawSets.count) }
            }
            var proposal = sum
            var pulledBack = false
            if !fullProblem.feasible(inputs.full.predict(proposal)) {
                pulledBack = true
                let start = runs[anchor.anchor]
                var lo = 0.0, hi = 1.0
                for _ in 0..<30 {
                    let t = (lo + hi) / 2
                    let point = zip(start, sum).map { $0 + t * ($1 - $0) }
                    if fullProblem.feasible(inputs.full.predict(point)) { lo = t } else { hi = t }
                }
                proposal = zip(start, sum).map { $0 + lo * ($1 - $0) }
            }
            let estimate = inputs.full.predict(proposal)
            let draws = drawSets.map { $0.predict(proposal) }
            // The winner's curse: each refit rates its own argmax above what the full-data
            // surrogates say there; that optimism d_b = f_b(x_b) − f(x_b) is the bootstrap's
            // image of f(x̂) − truth(x̂) at a chosen maximum.
            let optimism = argmaxes.indices.map { b in
                zip(drawSets[b].predict(argmaxes[b]), inputs.full.predict(argmaxes[b])).map { $0 - $1 }
            }
            let predicted = estimate.indices.map { s in
                Self.interval(estimate: estimate[s], refits: draws.map { $0[s] }, optimism: optimism.map { $0[s] })
            }
            let distances = runs.map { inputs.geometry.tv($0, proposal) }
            let nearest = distances.indices.min { distances[$0] < distances[$1] }!
            let rank = 1 + observed.filter { $0 > estimate[inputs.objective] }.count
            return ProposedMixture(weights: proposal, predicted: predicted, nearestRun: nearest,
                                   tvToNearest: distances[nearest], rankAmongObserved: rank,
                                   anchorRun: anchor.anchor, pulledBack: pulledBack)
        }
    }
}
