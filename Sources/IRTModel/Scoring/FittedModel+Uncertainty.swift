import Linalg

/// How far scores move under the model's uncertainty (METHOD.md §7a): seed
/// noise (``FittedModel/seedNoise``) when the model has it, else the posterior.
extension FittedModel {
    /// Where this model's uncertainty comes from.
    public var uncertaintySource: ScoreUncertainty.Source { seedNoise == nil ? .modelPosterior : .seedReplicates }

    /// The joint law of the sweep's aggregates.
    public var sweepNoise: AggregateNoise {
        noise(aggregates: sweep.aggregate, posteriorSDs: sweep.aggregateSD, covariances: sweep.covariances,
              index: sweep.covarianceIndex)
    }

    /// The joint law of scored runs' aggregates.
    public func noise(of scores: RunScores) -> AggregateNoise {
        noise(aggregates: scores.aggregate, posteriorSDs: scores.aggregateSD,
              covariances: scores.covariances.map(\.rowArrays), index: scores.covarianceIndex)
    }

    /// The sds of θ_1…θ_k of a run with posterior covariance `v` (k × k, rows).
    public func thetaSD(posterior v: [[Double]]) -> [Double] {
        guard let seedNoise else { return v.indices.map { v[$0][$0].squareRoot() } }
        return seedNoise.thetaVariances(posterior: v).map { $0.squareRoot() }
    }

    /// The sds of θ_1…θ_k of scored runs (rows follow the runs).
    public func thetaSDs(of scores: RunScores) -> [[Double]] {
        let distinct = scores.covariances.map { thetaSD(posterior: $0.rowArrays) }
        return scores.covarianceIndex.map { distinct[$0] }
    }

    /// Aggregates with their posterior sds, or with the seed noise and each
    /// distinct posterior covariance's extra (computed once per pattern).
    private func noise(aggregates: [Double], posteriorSDs: [Double], covariances: [[[Double]]],
                       index: [Int]) -> AggregateNoise {
        guard let seedNoise else { return AggregateNoise(aggregates: aggregates, law: .posterior(sds: posteriorSDs)) }
        let c = aggregateDefinition
        let extra = covariances.map { seedNoise.extraVariance(posterior: $0, of: c) }
        return AggregateNoise(aggregates: aggregates,
                              law: .seed(variance: seedNoise.aggregateVariance(of: c), degreesOfFreedom: seedNoise.degreesOfFreedom,
                                         extra: index.map { extra[$0] }),
                              spread: sweepSpread(seedNoise))
    }

    /// The sweep's aggregates' spread, the prior of the noise-free aggregates
    /// in the seed law's draws (``AggregateNoise/Spread``).
    private func sweepSpread(_ seedNoise: SeedNoise) -> AggregateNoise.Spread? {
        let extras = sweep.covariances.map { seedNoise.extraVariance(posterior: $0, of: aggregateDefinition) }
        let n = sweep.covarianceIndex.count
        let mean = n > 0 ? sweep.covarianceIndex.reduce(0.0) { $0 + extras[$1] } / Double(n) : 0
        return AggregateNoise.Spread(aggregates: sweep.aggregate, extra: mean)
    }
}
