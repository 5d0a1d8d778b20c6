import Foundation
import IRTModel
import IRTSampleData
import Linalg
import Testing

/// The scores' uncertainty is a claim tested against seed noise: the bundled
/// sample's fixed-subset noise file holds 10 replicates of `run_00097` that
/// differ only in the trainer seed.
@Suite("Seed noise: calibration on the sample's replicates")
struct SeedNoiseCalibrationTests {
    /// The sample's default analysis and its replicates scored with the saved model.
    static let fixture: (result: AnalysisResult, model: FittedModel, scores: RunScores) = {
        let result = SharedRuns.defaults[.fixed]!
        let model = result.model!
        let kept = SharedRuns.fixedNoise.completedRuns()
        return (result, model, try! model.score(kept))
    }()

    /// sd with divisor m − 1.
    static func sampleSD(_ x: [Double]) -> Double {
        let mean = x.reduce(0, +) / Double(x.count)
        return (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)).squareRoot()
    }

    @Test("The replicates' spread matches their reported aggregate_sd; the posterior's sd alone is far too small")
    func replicateRatio() throws {
        let (result, model, scores) = Self.fixture
        #expect(result.uncertainty?.source == .seedReplicates)
        #expect(model.seedNoise?.replicates == 10 && model.seedNoise?.degreesOfFreedom == 9)
        let empirical = Self.sampleSD(scores.aggregate)
        let reported = model.noise(of: scores).sds
        let ratio = empirical / (reported.reduce(0, +) / Double(reported.count))
        print("sample replicates: empirical aggregate sd \(empirical) / mean reported aggregate_sd = \(ratio)")
        #expect(ratio >= 0.75 && ratio <= 1.33, "empirical sd / mean reported sd = \(ratio)")
        // The model's posterior sd, what ± sd was before: the test tells them apart.
        let posterior = scores.aggregateSD.reduce(0, +) / Double(scores.aggregateSD.count)
        #expect(empirical / posterior > 1.33, "empirical / posterior = \(empirical / posterior)")
    }

    @Test("At most 10% of the 45 pairs of replicates are called different at 95%")
    func replicatePairs() throws {
        let (_, model, scores) = Self.fixture
        let comparison = PairwiseComparison(noise: model.noise(of: scores), top: scores.aggregate.count, draws: 4000,
                                            seed: 42)
        var pairs = 0, decided = 0
        for a in comparison.runs.indices { for b in comparison.runs.indices where a < b {
            pairs += 1
            let p = comparison.pBetter[a][b]
            if p > 0.975 || p < 0.025 { decided += 1 }
        } }
        #expect(pairs == 45)
        #expect(Double(decided) <= 0.1 * Double(pairs), "\(decided) of 45 pairs decided")
        // The leaderboard's tie group on the sweep exists and starts with the best run.
        let tie = Self.fixture.result.uncertainty?.tieGroup ?? []
        #expect(tie.first == Self.fixture.result.leaderboard.first?.runName)
    }

    /// Leave-replicates-out: estimate σ²_a from 5 replicates, predict the other
    /// 5 — `mean ± t_4(0.975) σ̂ √(1 + 1/5)` — over all 252 splits.
    static func leaveOutCoverage() -> Double {
        let (_, _, scores) = fixture
        let m = scores.aggregate.count
        let theta = (0..<m).map { scores.theta.row($0) }
        let posteriors = (0..<m).map { scores.covariance(ofRun: $0).rowArrays }
        var covered = 0, checks = 0
        for mask in 0..<(1 << m) where mask.nonzeroBitCount == 5 {
            let train = (0..<m).filter { mask & (1 << $0) != 0 }
            let test = (0..<m).filter { mask & (1 << $0) == 0 }
            guard let seed = SeedNoise(theta: train.map { theta[$0] }, posteriors: train.map { posteriors[$0] })
            else { continue }
            let mean = train.map { scores.aggregate[$0] }.reduce(0, +) / Double(train.count)
            let half = StudentT.quantile(0.975, degreesOfFreedom: seed.degreesOfFreedom)
                * (seed.aggregateVariance * (1 + 1 / Double(train.count))).squareRoot()
            for i in test {
                checks += 1
                if abs(scores.aggregate[i] - mean) <= half { covered += 1 }
            }
        }
        #expect(checks == 252 * 5)
        return Double(covered) / Double(checks)
    }

    @Test("Leave-replicates-out: 95% prediction intervals from 5 replicates cover the other 5")
    func leaveReplicatesOut() {
        let coverage = Self.leaveOutCoverage()
        print("leave-replicates-out coverage of 95% intervals: \(coverage)")
        #expect(coverage >= 0.90 && coverage <= 1.0, "coverage \(coverage)")
    }

    @Test("Without replicate runs the uncertainty is the model's posterior, and a warning says so")
    func modelBasedFallback() throws {
        let result = try Analysis(sweep: SharedRuns.sweep).run()
        #expect(result.uncertainty?.source == .modelPosterior)
        #expect(result.model?.seedNoise == nil)
        #expect(result.warnings.contains { $0.kind == .uncertaintyModelBased && $0.remedies == [.addReplicates(3)] })
        // Two replicates (1 df) are refused for intervals, with the same warning.
        let two = SharedRuns.fixedNoise.completedRuns().filteringRows { $0 < 2 }
        let twoResult = try Analysis(sweep: SharedRuns.sweep, noise: two).run()
        #expect(twoResult.uncertainty?.source == .modelPosterior)
        let warning = twoResult.warnings.first { $0.kind == .uncertaintyModelBased }
        #expect(warning?.message.contains("at least 3") == true, "the message names the minimum")
    }

    @Test("model.json keeps the seed noise, and a version-1 file without it still reads")
    func modelRoundTrip() throws {
        let model = Self.fixture.model
        let data = try model.encoded()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        let back = try FittedModel(contentsOf: url)
        #expect(back.seedNoise == model.seedNoise)
        var old = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        old["schema_version"] = 1
        old.removeValue(forKey: "seed_noise")
        try JSONSerialization.data(withJSONObject: old).write(to: url)
        let v1 = try FittedModel(contentsOf: url)
        #expect(v1.seedNoise == nil && v1.uncertaintySource == .modelPosterior)
    }
}

