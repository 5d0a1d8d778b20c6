import Foundation

/// The degrees-of-freedom correction of a variance: the divisor is `n − ddof`.
///
/// `ddof = 0` is the population variance (NumPy's default, used to z-score);
/// `ddof = 1` is the unbiased sample variance (used for noise floors and SNR).
public typealias DeltaDegreesOfFreedom = Int

/// Column statistics of a data matrix whose rows are observations.
extension Matrix {
    /// The mean of each column, `x̄ⱼ = (1/m) Σᵢ xᵢⱼ`.
    ///
    /// - Throws: ``LinalgError/tooFewObservations(needed:actual:)`` when there are no rows.
    /// - Complexity: O(mn).
    public func columnMeans() throws(LinalgError) -> [Double] {
        guard rows > 0 else { throw .tooFewObservations(needed: 1, actual: 0) }
        return (0..<columns).map { j in
            withColumn(j) { c in
                var s = 0.0
                for i in c.indices { s += c[i] }
                return s / Double(rows)
            }
        }
    }

    /// The variance of each column, `Σᵢ (xᵢⱼ − x̄ⱼ)² / (m − ddof)` (two-pass, so
    /// a large mean costs no precision).
    ///
    /// - Parameter ddof: 0 for the population variance, 1 for the sample variance.
    /// - Throws: ``LinalgError/tooFewObservations(needed:actual:)`` when `m ≤ ddof`.
    public func columnVariances(ddof: DeltaDegreesOfFreedom) throws(LinalgError) -> [Double] {
        guard ddof >= 0 else { throw .invalidArgument("ddof must be non-negative, got \(ddof)") }
        guard rows > ddof else { throw .tooFewObservations(needed: ddof + 1, actual: rows) }
        let means = try columnMeans()
        return (0..<columns).map { j in
            withColumn(j) { c in
                var s = 0.0
                for i in c.indices { let d = c[i] - means[j]; s += d * d }
                return s / Double(rows - ddof)
            }
        }
    }

    /// The standard deviation of each column, `√variance`.
    ///
    /// - Throws: as ``columnVariances(ddof:)``.
    public func columnStandardDeviations(ddof: DeltaDegreesOfFreedom) throws(LinalgError) -> [Double] {
        try columnVariances(ddof: ddof).map { $0.squareRoot() }
    }

    /// Z-scores every column: `zᵢⱼ = (xᵢⱼ − x̄ⱼ) / sⱼ`, with `sⱼ` the standard
    /// deviation with divisor `m − ddof`.
    ///
    /// - Parameter ddof: 0 (population sd, the method's choice) or 1.
    /// - Returns: the standardized matrix with the means and sds used, so that
    ///   new rows can be put on the same scale.
    /// - Throws: ``LinalgError/zeroVariance(column:)`` for a constant column;
    ///   ``LinalgError/tooFewObservations(needed:actual:)`` when `m ≤ ddof`.
    public func standardized(ddof: DeltaDegreesOfFreedom = 0) throws(LinalgError) -> Standardization {
        let means = try columnMeans()
        let sds = try columnStandardDeviations(ddof: ddof)
        // A constant column can still get a tiny positive sd when its mean is
        // not representable (0.1 + 0.1 + 0.1 ≠ 0.3): test constancy exactly.
        for j in 0..<columns where !(sds[j] > 0) || isConstant(column: j) { throw .zeroVariance(column: j) }
        var z = self
        z.storage.withUnsafeMutableBufferPointer { p in
            for j in 0..<columns {
                let mu = means[j], inv = 1 / sds[j]
                for i in 0..<rows { p[i + j * rows] = (p[i + j * rows] - mu) * inv }
            }
        }
        return Standardization(z: z, means: means, standardDeviations: sds)
    }

    /// Whether every element of column `j` equals the first one.
    private func isConstant(column j: Int) -> Bool {
        withColumn(j) { c in
            for i in c.indices where c[i] != c[0] { return false }
            return true
        }
    }

