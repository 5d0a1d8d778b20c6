/// Column statistics of a data matrix whose rows are observations.
///
/// Every column is scaled by the power of two at its largest magnitude before
/// anything is summed or squared (see `ScaledMoments`), so any finite
/// magnitude works — 1e300 or 1e-300 — and ordinary data gets bit for bit
/// the numbers of the plain two-pass formulas.
extension Matrix {
    /// The mean of each column, `x̄ⱼ = (1/m) Σᵢ xᵢⱼ`, finite for any finite data.
    ///
    /// - Throws: ``LinalgError/tooFewObservations(needed:actual:)`` when there are no rows.
    /// - Complexity: O(mn).
    public func columnMeans() throws(LinalgError) -> [Double] {
        guard rows > 0 else { throw .tooFewObservations(needed: 1, actual: 0) }
        return (0..<columns).map { j in withColumn(j) { ScaledMoments($0).mean } }
    }

    /// The variance of each column, `Σᵢ (xᵢⱼ − x̄ⱼ)² / (m − ddof)` (two-pass, so
    /// a large mean costs no precision; scaled, so no square overflows).
    ///
    /// A variance above `Double.greatestFiniteMagnitude` (a standard deviation
    /// above ~1.3e154) is `+∞`: not representable. Use
    /// ``columnStandardDeviations(ddof:)``, which stays finite.
    ///
    /// - Parameter ddof: 0 for the population variance, 1 for the sample variance.
    /// - Throws: ``LinalgError/tooFewObservations(needed:actual:)`` when `m ≤ ddof`;
    ///   ``LinalgError/invalidArgument(_:)`` for a negative `ddof`.
    /// - Complexity: O(mn).
    public func columnVariances(ddof: DeltaDegreesOfFreedom) throws(LinalgError) -> [Double] {
        try checkDegreesOfFreedom(ddof)
        return (0..<columns).map { j in withColumn(j) { ScaledMoments($0).variance(ddof: ddof) } }
    }

    /// The standard deviation of each column, `√variance`, computed from the
    /// scaled moments: finite for any finite data (1e300 gives ~1e300, 1e-300
    /// gives ~1e-300, not ∞ or 0).
    ///
    /// - Throws: as ``columnVariances(ddof:)``.
    /// - Complexity: O(mn).
    public func columnStandardDeviations(ddof: DeltaDegreesOfFreedom) throws(LinalgError) -> [Double] {
        try checkDegreesOfFreedom(ddof)
        return (0..<columns).map { j in withColumn(j) { ScaledMoments($0).standardDeviation(ddof: ddof) } }
    }

    /// Z-scores every column: `zᵢⱼ = (xᵢⱼ − x̄ⱼ) / sⱼ`, with `sⱼ` the standard
    /// deviation with divisor `m − ddof`.
    ///
    /// Computed as `(xᵢⱼ / 2ᵉ − x̄ⱼ / 2ᵉ) · (2ᵉ / sⱼ)` with `2ᵉ` the column's
    /// scale: the same bits as the plain formula on ordinary data, and correct
    /// where `xᵢⱼ − x̄ⱼ` or `1 / sⱼ` would overflow.
    ///
    /// - Parameter ddof: 0 (population sd, the method's choice) or 1.
    /// - Returns: the standardized matrix with the means and sds used, so that
    ///   new rows can be put on the same scale.
    /// - Throws: ``LinalgError/zeroVariance(column:)`` for a column whose values
    ///   are all exactly equal (or whose sd is 0); ``LinalgError/tooFewObservations(needed:actual:)``
    ///   when `m ≤ ddof`. Nearly constant columns are z-scored: decide those first with
    ///   ``isConstantColumn(_:relativeTolerance:)``.
    public func standardized(ddof: DeltaDegreesOfFreedom = 0) throws(LinalgError) -> Standardization {
        try checkDegreesOfFreedom(ddof)
        let moments = (0..<columns).map { j in withColumn(j) { ScaledMoments($0) } }
        let sds = moments.map { $0.standardDeviation(ddof: ddof) }
        // A constant column can still get a tiny positive sd when its mean is
        // not representable (0.1 + 0.1 + 0.1 ≠ 0.3): test constancy exactly.
        for j in 0..<columns where !(sds[j] > 0) || !hasTwoDistinctValues(column: j) { throw .zeroVariance(column: j) }
        var z = self
        z.storage.withUnsafeMutableBufferPointer { p in
            for j in 0..<columns {
                let mj = moments[j], inv = mj.scale.inverse
                let mu = mj.scaledMean, scaledInverse = mj.scaledInverseStandardDeviation(ddof: ddof)
                for i in 0..<rows { p[i + j * rows] = (p[i + j * rows] * inv - mu) * scaledInverse }
            }
        }
        return Standardization(z: z, means: moments.map(\.mean), standardDeviations: sds)
    }

    /// Z-scores every column in place with population sd (ddof = 0), without
    /// allocating: the hot path of a Monte Carlo loop. Scaled as
    /// ``standardized(ddof:)`` (the same bits). A constant column becomes NaN
    /// (the caller draws continuous data, where this has probability 0).
    public mutating func standardizeColumnsInPlace() {
        let m = rows
        guard m > 0 else { return }
        for j in 0..<columns {
            withMutableColumn(j) { c in
                let moments = ScaledMoments(c.span)
                let inv = moments.scale.inverse, mu = moments.scaledMean
                let scaledInverse = moments.scaledInverseStandardDeviation(ddof: 0)
                for i in c.indices { c[i] = (c[i] * inv - mu) * scaledInverse }
            }
        }
    }

    /// Whether column `j` is constant to within a relative tolerance:
    /// all its values are equal, or
    ///
    /// ```
    /// max − min ≤ relativeTolerance · max |x|
    /// ```
    ///
    /// A test relative to the column's own magnitude, so it means the same for
    /// data around 1e-100 as around 1e100 (an absolute threshold on the sd
    /// calls every column of tiny values constant and no column of huge ones).
    /// The default 1e-12 is about 4500 ulps: a spread that rounding in
    /// producing the values (averaging runs, differencing a baseline) can leave
    /// in a column that is constant in truth, and that z-scoring would blow up
    /// into a unit-variance signal of pure rounding noise.
    ///
    /// A column with 0 or 1 rows is constant; one containing NaN is not
    /// (unless `relativeTolerance` is NaN, nothing compares equal to NaN).
    /// `max − min` overflowing (values of both signs near ±1.8e308) is a spread
    /// of +∞, so such a column is not constant.
    ///
    /// - Parameters:
    ///   - j: the column, `0 ≤ j < columns`.
    ///   - relativeTolerance: the largest spread, relative to `max |x|`, still
    ///     called constant; 0 asks for exactly equal values.
    /// - Complexity: O(m), no allocation.
    public func isConstantColumn(_ j: Int, relativeTolerance: Double = 1e-12) -> Bool {
        withColumn(j) { Statistics.isConstant($0, relativeTolerance: relativeTolerance) }
    }

    /// Whether column `j` holds at least two different values (exactly).
    private func hasTwoDistinctValues(column j: Int) -> Bool {
        withColumn(j) { c in
            for i in c.indices where c[i] != c[0] { return true }
            return false
        }
    }

    /// `ddof ≥ 0` and more rows than `ddof`.
    private func checkDegreesOfFreedom(_ ddof: DeltaDegreesOfFreedom) throws(LinalgError) {
        guard ddof >= 0 else { throw .invalidArgument("ddof must be non-negative, got \(ddof)") }
        guard rows > ddof else { throw .tooFewObservations(needed: ddof + 1, actual: rows) }
    }
}
