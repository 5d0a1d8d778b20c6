import Foundation
import Linalg

/// The joint law of every run's aggregate behind rank intervals, `p_best` and
/// `p_better`: point estimates plus independent Gaussian noise per run, with
/// the seed-noise variance drawn once per draw from its estimate's law.
///
/// ```
/// posterior:  x_i = â_i + s_i ε_i                                        s_i the model's posterior sd
/// seed:       x_i = â_i + √(c_d σ̂²_a + e_i) ε_i,   c_d = ν / χ²_ν        e_i ≥ 0 a run's extra for missing tasks
/// ```
///
/// With the sweep's ``Spread`` (what ``FittedModel`` gives), a seed-law draw is
/// of the runs' *noise-free* aggregates given their estimates, not of the
/// estimates again: the estimates are the truth plus seed noise, so they spread
/// more than the truth, and ranks drawn around them are too sure. With the
/// sweep's aggregates of mean μ and variance S² as the truth's normal prior
/// (empirical Bayes):
///
/// ```
/// v_i = c_d σ̂²_a + e_i,   τ²_d = max(S² − c_d σ̂²_a − ē, 10⁻⁶ S²),   B_i = τ²_d / (τ²_d + v_i)
/// x_i = μ + B_i (â_i − μ) + √(B_i v_i) ε_i
/// ```
///
/// (ē the sweep's mean extra). For complete runs (equal v) this ranks like
/// `â_i + √(v / B) ε_i`: the noise inflated by `1/√B ≈ 1 + (noise share)/2`,
/// negligible when the seed noise is a small share of the sweep's spread.
///
/// With a bootstrap of the fit (``ModelBootstrap``), draw d also adds refit
/// `b = d mod B`'s deviations `a_{b,i} − ā_i` to every run at once.
///
/// `c_d σ̂²_a` is a draw of σ²_a from its scaled inverse-χ² law given ν degrees
/// of freedom (so each run's margin is a Student t with ν df); it is shared by
/// every run in draw d, because all runs share the one estimate. Draw d uses
/// its own generators seeded from `(seed, d)` — the χ² scale from
/// ``scaleSeed``, so that two sets of runs (a sweep and new runs) can share it.
public struct AggregateNoise: Sendable, Equatable {
    /// How a run's aggregate varies.
    public enum Law: Sendable, Equatable {
        /// The factor model's posterior given the fitted loadings: sds per run.
        case posterior(sds: [Double])
        /// Seed noise measured on replicates: σ̂²_a with ν df, and each run's extra variance.
        case seed(variance: Double, degreesOfFreedom: Int, extra: [Double])
    }

    /// The point estimates â_i.
    public let aggregates: [Double]
    /// Their noise.
    public let law: Law
    /// Seed of the per-draw χ² scale (seed law only).
    public let scaleSeed: UInt64
    /// Per refit of the model, every run's deviation (refits × runs), or `nil`.
    public let modelDeviations: [[Double]]?
    /// The sweep's spread, the prior of the noise-free aggregates (seed law
    /// only); `nil`: the draws are of the estimates (`x_i = â_i + √v_i ε_i`).
    public let spread: Spread?

    /// The spread of a sweep's aggregates, the normal prior of the runs'
    /// noise-free aggregates in the seed law's draws.
    public struct Spread: Sendable, Equatable {
        /// μ, the sweep's mean aggregate.
        public let mean: Double
        /// S², the sample variance of the sweep's aggregates (n − 1).
        public let variance: Double
        /// ē, the sweep's mean extra variance for missing tasks.
        public let extra: Double

        /// The spread of `aggregates` (at least 2) with mean extra `extra`;
        /// `nil` for fewer than 2 or no spread.
        public init?(aggregates: [Double], extra: Double = 0) {
            let n = aggregates.count
            guard n >= 2 else { return nil }
            let mean = aggregates.reduce(0, +) / Double(n)
            let variance = aggregates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
            guard variance > 0, variance.isFinite else { return nil }
            self.mean = mean
            self.variance = variance
            self.extra = extra
        }
    }

