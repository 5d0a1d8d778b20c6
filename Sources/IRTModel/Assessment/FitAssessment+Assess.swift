import Linalg

extension FitAssessment {
    /// The auxiliary fits an assessment needs — k − 1 and k + 1 where they
    /// exist and their statistics can be defined, then free loadings — known
    /// before the main fit, so that they can share its pool of threads
    /// (``MultiStartFit``'s companions).
    struct AuxiliaryPlan: Sendable {
        /// The fits to run, neighbours first, in the order of ``neighbourKs``.
        let jobs: [FitOptions]
        /// The neighbours' k that are fitted.
        let neighbourKs: [Int]
        /// Neighbours listed without a fit, with why their statistics are undefined.
        let unfitted: [Neighbour]
        /// Whether the last job is the free-loading fit.
        let freeFit: Bool

        /// - Parameters:
        ///   - neighbours: also fit k − 1 and k + 1 (when 1 ≤ k ± 1 and df ≥ 0); with S
        ///     singular they are listed as undefined without a fit.
        ///   - cost: also fit free loadings at k (only when `options.loadings` is `.nonnegative`).
        init(s: Matrix?, n: Int, p: Int, k: Int, anchors: [Double?], options: FitOptions,
             neighbours: Bool, cost: Bool, pairwise: Bool) {
            let free = anchors.map { $0 == nil }.filter { $0 }.count
            let ks = neighbours
                ? [k - 1, k + 1].filter { $0 >= 1 && $0 <= p && FactorCountChoice.degreesOfFreedom(p: p, k: $0, freeUniquenesses: free) >= 0 }
                : []
            var jobs: [FitOptions] = []
            var unfitted: [Neighbour] = []
            // With S singular the neighbours' statistics are as undefined as
            // k's: they are said so without fitting them (two fits that would
            // cost as much as the main one and could report nothing).
            if let undefined = FitAssessment.undefined(s: s, n: n, p: p, pairwise: pairwise) {
                unfitted = ks.map { Neighbour(k: $0, statistics: nil, converged: false, unavailable: undefined) }
                neighbourKs = []
            } else {
                for kk in ks {
                    var o = MultiStartFit.auxiliary(options, seed: options.initSeed)
                    o.factors = kk
                    jobs.append(o)
                }
                neighbourKs = ks
            }
            freeFit = cost && options.loadings == .nonnegative
            if freeFit {
                var o = MultiStartFit.auxiliary(options, seed: options.initSeed)
                o.loadings = .free
                jobs.append(o)
            }
            self.jobs = jobs
            self.unfitted = unfitted
        }
    }

    /// Assesses a fit to the correlation matrix `s` of `n` runs, with the
    /// results of `plan`'s fits (in job order).
    ///
    /// Complete data of n ≤ p runs have a singular S (rank ≤ n − 1): the
    /// statistics are undefined, and said so without any p × p work (`s` may
    /// then be `nil`, as when the EM ran in data space).
    static func assess(
        s: Matrix?, n: Int, tasks: [String], model: FactorModel, anchors: [Double?], starts: Starts,
        plan: AuxiliaryPlan, fits: [Result<FactorModel, AnalysisError>], pairwise: Bool = false
    ) -> FitAssessment {
        let free = anchors.map { $0 == nil }
        let (statistics, unavailable) = Self.statistics(s: s, n: n, model: model, free: free, pairwise: pairwise)
        let neighbourKs = plan.neighbourKs
        var around: [Neighbour] = plan.unfitted
        for (kk, result) in zip(neighbourKs, fits) {
            switch result {
            case .success(let fit):
                let (st, why) = Self.statistics(s: s, n: n, model: fit, free: free, pairwise: pairwise)
                around.append(Neighbour(k: kk, statistics: st, converged: fit.diagnostics.converged, unavailable: why))
            case .failure(let error):
                around.append(Neighbour(k: kk, statistics: nil, converged: false, unavailable: "the k = \(kk) fit failed: \(error)"))
            }
        }
        around.sort { $0.k < $1.k }
        let largest = (statistics?.largestResiduals(15) ?? []).map {
            Residual(taskA: tasks[$0.j], taskB: tasks[$0.i], value: $0.value)
        }
        var nonNegativityCost: NonNegativityCost? = nil
        if plan.freeFit, case .success(let freeModel) = fits[neighbourKs.count] {
            nonNegativityCost = Self.cost(free: freeModel, nonnegative: model, tasks: tasks)
        }
        return FitAssessment(statistics: statistics, unavailable: unavailable, neighbours: around,
                        largestResiduals: largest, starts: starts, nonNegativityCost: nonNegativityCost)
    }

