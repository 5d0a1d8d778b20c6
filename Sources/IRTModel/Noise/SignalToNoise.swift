import Linalg

/// Signal-to-noise of a score across the sweep against seed noise (METHOD.md §7).
///
/// ```
/// SNR = (var_sweep − var_noise) / var_noise,   noise_share = var_noise / var_sweep
/// ```
///
/// both sample variances (divisor n − 1), the noise one over the replicate
/// runs projected with the fitted model.
public struct SignalToNoise: Sendable, Equatable, Codable {
    /// 1-based factor number, or `nil` for the aggregate.
    public let factor: Int?
    public let varSweep: Double
    public let varNoise: Double
    public let snr: Double
    public let noiseShare: Double
    /// Approximate 95% interval of the SNR from the F distribution of a
    /// variance ratio with (n_noise − 1, n_sweep − 1) degrees of freedom.
    public let interval: ClosedRange<Double>?

    enum CodingKeys: String, CodingKey {
        case factor, varSweep = "var_sweep", varNoise = "var_noise", snr, noiseShare = "noise_share"
        case intervalLow = "snr_95_low", intervalHigh = "snr_95_high"
    }

    public init(factor: Int?, sweep: [Double], noise: [Double]) throws(AnalysisError) {
        do throws(LinalgError) {
            varSweep = try Statistics.variance(sweep, ddof: 1)
            varNoise = try Statistics.variance(noise, ddof: 1)
        } catch { throw .numerical(error) }
        self.factor = factor
        snr = (varSweep - varNoise) / varNoise
        noiseShare = varNoise / varSweep
        interval = SignalToNoise.interval(varSweep: varSweep, varNoise: varNoise,
                                          noiseRuns: noise.count, sweepRuns: sweep.count)
    }

    /// The 95% interval of the true SNR given the estimate: the noise variance
    /// is the uncertain one, `(m − 1) var_noise / σ² ~ χ²(m − 1)` over m runs, so
    ///
    /// ```
    /// SNR + 1 ∈ (var_sweep / var_noise) · [χ²₀.₀₂₅, χ²₀.₉₇₅] / (m − 1)
    /// ```
    ///
    /// (the sweep variance, over hundreds of runs, is taken as known).
    static func interval(varSweep: Double, varNoise: Double, noiseRuns: Int, sweepRuns: Int) -> ClosedRange<Double>? {
        guard noiseRuns >= 2, sweepRuns >= 2, varNoise > 0 else { return nil }
        let ratio = varSweep / varNoise
        // True noise variance lies in [varNoise / high, varNoise / low].
        let range = sampleVarianceRange(runs: noiseRuns)
        return (ratio * range.lowerBound - 1)...(ratio * range.upperBound - 1)
    }

    /// The central 95% range of `s² / σ²` for a sample variance `s²` over `runs`
    /// normal observations: `[χ²₀.₀₂₅, χ²₀.₉₇₅] / (runs − 1)` with `runs − 1`
    /// degrees of freedom (ten runs: [0.30, 2.11]).
    ///
    /// - Precondition: `runs >= 2`.
    public static func sampleVarianceRange(runs: Int) -> ClosedRange<Double> {
        precondition(runs >= 2, "a sample variance needs at least 2 runs")
        let dof = Double(runs - 1)
        return (ChiSquare.quantile(0.025, degreesOfFreedom: dof) / dof)...(ChiSquare.quantile(0.975, degreesOfFreedom: dof) / dof)
    }

    /// The `p`-quantile of the χ² distribution with `k` degrees of freedom;
    /// forwards to `Linalg.ChiSquare.quantile(_:degreesOfFreedom:)`.
    public static func chiSquareQuantile(_ p: Double, _ k: Double) -> Double {
        ChiSquare.quantile(p, degreesOfFreedom: k)
    }

    /// The standard normal quantile; forwards to `Linalg.Normal.quantile(_:)`.
    public static func normalQuantile(_ p: Double) -> Double {
        Normal.quantile(p)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(factor, forKey: .factor)
        try c.encode(varSweep, forKey: .varSweep)
        try c.encode(varNoise, forKey: .varNoise)
        try c.encode(snr, forKey: .snr)
        try c.encode(noiseShare, forKey: .noiseShare)
        try c.encodeIfPresent(interval?.lowerBound, forKey: .intervalLow)
        try c.encodeIfPresent(interval?.upperBound, forKey: .intervalHigh)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        factor = try c.decodeIfPresent(Int.self, forKey: .factor)
        varSweep = try c.decode(Double.self, forKey: .varSweep)
        varNoise = try c.decode(Double.self, forKey: .varNoise)
        snr = try c.decode(Double.self, forKey: .snr)
        noiseShare = try c.decode(Double.self, forKey: .noiseShare)
        if let lo = try c.decodeIfPresent(Double.self, forKey: .intervalLow),
           let hi = try c.decodeIfPresent(Double.self, forKey: .intervalHigh), lo <= hi {
            interval = lo...hi
        } else { interval = nil }
    }
}
