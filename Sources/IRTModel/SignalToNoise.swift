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

    /// The ratio `var_noise / var_sweep` scaled by F quantiles (Wilson–Hilferty
    /// approximation), turned into an SNR interval.
    static func interval(varSweep: Double, varNoise: Double, noiseRuns: Int, sweepRuns: Int) -> ClosedRange<Double>? {
        guard noiseRuns >= 2, sweepRuns >= 2, varNoise > 0 else { return nil }
        let d1 = Double(noiseRuns - 1), d2 = Double(sweepRuns - 1)
        let ratio = varSweep / varNoise
        // var_noise / σ²_noise ~ χ²(d1)/d1; the sweep variance is far better known.
        let lowChi = chiSquareQuantile(0.025, d1) / d1, highChi = chiSquareQuantile(0.975, d1) / d1
        _ = d2
        // True noise variance lies in [varNoise / highChi, varNoise / lowChi].
        let snrLow = ratio * lowChi - 1, snrHigh = ratio * highChi - 1
        return Swift.min(snrLow, snrHigh)...Swift.max(snrLow, snrHigh)
    }

    /// χ² quantile by the Wilson–Hilferty cube approximation.
    static func chiSquareQuantile(_ p: Double, _ k: Double) -> Double {
        let z = normalQuantile(p)
        let a = 2 / (9 * k)
        let c = 1 - a + z * a.squareRoot()
        return k * c * c * c
    }

    /// Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * _log(p)).squareRoot()
            return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
        } else {
            let q = (-2 * _log(1 - p)).squareRoot()
            return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
        }
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

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
