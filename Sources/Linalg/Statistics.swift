/// The degrees-of-freedom correction of a variance: the divisor is `n − ddof`.
///
/// `ddof = 0` is the population variance (NumPy's default, used to z-score);
/// `ddof = 1` is the unbiased sample variance (used for noise floors and SNR).
public typealias DeltaDegreesOfFreedom = Int

/// Descriptive statistics of one sample.
public enum Statistics {
    /// The arithmetic mean `Σ xᵢ / n`; NaN for an empty sample.
    ///
    /// Summed on `xᵢ / 2ᵉ` with `2ᵉ` the power of two at `max |xᵢ|` (exact), so
    /// it is finite for any finite data (the mean of 1e308 and 1e308 is 1e308,
    /// not ∞) and bit for bit the plain sum on ordinary data.
    public static func mean(_ x: some Collection<Double>) -> Double {
        if x.isEmpty { return .nan }
        var maxAbs = 0.0
        for v in x { maxAbs = Swift.max(maxAbs, Swift.abs(v)) }
        let scale = PowerOfTwoScale(maxAbs: maxAbs)
        var s = 0.0
        for v in x { s += v * scale.inverse }
        return s / Double(x.count) * scale.scale
    }

    /// The variance `Σ (xᵢ − x̄)² / (n − ddof)`, two-pass and scaled as
    /// ``Matrix/columnVariances(ddof:)`` (any finite magnitude; `+∞` only when
    /// the variance itself exceeds `Double.greatestFiniteMagnitude`).
    ///
    /// - Throws: ``LinalgError/tooFewObservations(needed:actual:)`` when `n ≤ ddof`.
    public static func variance(_ x: [Double], ddof: DeltaDegreesOfFreedom) throws(LinalgError) -> Double {
        guard x.count > ddof else { throw .tooFewObservations(needed: ddof + 1, actual: x.count) }
        return ScaledMoments(x.span).variance(ddof: ddof)
    }

    /// Pearson's correlation `r = Σ (xᵢ − x̄)(yᵢ − ȳ) / √(Σ (xᵢ − x̄)² Σ (yᵢ − ȳ)²)`;
    /// NaN when either sample is constant.
    ///
    /// Each sample is scaled by the power of two at its largest magnitude
    /// first (`r` does not change), so `Σ (xᵢ − x̄)² · Σ (yᵢ − ȳ)²` cannot
    /// overflow for data of any magnitude (unscaled, values ~1e80 already give
    /// ∞ there and r = 0).
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` on different lengths,
    ///   ``LinalgError/tooFewObservations(needed:actual:)`` below 2 observations.
    public static func pearson(_ x: [Double], _ y: [Double]) throws(LinalgError) -> Double {
        guard x.count == y.count else {
            throw .shapeMismatch(operation: "pearson", expected: Shape(rows: x.count, columns: 1),
                                 actual: Shape(rows: y.count, columns: 1))
        }
        guard x.count >= 2 else { throw .tooFewObservations(needed: 2, actual: x.count) }
        let mx = ScaledMoments(x.span), my = ScaledMoments(y.span)
        let ix = mx.scale.inverse, iy = my.scale.inverse
        var sxy = 0.0
        for i in x.indices { sxy += (x[i] * ix - mx.scaledMean) * (y[i] * iy - my.scaledMean) }
        return sxy / (mx.scaledSumOfSquares * my.scaledSumOfSquares).squareRoot()
    }

    /// Whether a sample is constant to within a relative tolerance: all values
    /// equal, or `max − min ≤ relativeTolerance · max |x|`.
    ///
    /// See ``Matrix/isConstantColumn(_:relativeTolerance:)`` for why the test
    /// is relative and why 1e-12. Empty and one-element samples are constant;
    /// a sample containing NaN is not, nor one with an infinite value among
    /// finite ones.
    ///
    /// - Complexity: O(n), no allocation.
    public static func isConstant(_ x: Span<Double>, relativeTolerance: Double = 1e-12) -> Bool {
        guard x.count > 1 else { return true }
        let first = x[0]
        var lo = first, hi = first, allEqual = true
        for i in x.indices {
            let v = x[i]
            if v.isNaN { return false }
            if v != first { allEqual = false }
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        if allEqual { return true }
        let maxAbs = Swift.max(Swift.abs(lo), Swift.abs(hi))
        guard maxAbs.isFinite else { return false }
        return hi - lo <= relativeTolerance * maxAbs
    }

    /// ``isConstant(_:relativeTolerance:)-(Span<Double>,_)`` of an array.
    public static func isConstant(_ x: [Double], relativeTolerance: Double = 1e-12) -> Bool {
        isConstant(x.span, relativeTolerance: relativeTolerance)
    }

    /// The `q`-th percentile with linear interpolation between order
    /// statistics — NumPy's default (`method="linear"`):
    ///
    /// ```
    /// h = (n − 1) · q / 100,  P = x₍⌊h⌋₎ + (h − ⌊h⌋) · (x₍⌊h⌋+1₎ − x₍⌊h⌋₎)
    /// ```
    ///
    /// with `x₍ᵢ₎` the sorted sample (0-based).
    ///
    /// - Throws: ``LinalgError/tooFewObservations(needed:actual:)`` for an empty sample;
    ///   ``LinalgError/invalidArgument(_:)`` for `q` outside [0, 100] or NaN in the sample.
    /// - Complexity: O(n log n).
    public static func percentile(_ x: [Double], _ q: Double) throws(LinalgError) -> Double {
        guard !x.isEmpty else { throw .tooFewObservations(needed: 1, actual: 0) }
        guard q >= 0, q <= 100 else { throw .invalidArgument("percentile \(q) is outside [0, 100]") }
        guard !x.contains(where: \.isNaN) else { throw .invalidArgument("percentile of a sample containing NaN") }
        var sorted = x
        sorted.sort()
        return percentileOfSorted(sorted, q)
    }

    /// ``percentile(_:_:)`` of an already sorted, non-empty sample, allocation-free.
    public static func percentileOfSorted(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q / 100
        let lo = Int(h.rounded(.down))
        let hi = Swift.min(lo + 1, sorted.count - 1)
        let frac = h - Double(lo)
        return sorted[lo] + frac * (sorted[hi] - sorted[lo])
    }
}