@Suite("Student's t")
struct StudentTTests {
    /// Quantiles t_ν(0.975) from published tables (R's qt).
    @Test("Quantiles match published values", arguments: [
        (1, 12.706204736174698), (2, 4.302652729749464), (4, 2.7764451051977934),
        (9, 2.2621571628540993), (30, 2.0422724563012373),
    ])
    func quantiles(_ nu: Int, _ expected: Double) {
        let t = StudentT.quantile(0.975, degreesOfFreedom: nu)
        #expect(abs(t - expected) <= 1e-9 * expected, "ν = \(nu): \(t)")
        #expect(abs(StudentT.cdf(expected, degreesOfFreedom: nu) - 0.975) < 1e-10)
    }

    @Test("Symmetric, monotone, and normal for large ν", arguments: [1, 2, 3, 10, 200])
    func properties(_ nu: Int) {
        for x in [0.1, 0.5, 1.0, 2.0, 5.0] {
            #expect(abs(StudentT.cdf(x, degreesOfFreedom: nu) + StudentT.cdf(-x, degreesOfFreedom: nu) - 1) < 1e-14)
            #expect(StudentT.cdf(x, degreesOfFreedom: nu) < StudentT.cdf(x + 0.1, degreesOfFreedom: nu))
        }
        #expect(StudentT.cdf(0, degreesOfFreedom: nu) == 0.5)
        // t_200(0.975) = 1.97190 (R's qt), within 0.012 of the normal's 1.95996.
        if nu == 200 { #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: nu) - 1.9718962236) < 1e-8) }
    }

    @Test("Edge probabilities")
    func edges() {
        #expect(StudentT.quantile(0, degreesOfFreedom: 3) == -.infinity)
        #expect(StudentT.quantile(1, degreesOfFreedom: 3) == .infinity)
        #expect(StudentT.quantile(1.5, degreesOfFreedom: 3).isNaN)
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 3) == 0)
    }
}
