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
/// σ̂²_a = cᵀ Σ̂ c                                       the aggregate's seed variance
/// V̄ = mean_i V_i                                       the replicates' own posterior covariance
/// Var_seed(a_r) = σ̂²_a + max(0, cᵀ(V_r − V̄)c)          a run with posterior covariance V_r
/// ```
///
/// with c the aggregate's factor weights (``AggregateDefinition``; `c_j = 1/k`
/// for the mean of θ, the default, which the methods without `of:` take).
///
/// Seed noise is not independent across tasks — a lucky seed is better on
/// many tasks at once — so most of it lands in θ itself, where the model's
/// posterior V (which treats each task's noise as independent) cannot see it.
/// Σ̂ already holds the posterior noise of the replicates (V̄); a run that
/// misses tasks has a wider posterior V_r, and that extra is added.
///
/// Assumption: every run of the sweep has the same seed noise as the
/// replicated mixture. Σ̂ is an estimate with ν degrees of freedom; intervals
/// draw σ²_a from its scaled inverse-χ² law (``AggregateNoise``). Replicates
/// of several mixtures test the assumption: ``init(theta:posteriors:groups:)``
/// estimates per group, pools, and compares the groups (``GroupTest``).
public struct SeedNoise: Sendable, Codable, Equatable {
    /// Σ̂ (k × k, rows).
    public let covariance: [[Double]]
    /// ν = m − 1.
    public let degreesOfFreedom: Int
    /// Replicate runs scored, m.
    public let replicates: Int
    /// V̄, the replicates' mean posterior covariance (k × k, rows), already inside Σ̂.
    public let posteriorCovariance: [[Double]]
    /// The groups of replicates (one mixture each) the estimate was made from,
    /// in the order they first occur; `nil` when the replicates are one
    /// mixture (``init(theta:posteriors:)``). See ``init(theta:posteriors:groups:)``.
    public private(set) var groups: [Group]? = nil
    /// Bartlett's test of the groups' aggregate variances and the rule it
    /// decided; `nil` without groups or with one group.
    public private(set) var groupTest: GroupTest? = nil

    /// The fewest replicate runs that give intervals (ν ≥ 2: with ν = 1 the
    /// scaled inverse-χ² law of σ² has no mean).
    public static let minimumReplicates = 3

    enum CodingKeys: String, CodingKey {
        case covariance, degreesOfFreedom = "degrees_of_freedom", replicates
        case posteriorCovariance = "posterior_covariance"
        case groups, groupTest = "bartlett"
    }

    /// The number of factors k.
    public var factorCount: Int { covariance.count }

    /// `σ̂²_a = 1ᵀΣ̂1/k²`, the seed variance of the mean of θ.
    public var aggregateVariance: Double { aggregateVariance(of: .mean(factors: factorCount)) }

