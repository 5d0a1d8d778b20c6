import Foundation
@testable import IRTModel
import Testing

@Suite("Signal-to-noise per factor (METHOD.md §7)")
struct SignalToNoiseTests {
    @Test("Hand example: var_sweep 2.5, var_noise 0.25, SNR 9, noise share 0.1")
    func handExample() throws {
        // Sweep 1…5: mean 3, squared deviations 4+1+0+1+4 = 10, /4 = 2.5.
        // Noise 0.5, 1, 1.5: mean 1, squared deviations 0.25+0+0.25 = 0.5, /2 = 0.25.
        let s = try SignalToNoise(factor: 2, sweep: [1, 2, 3, 4, 5], noise: [0.5, 1, 1.5])
        #expect(s.factor == 2)
        #expect(s.varSweep == 2.5)
        #expect(s.varNoise == 0.25)
        #expect(abs(s.snr - 9) < 1e-14)
        #expect(abs(s.noiseShare - 0.1) < 1e-16)
        let interval = try #require(s.interval)
        #expect(interval.contains(s.snr))
        #expect(interval.lowerBound < s.snr && s.snr < interval.upperBound)
    }

    @Test("Noise louder than the sweep: negative SNR, share above 1")
    func noiseAboveSignal() throws {
        // Sweep 1, 2, 3: variance 1; noise 0, 2, 4: variance 4.
        let s = try SignalToNoise(factor: nil, sweep: [1, 2, 3], noise: [0, 2, 4])
        #expect(s.factor == nil)
        #expect(abs(s.snr - (-0.75)) < 1e-15)
        #expect(abs(s.noiseShare - 4) < 1e-15)
        #expect(try #require(s.interval).contains(s.snr))
    }

    /// χ² quantiles from SciPy (`scipy.stats.chi2.ppf`), for the exact interval.
    static let chiSquare9 = (low: 2.7003894999803584, high: 19.02276779864163)

    @Test("χ² quantiles against SciPy's chi2.ppf", arguments: [
        (0.025, 2.0, 0.05063561596857975), (0.975, 2.0, 7.377758908227871),
        (0.025, 9.0, 2.7003894999803584), (0.975, 9.0, 19.02276779864163),
        (0.025, 20.0, 9.590777392264867), (0.975, 20.0, 34.16960690283833),
    ])
    func chiSquareQuantile(_ p: Double, _ k: Double, _ expected: Double) {
        #expect(abs(SignalToNoise.chiSquareQuantile(p, k) / expected - 1) < 1e-9)
    }

    @Test("With 10 noise runs the interval is the exact χ²(9) one")
    func intervalAgainstExactChiSquare() throws {
        var rng = Xoshiro256StarStar(seed: 5)
        var normal = NormalSampler()
        let sweep = (0..<200).map { _ in 3 * normal.next(using: &rng) }
        let noise = (0..<10).map { _ in normal.next(using: &rng) }
        let s = try SignalToNoise(factor: 1, sweep: sweep, noise: noise)
        let interval = try #require(s.interval)
        #expect(interval.contains(s.snr))
        // True noise variance σ² ∈ [9 s²/χ²₀.₉₇₅, 9 s²/χ²₀.₀₂₅], so SNR + 1 = var_sweep/σ² ∈ ratio · [χ²₀.₀₂₅, χ²₀.₉₇₅]/9.
        let ratio = s.varSweep / s.varNoise
        let exactLow = ratio * Self.chiSquare9.low / 9, exactHigh = ratio * Self.chiSquare9.high / 9
        #expect(abs((interval.lowerBound + 1) / exactLow - 1) < 1e-9)
        #expect(abs((interval.upperBound + 1) / exactHigh - 1) < 1e-9)
    }

    @Test("Normal quantile against SciPy's norm.ppf", arguments: [
        (0.975, 1.959963984540054), (0.01, -2.3263478740408408), (0.5, 0.0), (0.001, -3.090232306167813),
    ])
    func normalQuantile(_ p: Double, _ expected: Double) {
        // Acklam's bound is on the relative error.
        #expect(abs(SignalToNoise.normalQuantile(p) - expected) <= 1.2e-9 * abs(expected))
        #expect(abs(SignalToNoise.normalQuantile(1 - p) + expected) <= 1.2e-9 * abs(expected))
    }

    @Test("No interval without noise variance; one noise run is an error")
    func degenerate() throws {
        let flat = try SignalToNoise(factor: 1, sweep: [1, 2, 3], noise: [1, 1])
        #expect(flat.varNoise == 0)
        #expect(flat.interval == nil)
        #expect(throws: AnalysisError.self) { try SignalToNoise(factor: 1, sweep: [1, 2, 3], noise: [1]) }
    }

    @Test("JSON keys and round trip")
    func codable() throws {
        let s = try SignalToNoise(factor: nil, sweep: [1, 2, 3, 4, 5], noise: [0.5, 1, 1.5])
        let data = try JSONEncoder().encode(s)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["var_sweep", "var_noise", "snr", "noise_share", "snr_95_low", "snr_95_high"])
        #expect(try JSONDecoder().decode(SignalToNoise.self, from: data) == s)
    }

    @Test("The sample's SNR block equals sample variances of θ and of the projected noise", arguments: ReferenceCase.allCases)
    func sampleVariancesRecomputed(_ c: ReferenceCase) throws {
        let result = try #require(SharedRuns.referencePath[c])
        let snr = try #require(result.snr)
        let noiseTheta = try #require(result.noiseTheta)
        #expect(snr.noiseRuns == 10 && noiseTheta.count == 10)
        func sampleVariance(_ x: [Double]) -> Double {
            let mean = x.reduce(0, +) / Double(x.count)
            return x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count - 1)
        }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * abs(b) }
        #expect(snr.factors.map(\.factor) == (1...result.k).map { $0 })
        for (j, f) in snr.factors.enumerated() {
            let vs = sampleVariance(result.theta.map { $0[j] }), vn = sampleVariance(noiseTheta.map { $0[j] })
            #expect(close(f.varSweep, vs) && close(f.varNoise, vn), "factor \(j + 1)")
            #expect(close(f.snr, (vs - vn) / vn) && close(f.noiseShare, vn / vs), "factor \(j + 1)")
            #expect(try #require(f.interval).contains(f.snr))
        }
        let k = Double(result.k)
        let aggregateSweep = result.theta.map { $0.reduce(0, +) / k }
        let aggregateNoise = noiseTheta.map { $0.reduce(0, +) / k }
        #expect(snr.aggregate.factor == nil)
        #expect(close(snr.aggregate.varSweep, sampleVariance(aggregateSweep)))
        #expect(close(snr.aggregate.varNoise, sampleVariance(aggregateNoise)))
        #expect(try #require(snr.aggregate.interval).contains(snr.aggregate.snr))
    }
}
