import Foundation
import IRTModel
import Linalg
import Testing

/// The seed law's draws with the sweep's spread as the prior of the noise-free
/// aggregates (``AggregateNoise/Spread``), checked against the closed-form
/// normal posterior.
@Suite("AggregateNoise: draws of the noise-free aggregates")
struct AggregateNoiseTests {
    /// Sample mean and variance of run `i` over `draws` draws.
    static func moments(_ noise: AggregateNoise, run i: Int, draws: Int) -> (mean: Double, variance: Double) {
        var out = [Double](repeating: 0, count: noise.aggregates.count)
        var sum = 0.0, squares = 0.0
        for d in 0..<draws {
            noise.sample(draw: d, seed: 7, into: &out)
            sum += out[i]
            squares += out[i] * out[i]
        }
        let mean = sum / Double(draws)
        return (mean, squares / Double(draws) - mean * mean)
    }

    @Test("Each draw is the normal posterior μ + B(â − μ) ± √(B v), B = τ² / (τ² + v)", arguments: [0.1, 0.25, 0.5])
    func posteriorMoments(seedVariance v: Double) throws {
        // A sweep of spread S² = 1 around μ = 0.3; ν large, so c_d ≈ 1.
        let sweep = (0..<200).map { 0.3 + 1.0 * Normal.quantile((Double($0) + 0.5) / 200) }
        let spread = try #require(AggregateNoise.Spread(aggregates: sweep))
        let aggregates = [1.3, 0.3, -0.7]
        let noise = AggregateNoise(aggregates: aggregates, law: .seed(variance: v, degreesOfFreedom: 1_000_000,
                                                                      extra: [0, 0, v]), spread: spread)
        let tau2 = spread.variance - v
        for i in aggregates.indices {
            let vi = v + (i == 2 ? v : 0), b = tau2 / (tau2 + vi)
            let (mean, variance) = Self.moments(noise, run: i, draws: 40_000)
            let expectedMean = spread.mean + b * (aggregates[i] - spread.mean)
            // 40,000 draws: the mean's se is √(B v / 40,000) < 0.004.
            #expect(abs(mean - expectedMean) < 0.015, "run \(i): mean \(mean) vs \(expectedMean)")
            #expect(abs(variance / (b * vi) - 1) < 0.04, "run \(i): variance \(variance) vs \(b * vi)")
        }
    }

    @Test("Without a spread the draws are of the estimates; with one, p_better is less sure")
    func shrinkageMakesDecisionsHumbler() throws {
        let law = AggregateNoise.Law.seed(variance: 0.04, degreesOfFreedom: 9, extra: [0, 0])
        let plain = AggregateNoise(aggregates: [0.2, 0.0], law: law)
        #expect(plain.spread == nil)
        let spread = try #require(AggregateNoise.Spread(aggregates: [-0.3, -0.1, 0.0, 0.1, 0.2, 0.4]))
        let shrunk = AggregateNoise(aggregates: [0.2, 0.0], law: law, spread: spread)
        func pBetter(_ noise: AggregateNoise) -> Double {
            var out = [0.0, 0.0], wins = 0
            for d in 0..<20_000 { noise.sample(draw: d, seed: 3, into: &out); if out[0] > out[1] { wins += 1 } }
            return Double(wins) / 20_000
        }
        let p0 = pBetter(plain), p1 = pBetter(shrunk)
        #expect(p0 > 0.5 && p1 > 0.5 && p1 < p0, "plain \(p0), with the sweep's spread \(p1)")
        // The refits' deviations keep the spread.
        #expect(shrunk.adding(modelDeviations: [[0, 0], [0.01, -0.01]]).spread == spread)
    }

    @Test("A spread needs two runs that differ")
    func spreadEdges() {
        #expect(AggregateNoise.Spread(aggregates: []) == nil)
        #expect(AggregateNoise.Spread(aggregates: [1]) == nil)
        #expect(AggregateNoise.Spread(aggregates: [2, 2, 2]) == nil)
        #expect(AggregateNoise.Spread(aggregates: [0, 2])?.variance == 2)
    }

    @Test("When seed noise is all of the sweep's spread, the draws still rank (τ² floored), not in file order")
    func allNoise() throws {
        let spread = try #require(AggregateNoise.Spread(aggregates: [0, 0.1, 0.2]))
        let noise = AggregateNoise(aggregates: [0, 0.1, 0.2], law: .seed(variance: 1, degreesOfFreedom: 20, extra: [0, 0, 0]),
                                   spread: spread)
        let ranks = RankIntervals(noise: noise, draws: 2000, seed: 1, threads: 1)
        #expect(ranks.interval.allSatisfy { $0 == [1, 3] })
        #expect(ranks.pBest.allSatisfy { abs($0 - 1.0 / 3) < 0.05 }, "\(ranks.pBest)")
    }
}
