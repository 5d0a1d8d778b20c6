import Linalg
import LinalgReference
import Testing

/// Column statistics, correlation and percentiles against the reference,
/// hand values and NumPy.
@Suite("Statistics")
struct StatisticsTests {
    /// Rows of the data matrices; a data matrix needs at least one row.
    static let rowCounts = [1, 2, 7, 64, 200]

    /// Data with a large common offset, where a one-pass variance would lose digits.
    func data(_ m: Int, _ n: Int, seed: Int) -> Matrix {
        var g = rng(m, n, seed)
        return Matrix(rows: m, columns: n) { _, j in 1000 + Double(j) + g.nextSigned() }
    }

    @Test("columnMeans and columnVariances (ddof 0 and 1) match the reference", arguments: rowCounts)
    func momentsMatchReference(m: Int) throws {
        let x = data(m, 5, seed: 40)
        let tol = 8 * Double(m) * eps * 1005
        expectClose(try x.columnMeans(), Reference.columnMeans(x), tolerance: tol, "means")
        expectClose(try x.columnVariances(ddof: 0), Reference.columnVariances(x, ddof: 0), tolerance: tol, "ddof 0")
        expectClose(try x.columnStandardDeviations(ddof: 0), Reference.columnVariances(x, ddof: 0).map { $0.squareRoot() },
                    tolerance: tol, "sd ddof 0")
        if m > 1 {
            expectClose(try x.columnVariances(ddof: 1), Reference.columnVariances(x, ddof: 1), tolerance: tol, "ddof 1")
            // ddof 1 = ddof 0 · m / (m − 1).
            let v0 = try x.columnVariances(ddof: 0), v1 = try x.columnVariances(ddof: 1)
            expectClose(v1, v0.map { $0 * Double(m) / Double(m - 1) }, tolerance: tol, "Bessel")
        }
    }

    @Test("moments by hand and NumPy")
    func momentsByHand() throws {
        let x = try Matrix(columns: [[1, 2, 3, 4], [2, 4, 4, 4]])
        #expect(try x.columnMeans() == [2.5, 3.5])
        // np.var([1, 2, 3, 4]) = 1.25; np.var([1, 2, 3, 4], ddof=1) = 1.6666666666666667
        #expect(try x.columnVariances(ddof: 0)[0] == 1.25)
        #expect(try x.columnVariances(ddof: 1)[0] == 1.6666666666666667)
        #expect(try Statistics.variance([1, 2, 3, 4], ddof: 0) == 1.25)
        #expect(try Statistics.variance([1, 2, 3, 4], ddof: 1) == 1.6666666666666667)
        // np.var([2, 4, 4, 4]) = 0.75
        #expect(try x.columnVariances(ddof: 0)[1] == 0.75)
        // np.std([2., 4, 4, 4, 5, 5, 7, 9]) = 2.0
        #expect(try Matrix(columns: [[2, 4, 4, 4, 5, 5, 7, 9]]).columnStandardDeviations(ddof: 0) == [2])
        #expect(Statistics.mean([1, 2, 3, 4]) == 2.5)
        #expect(Statistics.mean([Double]()).isNaN)
        // One observation: population variance 0.
        #expect(try Matrix(rows: [[7, -3]]).columnVariances(ddof: 0) == [0, 0])
    }

    @Test("standardized: means ≈ 0, sds ≈ 1, equals the reference", arguments: rowCounts.filter { $0 > 1 })
    func standardized(m: Int) throws {
        let x = data(m, 4, seed: 41)
        let s = try x.standardized()
        expectClose(s.z, Reference.standardize(x), tolerance: 16 * eps * Double(m) * maxAbs(x) / s.standardDeviations.min()!,
                    "z vs reference")
        // The mean of z is (rounding in x̄) / s: relative to max|x| / s, the condition number.
        let kappa = maxAbs(x) / s.standardDeviations.min()!
        expectClose(try s.z.columnMeans(), [0, 0, 0, 0], tolerance: 16 * eps * Double(m) * kappa, "means 0")
        expectClose(try s.z.columnStandardDeviations(ddof: 0), [1, 1, 1, 1], tolerance: 64 * eps * Double(m), "sds 1")
        expectClose(s.means, Reference.columnMeans(x), tolerance: 8 * Double(m) * eps * 1005)
        expectClose(s.standardDeviations, Reference.columnVariances(x, ddof: 0).map { $0.squareRoot() }, tolerance: 1e-10)

        // ddof 1: the sample sd is 1.
        let s1 = try x.standardized(ddof: 1)
        expectClose(try s1.z.columnStandardDeviations(ddof: 1), [1, 1, 1, 1], tolerance: 64 * eps * Double(m), "ddof 1")

        // In place, without allocating: the same numbers.
        var y = x
        y.standardizeColumnsInPlace()
        expectClose(y, s.z, tolerance: 16 * eps, "in place")
    }

