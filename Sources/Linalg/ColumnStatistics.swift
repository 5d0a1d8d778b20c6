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
        // Four columns side by side: each column's sums keep their own order
        // (the bits of ``ScaledMoments``), and the four chains of additions overlap.
        let blocked = columns / 4 * 4
        storage.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            for j in stride(from: 0, to: blocked, by: 4) { Self.standardizeFourColumns(base + j * m, rows: m) }
        }
        for j in blocked..<columns {
            withMutableColumn(j) { c in
                let moments = ScaledMoments(c.span)
                let inv = moments.scale.inverse, mu = moments.scaledMean
                let scaledInverse = moments.scaledInverseStandardDeviation(ddof: 0)
                for i in c.indices { c[i] = (c[i] * inv - mu) * scaledInverse }
            }
        }
    }

    /// ``standardizeColumnsInPlace()`` for the four consecutive columns at `c`
    /// (`rows` each): ``ScaledMoments``' scale, mean and sum of squares, column
    /// by column in the same order, interleaved.
    private static func standardizeFourColumns(_ c: UnsafeMutablePointer<Double>, rows m: Int) {
        let c0 = c, c1 = c + m, c2 = c + 2 * m, c3 = c + 3 * m
        var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
        for i in 0..<m {
            a0 = Swift.max(a0, Swift.abs(c0[i])); a1 = Swift.max(a1, Swift.abs(c1[i]))
            a2 = Swift.max(a2, Swift.abs(c2[i])); a3 = Swift.max(a3, Swift.abs(c3[i]))
        }
        let i0 = PowerOfTwoScale(maxAbs: a0).inverse, i1 = PowerOfTwoScale(maxAbs: a1).inverse
        let i2 = PowerOfTwoScale(maxAbs: a2).inverse, i3 = PowerOfTwoScale(maxAbs: a3).inverse
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        for i in 0..<m { s0 += c0[i] * i0; s1 += c1[i] * i1; s2 += c2[i] * i2; s3 += c3[i] * i3 }
        let count = Double(m)
        let mu0 = s0 / count, mu1 = s1 / count, mu2 = s2 / count, mu3 = s3 / count
        var q0 = 0.0, q1 = 0.0, q2 = 0.0, q3 = 0.0
        for i in 0..<m {
            let d0 = c0[i] * i0 - mu0, d1 = c1[i] * i1 - mu1, d2 = c2[i] * i2 - mu2, d3 = c3[i] * i3 - mu3
            q0 += d0 * d0; q1 += d1 * d1; q2 += d2 * d2; q3 += d3 * d3
        }
        let r0 = 1 / (q0 / count).squareRoot(), r1 = 1 / (q1 / count).squareRoot()
        let r2 = 1 / (q2 / count).squareRoot(), r3 = 1 / (q3 / count).squareRoot()
        for i in 0..<m {
            c0[i] = (c0[i] * i0 - mu0) * r0; c1[i] = (c1[i] * i1 - mu1) * r1
            c2[i] = (c2[i] * i2 - mu2) * r2; c3[i] = (c3[i] * i3 - mu3) * r3
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