    /// - Precondition: one sd or extra per aggregate, all ≥ 0; ν ≥ 1.
    public init(aggregates: [Double], law: Law, scaleSeed: UInt64 = 0x5EED_0F_5CA1E, modelDeviations: [[Double]]? = nil,
                spread: Spread? = nil) {
        switch law {
        case let .posterior(sds): precondition(sds.count == aggregates.count, "one sd per aggregate")
        case let .seed(variance, nu, extra):
            precondition(extra.count == aggregates.count && variance >= 0 && nu >= 1, "one extra per aggregate, σ² ≥ 0, ν ≥ 1")
        }
        precondition(modelDeviations.map { $0.allSatisfy { $0.count == aggregates.count } && !$0.isEmpty } ?? true,
                     "one deviation per run in every refit")
        self.aggregates = aggregates
        self.law = law
        self.scaleSeed = scaleSeed
        self.modelDeviations = modelDeviations
        self.spread = spread
    }

    /// This law with the model's refits added (``ModelBootstrap/deviations``).
    public func adding(modelDeviations: [[Double]]?) -> AggregateNoise {
        AggregateNoise(aggregates: aggregates, law: law, scaleSeed: scaleSeed, modelDeviations: modelDeviations,
                       spread: spread)
    }

    /// Each run's sd at the point estimate of the seed variance (`c_d = 1`).
    public var sds: [Double] {
        switch law {
        case let .posterior(sds): sds
        case let .seed(variance, _, extra): extra.map { (variance + $0).squareRoot() }
        }
    }

    /// `c_d = ν / χ²_ν` of draw `d` (1 for the posterior law).
    public func scale(draw d: Int) -> Double {
        guard case let .seed(_, nu, _) = law else { return 1 }
        var rng = Self.generator(seed: scaleSeed, draw: d)
        var chi = ChiSquareSampler()
        let x = chi.next(degreesOfFreedom: Double(nu), using: &rng)
        return x > 0 ? Double(nu) / x : .infinity
    }

    /// Draw `d` of every aggregate into `out` (same length as ``aggregates``).
    /// The posterior law draws exactly what ``RankIntervals`` always drew.
    public func sample(draw d: Int, seed: UInt64, into out: inout [Double]) {
        var rng = Self.generator(seed: seed, draw: d)
        var normal = NormalSampler()
        switch law {
        case let .posterior(sds):
            for i in aggregates.indices { out[i] = aggregates[i] + sds[i] * normal.next(using: &rng) }
        case let .seed(variance, _, extra):
            let v = scale(draw: d) * variance
            if let spread {
                let tau2 = Swift.max(spread.variance - v - spread.extra, 1e-6 * spread.variance)
                for i in aggregates.indices {
                    let vi = v + extra[i], b = tau2 / (tau2 + vi)
                    out[i] = spread.mean + b * (aggregates[i] - spread.mean) + (b * vi).squareRoot() * normal.next(using: &rng)
                }
            } else {
                for i in aggregates.indices {
                    out[i] = aggregates[i] + (v + extra[i]).squareRoot() * normal.next(using: &rng)
                }
            }
        }
        if let modelDeviations {
            let refit = modelDeviations[d % modelDeviations.count]
            for i in aggregates.indices { out[i] += refit[i] }
        }
    }

    /// The generator of draw `d`.
    static func generator(seed: UInt64, draw d: Int) -> Xoshiro256StarStar {
        var mixer = SplitMix64(state: seed ^ (UInt64(d) &* 0x9E37_79B9_7F4A_7C15))
        return Xoshiro256StarStar(seed: mixer.next())
    }

    /// The smallest difference between two complete runs' aggregates that is
    /// told apart at 95% (two-sided): `t_ν(0.975) √(2 σ̂²_a)` for seed noise,
    /// `z(0.975) √2 · median s_i` for the posterior law.
    public var minimumDetectableDifference: Double {
        switch law {
        case let .posterior(sds):
            guard !sds.isEmpty else { return 0 }
            let sorted = sds.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
            return Normal.quantile(0.975) * 2.0.squareRoot() * median
        case let .seed(variance, nu, _):
            return StudentT.quantile(0.975, degreesOfFreedom: nu) * (2 * variance).squareRoot()
        }
    }
}