    /// Why every model's statistics are undefined before any fit, or `nil`:
    /// z-scored complete data of n ≤ p runs have S = ZᵀZ/n of rank ≤ n − 1 < p
    /// (and `s` is `nil` when the EM ran in data space).
    static func undefined(s: Matrix?, n: Int, p: Int, pairwise: Bool) -> String? {
        s != nil && (pairwise || n > p) ? nil : Self.singular(n: n, p: p)
    }

    /// The statistics of `model`, or why there are none.
    private static func statistics(s: Matrix?, n: Int, model: FactorModel, free: [Bool], pairwise: Bool) -> (FitStatistics?, String?) {
        let p = model.loadings.rows
        guard let s, Self.undefined(s: s, n: n, p: p, pairwise: pairwise) == nil else { return (nil, Self.singular(n: n, p: p)) }
        do {
            let st = try FitStatistics(sampleCovariance: s, observations: n, loadings: model.loadings,
                                       uniquenesses: model.psi, freeUniquenesses: free)
            return (st, nil)
        } catch {
            if case .numerical(.notPositiveDefinite) = error, pairwise {
                return (nil, "the pairwise-complete correlation matrix of the sweep with gaps is not positive definite (pairs computed over different runs need not fit together), so the likelihood-ratio statistics against it are undefined")
            }
            if case .numerical(.notPositiveDefinite) = error { return (nil, Self.singular(n: n, p: p)) }
            return (nil, error.description)
        }
    }

    /// Why there are no statistics when S is singular.
    private static func singular(n: Int, p: Int) -> String {
        "the task correlation matrix is singular (n = \(n) runs for p = \(p) tasks, or tasks that are exact combinations of others), so the likelihood-ratio statistics are undefined"
    }

    /// ℓ(free) − ℓ(non-negative), and per task the distance between the
    /// non-negative loadings and the free ones rotated onto them (orthogonal Procrustes).
    private static func cost(free: FactorModel, nonnegative: FactorModel, tasks: [String]) -> NonNegativityCost {
        let difference = free.diagnostics.logLikelihood - nonnegative.diagnostics.logLikelihood
        var bent: [NonNegativityCost.BentTask] = []
        if let cross = try? free.loadings.multiplied(by: nonnegative.loadings, transposingSelf: .transpose),
           let rotation = try? Varimax.polarFactor(cross).0,
           let aligned = try? free.loadings.multiplied(by: rotation) {
            let k = free.factorCount
            bent = tasks.indices.map { t in
                let d = (0..<k).reduce(0.0) { $0 + (aligned[t, $1] - nonnegative.loadings[t, $1]) * (aligned[t, $1] - nonnegative.loadings[t, $1]) }
                return NonNegativityCost.BentTask(task: tasks[t], distance: d.squareRoot())
            }.sorted { $0.distance > $1.distance }
            bent = Array(bent.prefix(5))
        }
        return NonNegativityCost(
            freeConverged: free.diagnostics.converged, freeLogLikelihood: free.diagnostics.logLikelihood, nonnegativeLogLikelihood: nonnegative.diagnostics.logLikelihood,
            difference: difference, likelihoodRatio: 2 * difference, bentTasks: bent)
    }
}
