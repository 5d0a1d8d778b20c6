import Linalg

extension ModelFit {
    /// Assesses a fit to the correlation matrix `s` of `n` runs.
    ///
    /// Complete data of n ≤ p runs have a singular S (rank ≤ n − 1): the
    /// statistics are undefined, and said so without any p × p work (`s` may
    /// then be `nil`, as when the EM ran in data space).
    ///
    /// - Parameters:
    ///   - neighbours: also fit k − 1 and k + 1 (when 1 ≤ k ± 1 and df ≥ 0).
    ///   - cost: also fit free loadings at k, for the cost of non-negativity
    ///     (only when `options.loadings` is `.nonnegative`).
    ///   - fit: fits a model with the given options (the same data and map as `model`).
    ///   - threads: threads for the independent fits of k ± 1 and the free loadings
    ///     (``IndependentFits``); the result is the same for any value.
    static func assess(
        s: Matrix?, n: Int, tasks: [String], model: FactorModel, anchors: [Double?], options: FitOptions,
        starts: Starts, neighbours: Bool, cost: Bool, pairwise: Bool = false, threads: Int = 1,
        fit fitModel: @escaping @Sendable (FitOptions) throws(AnalysisError) -> FactorModel
    ) -> ModelFit {
        let k = model.factorCount, p = tasks.count
        let free = anchors.map { $0 == nil }
        let (statistics, unavailable) = Self.statistics(s: s, n: n, model: model, free: free, pairwise: pairwise)
        // The auxiliary fits: k − 1 and k + 1 where they exist, then free loadings.
        var jobs: [FitOptions] = []
        var neighbourKs: [Int] = []
        if neighbours {
            for kk in [k - 1, k + 1] where kk >= 1 && kk <= p && FactorCountChoice.degreesOfFreedom(p: p, k: kk, freeUniquenesses: free.filter { $0 }.count) >= 0 {
                var o = MultiStartFit.auxiliary(options, seed: options.initSeed)
                o.factors = kk
                jobs.append(o)
                neighbourKs.append(kk)
            }
        }
        let freeFit = cost && options.loadings == .nonnegative
        if freeFit {
            var o = MultiStartFit.auxiliary(options, seed: options.initSeed)
            o.loadings = .free
            jobs.append(o)
        }
        let fits = IndependentFits.map(jobs.count, threads: threads) { [jobs] i in
            Result { () throws(AnalysisError) -> FactorModel in try fitModel(jobs[i]) }
        }
        var around: [Neighbour] = []
        for (kk, result) in zip(neighbourKs, fits) {
            switch result {
            case .success(let fit):
                let (st, why) = Self.statistics(s: s, n: n, model: fit, free: free, pairwise: pairwise)
                around.append(Neighbour(k: kk, statistics: st, converged: fit.diagnostics.converged, unavailable: why))
            case .failure(let error):
                around.append(Neighbour(k: kk, statistics: nil, converged: false, unavailable: "the k = \(kk) fit failed: \(error)"))
            }
        }
        let largest = (statistics?.largestResiduals(15) ?? []).map {
            Residual(taskA: tasks[$0.j], taskB: tasks[$0.i], value: $0.value)
        }
        var nonNegativityCost: NonNegativityCost? = nil
        if freeFit, case .success(let freeModel) = fits[neighbourKs.count] {
            nonNegativityCost = Self.cost(free: freeModel, nonnegative: model, tasks: tasks)
        }
        return ModelFit(statistics: statistics, unavailable: unavailable, neighbours: around,
                        largestResiduals: largest, starts: starts, nonNegativityCost: nonNegativityCost)
    }

    /// The statistics of `model`, or why there are none.
    private static func statistics(s: Matrix?, n: Int, model: FactorModel, free: [Bool], pairwise: Bool) -> (FitStatistics?, String?) {
        let p = model.loadings.rows
        guard let s, pairwise || n > p else {
            // z-scored complete data: S = ZᵀZ/n has rank ≤ n − 1 < p.
            return (nil, Self.singular(n: n, p: p))
        }
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