    @Test("correlation matches pairwise Pearson", arguments: rowCounts.filter { $0 > 1 })
    func correlation(m: Int) throws {
        var g = rng(m, 42)
        // Correlated columns: a shared factor plus noise, large offsets.
        let f = randomVector(m, using: &g)
        let x = Matrix(rows: m, columns: 6) { i, j in 50 * Double(j) + Double(j + 1) * f[i] + g.nextSigned() }
        let r = try x.correlation()
        let expected = Reference.correlation(x)
        expectClose(r, expected, tolerance: 1e-12, "vs reference")
        #expect(r == r.transposed)
        #expect(r.diagonalElements == Array(repeating: 1, count: 6))
        #expect(r.elements.allSatisfy { abs($0) <= 1 + 1e-12 })
        // Statistics.pearson agrees with the matrix entries.
        #expect(abs(try Statistics.pearson(x.column(0), x.column(3)) - r[0, 3]) <= 1e-12)
    }

    @Test("correlation by hand and NumPy")
    func correlationByHand() throws {
        // np.corrcoef([[1, 2, 3, 4], [2, 1, 5, 3]])[0, 1] = 0.5291502622129182
        let x = try Matrix(rows: [[1, 2], [2, 1], [3, 5], [4, 3]])
        #expect(abs(try x.correlation()[0, 1] - 0.5291502622129182) <= 4 * eps)
        #expect(abs(Reference.correlation(x)[0, 1] - 0.5291502622129182) <= 4 * eps)
        #expect(try Statistics.pearson([1, 2, 3], [2, 4, 6]) == 1)
        #expect(abs(try Statistics.pearson([1, 2, 3], [3, 2, 1]) + 1) <= eps)
        #expect(try Statistics.pearson([1, 1, 1], [1, 2, 3]).isNaN)
    }

    // MARK: - Percentiles

    /// `(sample, q, np.percentile(sample, q))`.
    static let numpyPercentiles: [([Double], Double, Double)] = [
        ([1, 2, 3, 4], 95, 3.8499999999999996),  // np.percentile([1,2,3,4], 95); ≈ 3.85
        ([1, 2, 3, 4], 50, 2.5),  // np.percentile([1,2,3,4], 50)
        ([5], 30, 5),  // np.percentile([5], 30)
        ([3, 1, 2], 0, 1),  // np.percentile([3,1,2], 0)
        ([3, 1, 2], 100, 3),  // np.percentile([3,1,2], 100)
        ([15, 20, 35, 40, 50], 40, 29),  // np.percentile([15,20,35,40,50], 40)
        ([1.5, -2, 7.25, 0, 3, 10], 33, 0.9750000000000002),  // np.percentile([1.5,-2.0,7.25,0.0,3.0,10.0], 33)
        ([1.5, -2, 7.25, 0, 3, 10], 90, 8.625),  // np.percentile([1.5,-2.0,7.25,0.0,3.0,10.0], 90)
    ]

    @Test("percentile equals NumPy (numpy 2.4.6, method='linear')", arguments: numpyPercentiles)
    func percentileNumPy(sample: [Double], q: Double, numpy: Double) throws {
        // The reference follows NumPy's arithmetic and agrees to the bit.
        #expect(Reference.percentile(sample, q) == numpy)
        // Linalg computes h = (n − 1) q / 100 in another order: a few ulps.
        expectUlps(try Statistics.percentile(sample, q), numpy, ulps: 8)
        expectUlps(Statistics.percentileOfSorted(sample.sorted(), q), numpy, ulps: 8)
    }

