import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// The fitted model's own uncertainty: refits on runs drawn with replacement.
@Suite("Model bootstrap over runs")
struct ModelBootstrapTests {
    static func fixture(seed: UInt64) throws -> (z: Matrix, model: FactorModel, aggregates: [Double]) {
        let z = SyntheticSweep(runs: 150, tasks: 16, factors: 2, seed: seed, noiseRuns: 0).signedScores()
        var standardized = z
        for t in 0..<z.columns {
            let column = (0..<z.rows).map { z[$0, t] }
            let mean = Statistics.mean(column)
            let sd = try Statistics.variance(column, ddof: 0).squareRoot()
            for i in 0..<z.rows { standardized[i, t] = (z[i, t] - mean) / sd }
        }
        let s = standardized.gram(alpha: 1 / Double(z.rows))
        let anchors = [Double?](repeating: nil, count: z.columns)
        let model = try FactorModel(covariance: s, observations: z.rows, k: 2, anchors: anchors, options: FitOptions(factors: 2))
        let theta = try Posterior(loadings: model.loadings, psi: model.psi, observed: Array(0..<z.columns)).means(standardized)
        let aggregates = (0..<z.rows).map { (theta[$0, 0] + theta[$0, 1]) / 2 }
        return (standardized, model, aggregates)
    }

    @Test("Deviations are centred per run, sds match them, and the refits agree with the full fit", arguments: [UInt64(3), 8])
    func properties(_ seed: UInt64) throws {
        let (z, model, aggregates) = try Self.fixture(seed: seed)
        let anchors = [Double?](repeating: nil, count: z.columns)
        let boot = try #require(ModelBootstrap(z: z, model: model, anchors: anchors, options: FitOptions(factors: 2),
                                               aggregates: aggregates, refits: 24, seed: 5, threads: 2))
        #expect(boot.refits + boot.failed == 24)
        #expect(boot.deviations.allSatisfy { $0.count == z.rows })
        for r in 0..<z.rows {
            let column = boot.deviations.map { $0[r] }
            #expect(abs(column.reduce(0, +)) < 1e-10)
            let sd = try Statistics.variance(column, ddof: 1).squareRoot()
            #expect(abs(sd - boot.aggregateSD[r]) <= 1e-12 * Swift.max(1, sd))
        }
        #expect(boot.aggregateSD.allSatisfy { $0 > 0 && $0 < 0.5 })
        #expect(boot.lowestAggregateR > 0.9 && boot.lowestAggregateR <= 1)
    }

    @Test("The same seed gives the same refits whatever the thread count")
    func threadIndependence() throws {
        let (z, model, aggregates) = try Self.fixture(seed: 3)
        let anchors = [Double?](repeating: nil, count: z.columns)
        let one = ModelBootstrap(z: z, model: model, anchors: anchors, options: FitOptions(factors: 2),
                                 aggregates: aggregates, refits: 6, seed: 11, threads: 1)
        let two = ModelBootstrap(z: z, model: model, anchors: anchors, options: FitOptions(factors: 2),
                                 aggregates: aggregates, refits: 6, seed: 11, threads: 2)
        #expect(one != nil && one == two)
        let other = ModelBootstrap(z: z, model: model, anchors: anchors, options: FitOptions(factors: 2),
                                   aggregates: aggregates, refits: 6, seed: 12, threads: 1)
        #expect(other != one)
    }

    @Test("In the analysis: ± model per run, refits in result.json, rank intervals at least as wide")
    func inTheAnalysis() throws {
        var options = AnalysisOptions().withoutFitChecks
        options.bootstrap = 20
        let with = try Analysis(sweep: SharedRuns.sweep, noise: SharedRuns.fixedNoise, options: options).run()
        options.bootstrap = 0
        let without = try Analysis(sweep: SharedRuns.sweep, noise: SharedRuns.fixedNoise, options: options).run()
        let b = try #require(with.uncertainty?.bootstrap)
        #expect(b.n == 20 && b.failed == 0 && b.lowestAggregateR > 0.99)
        #expect(with.leaderboard.allSatisfy { ($0.aggregateSDModel ?? 0) > 0 })
        #expect(without.leaderboard.allSatisfy { $0.aggregateSDModel == nil })
        #expect(without.uncertainty?.bootstrapNote == ScoreUncertainty.notRequested)
        // The seed sd is unchanged; the intervals gain the model's part.
        #expect(zip(with.leaderboard, without.leaderboard).allSatisfy { $0.aggregateSD == $1.aggregateSD })
        let width = { (r: AnalysisResult) in r.leaderboard.reduce(0) { $0 + $1.rankInterval[1] - $1.rankInterval[0] } }
        #expect(width(with) > width(without))
        let json = try JSONSerialization.jsonObject(with: JSONCoding.encode(with)) as? [String: Any]
        let uncertainty = json?["uncertainty"] as? [String: Any]
        #expect((uncertainty?["bootstrap"] as? [String: Any])?["lowest_aggregate_r"] != nil)
    }
}