    /// `σ̂²_a = cᵀΣ̂c`, the seed variance of the aggregate `a = Σ_j c_j θ_j`.
    public func aggregateVariance(of aggregate: AggregateDefinition) -> Double { aggregate.quadraticForm(covariance) }

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
        guard let deviations = Self.centered(theta) else { return nil }
        self.init(deviations: deviations, posteriors: posteriors)
    }

    /// Estimates the seed noise from replicate runs' deviations from their
    /// mixture's mean in score space (m rows of k), already centered:
    /// `Σ̂ = Σ_i d_i d_iᵀ / (m − 1)`, ν = m − 1.
    ///
    /// With `d_i = θ̂_i − θ̄` this is ``init(theta:posteriors:)``; the analysis
    /// passes the leave-one-out deviations of ``leaveOneOutDeviations(z:model:groups:)``,
    /// which are those when the model does not depend on the replicates.
    ///
    /// - Returns: `nil` when fewer than 2 runs are given (no spread to measure).
    /// - Precondition: one posterior per run, every row and matrix of size k.
    /// - Complexity: O(m k²).
    public init?(deviations: [[Double]], posteriors: [[[Double]]]) {
        let m = deviations.count
        precondition(posteriors.count == m, "one posterior covariance per replicate")
        guard m >= 2, let k = deviations.first?.count, k >= 1 else { return nil }
        var sigma = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var v = sigma
        for (i, d) in deviations.enumerated() {
            for a in 0..<k {
                for b in 0..<k {
                    sigma[a][b] += d[a] * d[b] / Double(m - 1)
                    v[a][b] += posteriors[i][a][b] / Double(m)
                }
            }
        }
        covariance = sigma
        posteriorCovariance = v
        degreesOfFreedom = m - 1
        replicates = m
    }

    /// Each row minus the rows' mean; `nil` for no rows or empty rows.
    static func centered(_ rows: [[Double]]) -> [[Double]]? {
        let m = rows.count
        guard m >= 1, let k = rows.first?.count, k >= 1 else { return nil }
        var mean = [Double](repeating: 0, count: k)
        for row in rows { for j in 0..<k { mean[j] += row[j] / Double(m) } }
        return rows.map { row in (0..<k).map { row[$0] - mean[$0] } }
    }

    /// The seed variance of the aggregate of a run with posterior covariance `v`:
    /// `σ̂²_a` plus ``extraVariance(posterior:of:)``.
    public func aggregateVariance(posterior v: [[Double]], of aggregate: AggregateDefinition? = nil) -> Double {
        let c = aggregate ?? .mean(factors: factorCount)
        return aggregateVariance(of: c) + extraVariance(posterior: v, of: c)
    }

    /// The extra variance of the aggregate of a run with posterior covariance `v`
    /// over the replicates' own: `max(0, cᵀ(V − V̄)c)` (runs missing tasks);
    /// `aggregate` `nil`: the mean of θ, `max(0, 1ᵀ(V − V̄)1) / k²`.
    public func extraVariance(posterior v: [[Double]], of aggregate: AggregateDefinition? = nil) -> Double {
        let c = aggregate ?? .mean(factors: factorCount)
        return Swift.max(0, c.quadraticForm(v) - c.quadraticForm(posteriorCovariance))
    }

    /// The seed variances of θ_1…θ_k of a run with posterior covariance `v`.
    public func thetaVariances(posterior v: [[Double]]) -> [Double] {
        (0..<factorCount).map { (j: Int) -> Double in
            let extra: Double = v[j][j] - posteriorCovariance[j][j]
            return covariance[j][j] + Swift.max(0, extra)
        }
    }

    /// `1ᵀM1/k²`.
    static func aggregate(_ m: [[Double]]) -> Double { AggregateDefinition.mean(factors: m.count).quadraticForm(m) }
}

// MARK: - Replicates of several mixtures

extension SeedNoise {
    /// One group of replicate runs: seeds of one mixture.
    public struct Group: Sendable, Codable, Equatable {
        /// The group's label in the noise file's group column.
        public let name: String
        /// Its replicate runs scored, m_g.
        public let runs: Int
        /// Its aggregate's seed sd, `σ̂_a,g = √(cᵀΣ̂_g c)` (`√(1ᵀΣ̂_g1) / k` for the mean of θ).
        public let aggregateSD: Double

        public init(name: String, runs: Int, aggregateSD: Double) {
            self.name = name
            self.runs = runs
            self.aggregateSD = aggregateSD
        }

        enum CodingKeys: String, CodingKey {
            case name, runs, aggregateSD = "aggregate_sd"
        }
    }

    /// Bartlett's test that the groups' aggregates have the same seed
    /// variance, and the estimate its outcome chose (METHOD.md §7a).
    ///
    /// With `s²_g` the aggregate's seed variance of group g and `ν_g = m_g − 1`:
    ///
    /// ```
    /// ν = Σ_g ν_g,   s²_p = Σ_g ν_g s²_g / ν
    /// T = (ν ln s²_p − Σ_g ν_g ln s²_g) / C,   C = 1 + (Σ_g 1/ν_g − 1/ν) / (3(G − 1))
    /// p = Pr(χ²_{G−1} > T)
    /// ```
    ///
    /// Rule: p ≥ ``level`` uses the pooled estimate; p < ``level`` the
    /// group with the largest aggregate variance, with its own ν_g
    /// (conservative: every run gets the noisiest mixture's seed noise).
    public struct GroupTest: Sendable, Codable, Equatable {
        /// Which estimate of the seed noise is used.
        public enum Rule: String, Sendable, Codable, CaseIterable {
            /// p ≥ ``GroupTest/level``: the pooled estimate, with ν = Σ_g (m_g − 1).
            case pooled
            /// p < ``GroupTest/level``: the group with the largest aggregate
            /// variance, with its own ν_g = m_g − 1.
            case largestGroup = "largest_group"
            /// p < ``GroupTest/level``, but the group with the largest aggregate
            /// variance has fewer than ``SeedNoise/minimumReplicates`` runs (too
            /// few degrees of freedom for intervals): the pooled estimate, which
            /// may understate that group's seed noise.
            case pooledLargestTooFew = "pooled_largest_too_few"
        }

