/// The power of two nearest above-or-at a sample's largest magnitude,
/// `s = 2^e` with `2^e ≤ max |xᵢ| < 2^(e+1)`, used to compute moments on
/// `xᵢ / s` (magnitudes in [0, 2)) so that no sum or square overflows or
/// underflows, whatever the magnitude of the data.
///
/// Multiplying by a power of two is exact and commutes with rounding (while
/// the results stay normal), so moments computed on `x / s` and scaled back
/// are **bit-identical** to the unscaled two-pass formulas on ordinary data;
/// they differ only where those overflowed or underflowed.
struct PowerOfTwoScale {
    /// `s = 2^e`; 1 for an all-zero (or empty, or non-finite) sample.
    let scale: Double
    /// `1 / s = 2^−e`, exact (subnormal for e = 1023, still exact).
    let inverse: Double

    /// The scale for a sample whose largest magnitude is `maxAbs`. The
    /// exponent is clamped to [−1022, 1023] so that both `s` and `1 / s` are
    /// representable (subnormal data keeps a scale of 2^−1022).
    init(maxAbs: Double) {
        guard maxAbs.isFinite, maxAbs > 0 else {
            scale = 1
            inverse = 1
            return
        }
        let e = Swift.min(Swift.max(Int(maxAbs.exponent), -1022), 1023)
        scale = Double(sign: .plus, exponent: e, significand: 1)
        inverse = Double(sign: .plus, exponent: -e, significand: 1)
    }

    /// The scale of `x`.
    init(of x: Span<Double>) {
        var m = 0.0
        for i in x.indices { m = Swift.max(m, Swift.abs(x[i])) }
        self.init(maxAbs: m)
    }
}

/// Mean and sum of squared deviations of a sample, two-pass, on the data
/// divided by its ``PowerOfTwoScale``:
///
/// ```
/// u = x / s,   ū = Σ uᵢ / m,   SS = Σ (uᵢ − ū)²
/// mean = ū · s,   variance = SS / (m − ddof) · s²,   sd = √(SS / (m − ddof)) · s
/// ```
///
/// `|uᵢ| < 2`, so `Σ uᵢ` and `SS` are finite for any finite data; the sd is
/// finite unless it exceeds `Double.greatestFiniteMagnitude` itself, and
/// the variance overflows only when it is not representable (sd ≳ 1.3e154).
struct ScaledMoments {
    let count: Int
    let scale: PowerOfTwoScale
    /// `ū`, the mean of `x / s`.
    let scaledMean: Double
    /// `SS = Σ (xᵢ / s − ū)²`.
    let scaledSumOfSquares: Double

    /// Moments of `x` (at least one element for a finite mean).
    init(_ x: Span<Double>) {
        count = x.count
        scale = PowerOfTwoScale(of: x)
        let inv = scale.inverse
        var sum = 0.0
        for i in x.indices { sum += x[i] * inv }
        let mean = sum / Double(count)
        var ss = 0.0
        for i in x.indices { let d = x[i] * inv - mean; ss += d * d }
        scaledMean = mean
        scaledSumOfSquares = ss
    }

    /// `x̄ = ū · s`.
    var mean: Double { scaledMean * scale.scale }

    /// `SS / (m − ddof) · s²` (overflows only when the variance itself does).
    func variance(ddof: Int) -> Double { scaledSumOfSquares / Double(count - ddof) * scale.scale * scale.scale }

    /// `√(SS / (m − ddof)) · s`: finite for any finite data (unless it exceeds `greatestFiniteMagnitude`).
    func standardDeviation(ddof: Int) -> Double { (scaledSumOfSquares / Double(count - ddof)).squareRoot() * scale.scale }

    /// `1 / sd` as applied to the scaled data: `s / sd`, so that
    /// `(xᵢ / s − ū) · scaledInverseSD = (xᵢ − x̄) / sd` without forming `xᵢ − x̄`
    /// (which may overflow) or `1 / sd` (which may overflow for a tiny sd).
    func scaledInverseStandardDeviation(ddof: Int) -> Double {
        1 / (scaledSumOfSquares / Double(count - ddof)).squareRoot()
    }
}
