import Foundation
import IRTModel
import Linalg
import Testing

/// The aggregate's factor weights: the mean, given weights, the balanced
/// weights' defining property, and c threaded through scores and their noise.
@Suite("Aggregate definitions: factor weights")
struct AggregateDefinitionTests {
    static var model: FittedModel { SharedRuns.defaults[.fixed]!.model! }

    @Test("Given weights are normalized to sum 1; a wrong count, a sum ≤ 0 or a non-finite weight is refused")
    func givenWeights() throws {
        let c = try AggregateDefinition(weights: [1, 3, -1, 1], factors: 4)
        #expect(c.kind == .weights && c.factorWeights == [0.25, 0.75, -0.25, 0.25])
        #expect(try AggregateDefinition(weights: [7], factors: 1).factorWeights == [1])
        #expect(throws: AnalysisError.aggregateWeightsCount(given: 3, factors: 4)) {
            try AggregateDefinition(weights: [1, 1, 1], factors: 4)
        }
        for bad in [[1.0, -1], [-1.0, -2], [0.0, 0], [1.0, .nan], [.infinity, 1]] {
            #expect(throws: AnalysisError.self) { try AggregateDefinition(weights: bad, factors: 2) }
        }
    }

    @Test("The mean combines and sums exactly as before (Σθ/k, Σ V_ij / k²); given weights as Σ c_j θ_j and cᵀVc")
    func combineAndQuadraticForms() throws {
        let theta = [0.3, -1.7, 2.9], v = [[1.0, 0.2, -0.1], [0.2, 0.5, 0.05], [-0.1, 0.05, 0.8]]
        let mean = AggregateDefinition.mean(factors: 3)
        #expect(mean.combine(theta) == theta.reduce(0, +) / 3)
        #expect(mean.quadraticForm(v) == v.reduce(0) { $0 + $1.reduce(0, +) } / 9)
        let vm = Matrix(rows: 3, columns: 3) { v[$0][$1] }
        var s = 0.0
        for i in 0..<3 { for j in 0..<3 { s += v[i][j] } }
        #expect(mean.sd(vm) == s.squareRoot() / 3)
        let c = try AggregateDefinition(weights: [2, 1, 1], factors: 3)
        #expect(abs(c.combine(theta) - (0.5 * 0.3 + 0.25 * -1.7 + 0.25 * 2.9)) < 1e-15)
        var q = 0.0
        for i in 0..<3 { for j in 0..<3 { q += c.factorWeights[i] * v[i][j] * c.factorWeights[j] } }
        #expect(abs(c.quadraticForm(v) - q) < 1e-15 && abs(c.sd(vm) - q.squareRoot()) < 1e-15)
        #expect(AggregateDefinition.mean(factors: 0).combine([]) == 0)
    }

    /// `c_j (S c)_j / cᵀSc` for every j.
    static func contributions(_ c: [Double], _ s: Matrix) -> [Double] {
        let k = c.count
        let sc = (0..<k).map { a in (0..<k).reduce(0.0) { $0 + s[a, $1] * c[$1] } }
        let total = (0..<k).reduce(0.0) { $0 + c[$1] * sc[$1] }
        return (0..<k).map { c[$0] * sc[$0] / total }
    }

    /// The sample covariance (n − 1) of the columns of `x`.
    static func covariance(_ x: Matrix) -> Matrix {
        let n = x.rows, k = x.columns
        let m = (0..<k).map { j in (0..<n).reduce(0.0) { $0 + x[$1, j] } / Double(n) }
        return Matrix(rows: k, columns: k) { a, b in
            (0..<n).reduce(0.0) { $0 + (x[$1, a] - m[a]) * (x[$1, b] - m[b]) } / Double(n - 1)
        }
    }

    @Test("Balanced: every factor has an equal share of the aggregate's sweep variance, on the sample and on correlated draws",
          arguments: [2, 3, 5])
    func balancedProperty(k: Int) throws {
        var rng = Xoshiro256StarStar(seed: UInt64(k))
        var normal = NormalSampler()
        let n = 300
        // Correlated factors of unequal spread.
        let mix = Matrix(rows: k, columns: k) { a, b in a == b ? Double(a + 1) : (a < b ? 0.6 : 0) }
        let raw = Matrix(rows: n, columns: k) { _, _ in normal.next(using: &rng) }
        let theta = try raw.multiplied(by: mix)
        for x in [theta, try Matrix(rows: Self.model.sweep.theta)] {
            let c = try #require(AggregateDefinition.balanced(theta: x))
            #expect(c.kind == .balanced && c.factorWeights.allSatisfy { $0 > 0 })
            #expect(abs(c.factorWeights.reduce(0, +) - 1) < 1e-12)
            let shares = Self.contributions(c.factorWeights, Self.covariance(x))
            #expect(shares.allSatisfy { abs($0 - 1 / Double(x.columns)) < 1e-9 })
        }
    }

    @Test("Balanced with two factors is c ∝ 1/sd whatever their correlation; uncorrelated equal spreads give the mean")
    func balancedClosedForms() throws {
        let s = Matrix(rows: 2, columns: 2) { a, b in a == b ? [4.0, 0.25][a] : 0.7 }
        let c = try #require(AggregateDefinition.equalRiskWeights(s))
        // 1/2 : 1/0.5 → 0.2, 0.8.
        #expect(abs(c[0] - 0.2) < 1e-12 && abs(c[1] - 0.8) < 1e-12)
        let identity = Matrix(rows: 3, columns: 3) { $0 == $1 ? 2 : 0 }
        #expect(try #require(AggregateDefinition.equalRiskWeights(identity)).allSatisfy { abs($0 - 1.0 / 3) < 1e-12 })
    }

    @Test("Balanced is undefined without spread: fewer than k + 1 runs, a constant factor, or collinear factors")
    func balancedUndefined() throws {
        #expect(AggregateDefinition.balanced(theta: Matrix(rows: 2, columns: 2) { Double($0 + $1) }) == nil)
        #expect(AggregateDefinition.balanced(theta: Matrix(rows: 10, columns: 2) { i, j in j == 0 ? Double(i) : 1 }) == nil)
        #expect(AggregateDefinition.balanced(theta: Matrix(rows: 10, columns: 2) { i, j in Double(i) * Double(j + 1) }) == nil)
        #expect(AggregateDefinition.balanced(theta: Matrix(rows: 10, columns: 1) { i, _ in Double(i) })?.factorWeights == [1])
        #expect(AggregateDefinition.balanced(theta: Matrix(rows: 0, columns: 0)) == nil)
    }

    @Test("with(aggregate:) gives the sweep the scores a fresh scoring gives, and posterior sds sqrt(cᵀVc)")
    func modelWithWeights() throws {
        let c = try AggregateDefinition(weights: [0.5, 0.1, 0.1, 0.3], factors: 4)
        let model = try Self.model.with(aggregate: c)
        #expect(model.aggregateDefinition == c && model.sweep.theta == Self.model.sweep.theta)
        let scores = try model.score(SharedRuns.sweep)
        let byName = Dictionary(scores.runNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, name) in model.sweep.runNames.enumerated() {
            let theta = model.sweep.theta[i]
            let a = zip(c.factorWeights, theta).reduce(0.0) { $0 + $1.0 * $1.1 }
            #expect(abs(model.sweep.aggregate[i] - a) < 1e-14 * Swift.max(1, abs(a)))
            let v = model.sweep.covariances[model.sweep.covarianceIndex[i]]
            var q = 0.0
            for x in 0..<4 { for y in 0..<4 { q += c.factorWeights[x] * v[x][y] * c.factorWeights[y] } }
            #expect(abs(model.sweep.aggregateSD[i] - q.squareRoot()) < 1e-14)
            if let j = byName[name] { #expect(abs(scores.aggregate[j] - model.sweep.aggregate[i]) < 1e-12) }
        }
        // The mean leaves the sweep's numbers as they were, bit for bit.
        let mean = try Self.model.with(aggregate: .mean(factors: 4))
        #expect(mean.sweep == Self.model.sweep)
    }

    @Test("Seed noise of the aggregate is cᵀΣ̂c, plus cᵀ(V − V̄)c for a run missing tasks; the model's noise law uses its c")
    func seedNoiseThreadsC() throws {
        let seed = try #require(Self.model.seedNoise)
        let c = try AggregateDefinition(weights: [0.4, 0.3, 0.2, 0.1], factors: 4)
        var q = 0.0
        for a in 0..<4 { for b in 0..<4 { q += c.factorWeights[a] * seed.covariance[a][b] * c.factorWeights[b] } }
        #expect(abs(seed.aggregateVariance(of: c) - q) < 1e-15)
        #expect(seed.aggregateVariance(of: .mean(factors: 4)) == seed.aggregateVariance)
        let wider = seed.posteriorCovariance.map { $0.map { $0 * 1.5 } }
        var extra = 0.0
        for a in 0..<4 { for b in 0..<4 { extra += c.factorWeights[a] * 0.5 * seed.posteriorCovariance[a][b] * c.factorWeights[b] } }
        #expect(abs(seed.extraVariance(posterior: wider, of: c) - max(0, extra)) < 1e-15)
        let model = try Self.model.with(aggregate: c)
        guard case let .seed(variance, _, _) = model.sweepNoise.law else { Issue.record("no seed law"); return }
        #expect(variance == seed.aggregateVariance(of: c))
    }

    @Test("Replicate groups: each group's sd and Bartlett's test are of cᵀΣ̂_g c")
    func groupsUseC() throws {
        var rng = Xoshiro256StarStar(seed: 9)
        var normal = NormalSampler()
        // Group b is noisy on θ1 only: the mean of θ sees it, weights on θ2 alone do not.
        let labels = (0..<24).map { $0 < 12 ? "a" : "b" }
        let theta = labels.map { g in [(g == "b" ? 4 : 1) * normal.next(using: &rng), normal.next(using: &rng)] }
        let posteriors = labels.map { _ in [[0.01, 0], [0, 0.01]] }
        let c = try AggregateDefinition(weights: [0, 1], factors: 2)
        let mean = try #require(SeedNoise(theta: theta, posteriors: posteriors, groups: labels))
        let second = try #require(SeedNoise(deviations: theta.indices.map { i in
            let rows = theta.indices.filter { labels[$0] == labels[i] }
            return (0..<2).map { j in theta[i][j] - rows.reduce(0.0) { $0 + theta[$1][j] } / Double(rows.count) }
        }, posteriors: posteriors, groups: labels, aggregate: c))
        var variances: [Double] = []
        for (g, name) in ["a", "b"].enumerated() {
            let rows = theta.indices.filter { labels[$0] == name }
            let x = rows.map { theta[$0][1] }, m = x.reduce(0, +) / Double(x.count)
            variances.append(x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1))
            #expect(abs(try #require(second.groups)[g].aggregateSD - variances[g].squareRoot()) < 1e-12)
        }
        let expected = SeedNoise.GroupTest.bartlett(variances: variances, degreesOfFreedom: [11, 11])
        #expect(abs(try #require(second.groupTest).p - expected.p) < 1e-12)
        #expect(mean.groupTest?.rule == .largestGroup && mean.groupTest?.largestGroup == "b")
    }

    @Test("model.json keeps the definition; a file without one scores with the mean of θ")
    func modelFile() throws {
        let c = try AggregateDefinition(weights: [1, 0, 0, 1], factors: 4)
        let model = try Self.model.with(aggregate: c)
        let back = try FittedModel(json: model.encoded(), source: "m.json")
        #expect(back == model && back.aggregateDefinition == c)
        var object = try #require(try JSONSerialization.jsonObject(with: model.encoded()) as? [String: Any])
        object["aggregate"] = nil
        let old = try FittedModel(json: JSONSerialization.data(withJSONObject: object), source: "old.json")
        #expect(old.aggregate == nil && old.aggregateDefinition == .mean(factors: 4))
        object["aggregate"] = ["kind": "weights", "factor_weights": [0.5, 0.5]]
        #expect(throws: AnalysisError.invalidModel(file: "bad.json", reason: "aggregate.factor_weights has 2 weight(s), expected 4 finite numbers (one per factor label)")) {
            try FittedModel(json: JSONSerialization.data(withJSONObject: object), source: "bad.json")
        }
        #expect(try old.score(SharedRuns.sweep).aggregate == (try Self.model.score(SharedRuns.sweep).aggregate))
    }
}