        /// The level below which the groups' variances are taken to differ.
        public static let level = 0.05

        /// Bartlett's statistic T (with its correction C); +∞ when some group's
        /// replicates agree exactly and another's do not.
        public let statistic: Double
        /// G − 1.
        public let degreesOfFreedom: Int
        /// `Pr(χ²_{G−1} > T)`.
        public let p: Double
        /// The estimate used.
        public let rule: Rule
        /// The group with the largest aggregate variance (the first of equals)…
        public let largestGroup: String
        /// …and the one with the smallest.
        public let smallestGroup: String

        enum CodingKeys: String, CodingKey {
            case statistic, degreesOfFreedom = "degrees_of_freedom", p, rule
            case largestGroup = "largest_group", smallestGroup = "smallest_group"
        }

        /// Bartlett's statistic T and its p-value for sample variances
        /// `variances` with `degreesOfFreedom` (see ``GroupTest``).
        ///
        /// - Parameters:
        ///   - variances: `s²_g ≥ 0`, one per group.
        ///   - degreesOfFreedom: `ν_g ≥ 1`, one per group.
        /// - Returns: `(0, 1)` when every variance is 0 (nothing differs);
        ///   `(+∞, 0)` when some are 0 and others not; NaN with fewer than 2 groups.
        /// - Complexity: O(G).
        public static func bartlett(variances: [Double], degreesOfFreedom: [Int]) -> (statistic: Double, p: Double) {
            precondition(variances.count == degreesOfFreedom.count && degreesOfFreedom.allSatisfy { $0 >= 1 },
                         "one variance per group, each with at least 1 degree of freedom")
            let g = variances.count
            guard g >= 2 else { return (.nan, .nan) }
            let nu = degreesOfFreedom.map(Double.init)
            let total = nu.reduce(0, +)
            let pooled = zip(nu, variances).reduce(0) { $0 + $1.0 * $1.1 } / total
            if variances.allSatisfy({ $0 == 0 }) { return (0, 1) }
            if variances.contains(0) { return (.infinity, 0) }
            var t = total * Foundation.log(pooled)
            for (n, s2) in zip(nu, variances) { t -= n * Foundation.log(s2) }
            let c = 1 + (nu.reduce(0) { $0 + 1 / $1 } - 1 / total) / (3 * Double(g - 1))
            let statistic = Swift.max(0, t / c)
            return (statistic, ChiSquare.upperTail(statistic, degreesOfFreedom: Double(g - 1)))
        }
    }

    /// Estimates the seed noise from replicates of several mixtures: per group
    /// (deviations from each group's own mean), pooled, and tested for equal
    /// aggregate variances (``GroupTest``).
    ///
    /// ```
    /// Σ̂ = Σ_g (m_g − 1) Σ̂_g / Σ_g (m_g − 1),   ν = Σ_g (m_g − 1)      pooled
    /// V̄ = mean_i V_i                                                    over every replicate
    /// ```
    ///
    /// When Bartlett's p ≥ ``GroupTest/level`` the pooled estimate is used;
    /// below, the group with the largest `σ̂²_a,g` (Σ̂_g, V̄_g, ν_g = m_g − 1),
    /// unless it has fewer than ``minimumReplicates`` runs
    /// (``GroupTest/Rule/pooledLargestTooFew``). With one group the estimate
    /// is ``init(theta:posteriors:)``'s, and ``groupTest`` is `nil`.
    ///
    /// - Parameters:
    ///   - theta: the replicate runs' scores, m rows of k.
    ///   - posteriors: their posterior covariances, m matrices k × k (rows).
    ///   - groups: each run's group label; groups are listed in the order they first occur.
    /// - Returns: `nil` when there are no runs or a group has fewer than 2 runs.
    /// - Precondition: one posterior and one label per run, every row and matrix of size k.
    /// - Complexity: O(m k²).
    public init?(theta: [[Double]], posteriors: [[[Double]]], groups labels: [String]) {
        precondition(labels.count == theta.count && posteriors.count == theta.count,
                     "one group label and one posterior covariance per replicate")
        var deviations = theta
        for rows in Self.members(labels).rows {
            guard let centered = Self.centered(rows.map { theta[$0] }) else { return nil }
            for (i, d) in zip(rows, centered) { deviations[i] = d }
        }
        self.init(deviations: deviations, posteriors: posteriors, groups: labels)
    }