    /// Z-scores every column in place with population sd (ddof = 0), without
    /// allocating: the hot path of a Monte Carlo loop. A constant column becomes
    /// NaN (the caller draws continuous data, where this has probability 0).
    public mutating func standardizeColumnsInPlace() {
        let m = rows
        guard m > 0 else { return }
        storage.withUnsafeMutableBufferPointer { p in
            for j in 0..<columns {
                let base = j * m
                var s = 0.0
                for i in 0..<m { s += p[base + i] }
                let mu = s / Double(m)
                var ss = 0.0
                for i in 0..<m { let d = p[base + i] - mu; ss += d * d }
                let inv = 1 / (ss / Double(m)).squareRoot()
                for i in 0..<m { p[base + i] = (p[base + i] - mu) * inv }
            }
        }
    }

    /// The Pearson correlation matrix of the columns,
    /// `R = ZᵀZ / m` with `Z` z-scored by population sd — one syrk, not a general product.
    ///
    /// - Throws: ``LinalgError/zeroVariance(column:)`` for a constant column;
    ///   ``LinalgError/tooFewObservations(needed:actual:)`` without rows.
    /// - Complexity: mn² flops.
    public func correlation() throws(LinalgError) -> Matrix {
        let z = try standardized(ddof: 0).z
        var r = z.gram(alpha: 1 / Double(rows))
        for i in 0..<columns { r.storage[i + i * columns] = 1 }
        return r
    }
}

/// A z-scored matrix and the location and scale that produced it.
public struct Standardization: Sendable, Equatable {
    /// `(X − mean) / sd`, column by column.
    public let z: Matrix
    /// The column means used.
    public let means: [Double]
    /// The column standard deviations used.
    public let standardDeviations: [Double]

    /// A standardization from its parts, e.g. one computed over the observed
    /// cells of a matrix with gaps (the caller guarantees `z` is `(X − mean) / sd`).
    public init(z: Matrix, means: [Double], standardDeviations: [Double]) {
        self.z = z
        self.means = means
        self.standardDeviations = standardDeviations
    }
}

/// Descriptive statistics of one sample.
public enum Statistics {
    /// The arithmetic mean; NaN for an empty sample.
    public static func mean(_ x: some Collection<Double>) -> Double {
        x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count)
    }

    /// The variance `Σ (xᵢ − x̄)² / (n − ddof)`.
    ///
    /// - Throws: ``LinalgError/tooFewObservations(needed:actual:)`` when `n ≤ ddof`.
    public static func variance(_ x: [Double], ddof: DeltaDegreesOfFreedom) throws(LinalgError) -> Double {
        guard x.count > ddof else { throw .tooFewObservations(needed: ddof + 1, actual: x.count) }
        let mu = mean(x)
        var s = 0.0
        for v in x { s += (v - mu) * (v - mu) }
        return s / Double(x.count - ddof)
    }

    /// Pearson's correlation `r = Σ (xᵢ − x̄)(yᵢ − ȳ) / √(Σ (xᵢ − x̄)² Σ (yᵢ − ȳ)²)`;
    /// NaN when either sample is constant.
    ///
    /// - Throws: ``LinalgError/shapeMismatch(operation:expected:actual:)`` on different lengths,
    ///   ``LinalgError/tooFewObservations(needed:actual:)`` below 2 observations.
    public static func pearson(_ x: [Double], _ y: [Double]) throws(LinalgError) -> Double {
        guard x.count == y.count else {
            throw .shapeMismatch(operation: "pearson", expected: Shape(rows: x.count, columns: 1),
                                 actual: Shape(rows: y.count, columns: 1))
        }
        guard x.count >= 2 else { throw .tooFewObservations(needed: 2, actual: x.count) }
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        return sxy / (sxx * syy).squareRoot()
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
