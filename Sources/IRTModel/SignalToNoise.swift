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
        return (chiSquareQuantile(0.025, dof) / dof)...(chiSquareQuantile(0.975, dof) / dof)
    }

    /// The `p`-quantile of the χ² distribution with `k` degrees of freedom:
    /// the `x` with `P(k/2, x/2) = p`, `P` the regularized lower incomplete
    /// gamma function, found by bisection (exact to ~1e-12 relative for any k,
    /// unlike the Wilson–Hilferty approximation, which is 48% low at k = 2).
    public static func chiSquareQuantile(_ p: Double, _ k: Double) -> Double {
        guard p > 0, p < 1, k > 0 else { return p <= 0 ? 0 : .infinity }
        var lo = 0.0, hi = Swift.max(1.0, k)
        while regularizedGammaP(k / 2, hi / 2) < p { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if regularizedGammaP(k / 2, mid / 2) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * hi { break }
        }
        return (lo + hi) / 2
    }

    /// The regularized lower incomplete gamma function `P(a, x) = γ(a, x) / Γ(a)`,
    /// by its series for `x < a + 1` and Lentz's continued fraction otherwise.
    static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let logPrefix = a * Foundation.log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<1000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return sum * Foundation.exp(logPrefix)
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<1000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return 1 - Foundation.exp(logPrefix) * h
    }

    /// Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).
    public static func normalQuantile(_ p: Double) -> Double {
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
