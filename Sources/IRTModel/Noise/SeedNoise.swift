import Foundation
import Linalg

/// The seed noise of the scores, measured in score space: how far a run's
/// factor scores move when only the trainer seed changes (METHOD.md §7a).
///
/// The replicate runs (one mixture, different seeds) are scored with the
/// fitted model like any run (``FittedModel/score(_:)``), and the spread of
/// their scores is the seed noise:
///
/// ```
/// Σ̂ = Σ_i (θ̂_i − θ̄)(θ̂_i − θ̄)ᵀ / (m − 1)          k × k, ν = m − 1 degrees of freedom
/// σ̂²_a = 1ᵀ Σ̂ 1 / k²                                  the aggregate's seed variance
/// V̄ = mean_i V_i                                       the replicates' own posterior covariance
/// Var_seed(a_r) = σ̂²_a + max(0, 1ᵀ(V_r − V̄)1 / k²)     a run with posterior covariance V_r
/// ```
///
/// Seed noise is not independent across tasks — a lucky seed is better on
/// many tasks at once — so most of it lands in θ itself, where the model's
/// posterior V (which treats each task's noise as independent) cannot see it.
/// Σ̂ already holds the posterior noise of the replicates (V̄); a run that
/// misses tasks has a wider posterior V_r, and that extra is added.
///
/// Assumption: every run of the sweep has the same seed noise as the
/// replicated mixture. Σ̂ is an estimate with ν degrees of freedom; intervals
/// draw σ²_a from its scaled inverse-χ² law (``AggregateNoise``).
public struct SeedNoise: Sendable, Codable, Equatable {
    /// Σ̂ (k × k, rows).
    public let covariance: [[Double]]
    /// ν = m − 1.
    public let degreesOfFreedom: Int
    /// Replicate runs scored, m.
    public let replicates: Int
    /// V̄, the replicates' mean posterior covariance (k × k, rows), already inside Σ̂.
    public let posteriorCovariance: [[Double]]

    /// The fewest replicate runs that give intervals (ν ≥ 2: with ν = 1 the
    /// scaled inverse-χ² law of σ² has no mean).
    public static let minimumReplicates = 3

    enum CodingKeys: String, CodingKey {
        case covariance, degreesOfFreedom = "degrees_of_freedom", replicates
        case posteriorCovariance = "posterior_covariance"
    }

    /// The number of factors k.
    public var factorCount: Int { covariance.count }

    /// `σ̂²_a = 1ᵀΣ̂1/k²`.
    public var aggregateVariance: Double { Self.aggregate(covariance) }

    /// Estimates the seed noise from replicate scores.
    ///
    /// - Parameter scores: the replicate runs scored with the fitted model.
    /// - Returns: `nil` when fewer than 2 runs were scored (no spread to measure).
    /// - Complexity: O(m k²).
    public init?(scores: RunScores) {
        let theta = (0..<scores.theta.rows).map { scores.theta.row($0) }
        let posteriors = (0..<scores.theta.rows).map { scores.covariance(ofRun: $0).rowArrays }
        self.init(theta: theta, posteriors: posteriors)
    }

    /// Estimates the seed noise from replicate runs' scores `theta` (m rows of k)
    /// and their posterior covariances (m matrices k × k, rows).
    ///
    /// - Returns: `nil` when fewer than 2 runs are given (no spread to measure).
    /// - Precondition: one posterior per run, every row and matrix of size k.
    /// - Complexity: O(m k²).
    public init?(theta: [[Double]], posteriors: [[[Double]]]) {
        let m = theta.count
        precondition(posteriors.count == m, "one posterior covariance per replicate")
        guard m >= 2, let k = theta.first?.count, k >= 1 else { return nil }
        var mean = [Double](repeating: 0, count: k)
        for row in theta { for j in 0..<k { mean[j] += row[j] / Double(m) } }
        var sigma = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var v = sigma
        for (i, row) in theta.enumerated() {
            for a in 0..<k {
                let da = row[a] - mean[a]
                for b in 0..<k {
                    sigma[a][b] += da * (row[b] - mean[b]) / Double(m - 1)
                    v[a][b] += posteriors[i][a][b] / Double(m)
                }
            }
        }
        covariance = sigma
        posteriorCovariance = v
        degreesOfFreedom = m - 1
        replicates = m
    }

    /// The seed variance of the aggregate of a run with posterior covariance `v`.
    public func aggregateVariance(posterior v: [[Double]]) -> Double {
        aggregateVariance + Swift.max(0, Self.aggregate(v) - Self.aggregate(posteriorCovariance))
    }

    /// The seed variances of θ_1…θ_k of a run with posterior covariance `v`.
    public func thetaVariances(posterior v: [[Double]]) -> [Double] {
        (0..<factorCount).map { (j: Int) -> Double in
            let extra: Double = v[j][j] - posteriorCovariance[j][j]
            return covariance[j][j] + Swift.max(0, extra)
        }
    }

    /// The law of aggregates whose posterior covariances are `posteriors`:
    /// σ̂²_a with ν df, and each run's extra over the replicates' own.
    public func law(posteriors: [[[Double]]]) -> AggregateNoise.Law {
        let reference = Self.aggregate(posteriorCovariance)
        return .seed(variance: aggregateVariance, degreesOfFreedom: degreesOfFreedom,
                     extra: posteriors.map { Swift.max(0, Self.aggregate($0) - reference) })
    }

    /// `1ᵀM1/k²`.
    static func aggregate(_ m: [[Double]]) -> Double {
        let k = Double(m.count)
        guard k > 0 else { return 0 }
        return m.reduce(0) { $0 + $1.reduce(0, +) } / (k * k)
    }
}