    @Test("percentile matches the reference on random samples", arguments: [1, 2, 7, 64, 200])
    func percentileRandom(n: Int) throws {
        var g = rng(n, 43)
        let x = randomVector(n, using: &g).map { 100 * $0 }
        for q in [0, 0.5, 1, 5, 25, 33.3, 50, 75, 95, 99, 100.0] {
            let p = try Statistics.percentile(x, q)
            #expect(abs(p - Reference.percentile(x, q)) <= 8 * eps * 100, "q = \(q)")
            #expect(p >= x.min()! && p <= x.max()!)
        }
        #expect(try Statistics.percentile(x, 0) == x.min()!)
        #expect(try Statistics.percentile(x, 100) == x.max()!)
    }

    // MARK: - Errors

    @Test("statistics errors: too few observations, zero variance, bad arguments")
    func errors() throws {
        let oneRow = try Matrix(rows: [[1, 2, 3]])
        #expect(linalgError { _ = try oneRow.columnVariances(ddof: 1) } == .tooFewObservations(needed: 2, actual: 1))
        #expect(linalgError { _ = try oneRow.standardized(ddof: 1) } == .tooFewObservations(needed: 2, actual: 1))
        #expect(linalgError { _ = try Matrix(rows: 0, columns: 2).columnMeans() } == .tooFewObservations(needed: 1, actual: 0))
        #expect(linalgError { _ = try Matrix(rows: 0, columns: 2).correlation() } == .tooFewObservations(needed: 1, actual: 0))
        #expect(linalgError { _ = try Statistics.variance([1], ddof: 1) } == .tooFewObservations(needed: 2, actual: 1))
        #expect(linalgError { _ = try Statistics.pearson([1], [2]) } == .tooFewObservations(needed: 2, actual: 1))
        #expect(linalgError { _ = try Statistics.pearson([1, 2], [2]) }
                == .shapeMismatch(operation: "pearson", expected: Shape(rows: 2, columns: 1), actual: Shape(rows: 1, columns: 1)))
        guard case .invalidArgument? = linalgError({ _ = try oneRow.columnVariances(ddof: -1) }) else {
            Issue.record("negative ddof must be an invalid argument")
            return
        }

        let constant = try Matrix(columns: [[1, 2, 3], [4, 4, 4]])
        #expect(linalgError { _ = try constant.standardized() } == .zeroVariance(column: 1))
        #expect(linalgError { _ = try constant.correlation() } == .zeroVariance(column: 1))
        #expect(linalgError { _ = try oneRow.standardized() } == .zeroVariance(column: 0))
    }

    /// A constant column whose mean is not exactly representable: the sum
    /// 0.1 + 0.1 + 0.1 = 0.30000000000000004 gives a mean one ulp off 0.1 and
    /// a variance of ~1e-34 (NumPy gives the same: np.var([0.1] * 3) =
    /// 1.925929944387236e-34), but the column is still constant and must not
    /// be z-scored into ±1 noise. (Each case's variance is checked non-zero
    /// first, so the case exercises the rounding.)
    @Test("a constant column is zero variance even when its mean rounds",
          arguments: [(0.1, 3), (0.7, 3), (1.1, 6), (123.456, 5)])
    func constantColumnWithRoundedMean(value: Double, m: Int) throws {
        let x = try Matrix(columns: [(0..<m).map(Double.init), Array(repeating: value, count: m), (0..<m).map { Double($0 % 2) }])
        #expect(try x.columnVariances(ddof: 0)[1] > 0, "the variance of this constant column rounds to a positive value")
        #expect(linalgError { _ = try x.standardized() } == .zeroVariance(column: 1))
        #expect(linalgError { _ = try x.correlation() } == .zeroVariance(column: 1))
    }

    @Test("percentile errors")
    func percentileErrors() {
        for q in [101, -0.5, Double.nan] {
            guard case .invalidArgument? = linalgError({ _ = try Statistics.percentile([1, 2, 3], q) }) else {
                Issue.record("q = \(q) must be an invalid argument")
                continue
            }
        }
        guard case .invalidArgument? = linalgError({ _ = try Statistics.percentile([1, .nan, 3], 50) }) else {
            Issue.record("NaN in the sample must be an invalid argument")
            return
        }
        #expect(linalgError { _ = try Statistics.percentile([], 50) } == .tooFewObservations(needed: 1, actual: 0))
    }
}