    /// The distinct labels in the order they first occur, and each one's rows.
    static func members(_ labels: [String]) -> (order: [String], rows: [[Int]]) {
        var order: [String] = []
        var index: [String: Int] = [:]
        var rows: [[Int]] = []
        for (i, label) in labels.enumerated() {
            if let g = index[label] { rows[g].append(i) } else {
                index[label] = order.count
                order.append(label)
                rows.append([i])
            }
        }
        return (order, rows)
    }

    /// ``init(theta:posteriors:groups:)`` from deviations already centered
    /// within each group (m rows of k): the analysis passes the leave-one-out
    /// deviations of ``leaveOneOutDeviations(z:model:groups:)``.
    ///
    /// - Returns: `nil` when there are no runs or a group has fewer than 2 runs.
    /// - Precondition: one posterior and one label per run, every row and matrix of size k.
    /// - Complexity: O(m k²).
    public init?(deviations: [[Double]], posteriors: [[[Double]]], groups labels: [String],
                 aggregate: AggregateDefinition? = nil) {
        precondition(labels.count == deviations.count && posteriors.count == deviations.count,
                     "one group label and one posterior covariance per replicate")
        let (order, memberRows) = Self.members(labels)
        var estimates: [SeedNoise] = []
        for rows in memberRows {
            guard let e = SeedNoise(deviations: rows.map { deviations[$0] }, posteriors: rows.map { posteriors[$0] })
            else { return nil }
            estimates.append(e)
        }
        guard let first = estimates.first else { return nil }
        let c = aggregate ?? .mean(factors: first.factorCount)
        let described = zip(order, estimates).map {
            Group(name: $0, runs: $1.replicates, aggregateSD: $1.aggregateVariance(of: c).squareRoot())
        }
        guard estimates.count >= 2 else {
            self = first
            groups = described
            return
        }
        let k = first.factorCount, m = deviations.count
        let nu = estimates.reduce(0) { $0 + $1.degreesOfFreedom }
        var sigma = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var v = sigma
        for e in estimates {
            for a in 0..<k {
                for b in 0..<k {
                    sigma[a][b] += Double(e.degreesOfFreedom) * e.covariance[a][b] / Double(nu)
                    v[a][b] += Double(e.replicates) * e.posteriorCovariance[a][b] / Double(m)
                }
            }
        }
        let variances = estimates.map { $0.aggregateVariance(of: c) }
        var largest = 0, smallest = 0
        for g in variances.indices {
            if variances[g] > variances[largest] { largest = g }
            if variances[g] < variances[smallest] { smallest = g }
        }
        let (t, p) = GroupTest.bartlett(variances: variances, degreesOfFreedom: estimates.map(\.degreesOfFreedom))
        let rule: GroupTest.Rule = p >= GroupTest.level || p.isNaN ? .pooled
            : estimates[largest].replicates >= Self.minimumReplicates ? .largestGroup : .pooledLargestTooFew
        if rule == .largestGroup {
            self = estimates[largest]
        } else {
            self.init(covariance: sigma, degreesOfFreedom: nu, replicates: m, posteriorCovariance: v)
        }
        groups = described
        groupTest = GroupTest(statistic: t, degreesOfFreedom: estimates.count - 1, p: p, rule: rule,
                              largestGroup: order[largest], smallestGroup: order[smallest])
    }

    /// An estimate from its parts.
    private init(covariance: [[Double]], degreesOfFreedom: Int, replicates: Int, posteriorCovariance: [[Double]]) {
        self.covariance = covariance
        self.degreesOfFreedom = degreesOfFreedom
        self.replicates = replicates
        self.posteriorCovariance = posteriorCovariance
    }
}
