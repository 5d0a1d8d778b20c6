import Foundation
import Linalg
import LinalgReference
import Testing

/// Statistics of data at any finite magnitude: columns are scaled by a power
/// of two before summing or squaring, so scaling the data by `2ᵏ` scales
/// means and sds by exactly `2ᵏ` and leaves z-scores and correlations
/// bit-identical — where the plain two-pass formulas overflow (~1e155 and up)
/// or underflow (~1e-160 and down).
@Suite("Statistics at extreme magnitudes")
struct ExtremeMagnitudeTests {
    /// Ordinary data: offsets and spreads that differ by column.
    func data(_ m: Int, seed: Int) -> Matrix {
        var g = rng(m, seed)
        return Matrix(rows: m, columns: 4) { _, j in Double(j * j) - 3 + Double(j + 1) * g.nextSigned() }
    }

    /// `2ᵏ`, exactly.
    func power(_ k: Int) -> Double { Double(sign: .plus, exponent: k, significand: 1) }

    @Test("scaling the data by 2ᵏ scales means and sds by 2ᵏ exactly; z and R are unchanged",
          arguments: [996, -996, 500, -500, 0])
    func powerOfTwoScaling(k: Int) throws {
        let x = data(50, seed: 70)
        let scaled = x.map { $0 * power(k) }
        let base = try x.standardized()
        let big = try scaled.standardized()
        #expect(try scaled.columnMeans() == x.columnMeans().map { $0 * power(k) })
        #expect(try scaled.columnStandardDeviations(ddof: 1) == x.columnStandardDeviations(ddof: 1).map { $0 * power(k) })
        #expect(big.standardDeviations == base.standardDeviations.map { $0 * power(k) })
        #expect(big.z == base.z)
        #expect(try scaled.correlation() == x.correlation())
        var inPlace = scaled
        inPlace.standardizeColumnsInPlace()
        #expect(inPlace == base.z)
        #expect(try Statistics.pearson(scaled.column(0), scaled.column(2)) == Statistics.pearson(x.column(0), x.column(2)))
        #expect(Statistics.mean(scaled.column(1)) == Statistics.mean(x.column(1)) * power(k))
    }

    @Test("the plain formulas fail here: the reference overflows at 2⁹⁹⁶ and underflows at 2⁻⁹⁹⁶")
    func referenceFails() throws {
        let x = data(50, seed: 71)
        let huge = x.map { $0 * power(996) }, tiny = x.map { $0 * power(-996) }
        #expect(Reference.columnVariances(huge, ddof: 0).allSatisfy { $0 == .infinity })
        #expect(Reference.columnVariances(tiny, ddof: 0).allSatisfy { $0 == 0 })
        // The variance itself is not representable there: +∞ and 0 are right; the sd is.
        #expect(try huge.columnVariances(ddof: 0).allSatisfy { $0 == .infinity })
        #expect(try huge.columnStandardDeviations(ddof: 0).allSatisfy { $0.isFinite && $0 > 1e299 })
        #expect(try tiny.columnStandardDeviations(ddof: 0).allSatisfy { $0 > 1e-301 && $0 < 1e-298 })
    }

    @Test("decimal magnitudes 1e300 and 1e-300: the ordinary statistics times 10ᵏ, to rounding",
          arguments: [1e300, 1e-300, 1e155, 1e-160])
    func decimalScaling(factor: Double) throws {
        let x = data(40, seed: 72)
        let scaled = x.map { $0 * factor }
        let means = try x.columnMeans(), sds = try x.columnStandardDeviations(ddof: 0)
        for (a, b) in zip(try scaled.columnMeans(), means) { #expect(abs(a / factor - b) <= 1e-13 * max(abs(b), 1)) }
        for (a, b) in zip(try scaled.columnStandardDeviations(ddof: 0), sds) { #expect(abs(a / factor / b - 1) <= 1e-13) }
        expectClose(try scaled.standardized().z, try x.standardized().z, tolerance: 1e-12, "z")
        expectClose(try scaled.correlation(), try x.correlation(), tolerance: 1e-12, "R")
    }

    @Test("mixed magnitudes in one matrix: each column on its own scale")
    func mixedColumns() throws {
        let x = data(30, seed: 73)
        let factors = [power(1000), power(-1000), 1, power(-1060)]  // the last one subnormal-adjacent
        let mixed = Matrix(rows: 30, columns: 4) { i, j in x[i, j] * factors[j] }
        let z = try mixed.standardized().z, expected = try x.standardized().z
        for j in 0..<3 { #expect(z.column(j) == expected.column(j), "column \(j)") }
        // The last column's values are subnormal and were rounded when formed
        // (to ~14 bits); scaled back up by 2¹⁰⁶⁰ (exact) they z-score alike.
        let rounded = try Matrix(rows: 30, columns: 1, columnMajor: mixed.column(3).map { $0 * power(530) * power(530) })
        #expect(z.column(3) == (try rounded.standardized().z.column(0)))
        let sds = try mixed.columnStandardDeviations(ddof: 0), base = try x.columnStandardDeviations(ddof: 0)
        for j in 0..<3 { #expect(sds[j] == base[j] * factors[j]) }
        #expect(sds[3] > 0)
    }

    @Test("one sample: mean, variance and Pearson do not overflow")
    func oneSample() throws {
        #expect(Statistics.mean([1e308, 1e308]) == 1e308)
        #expect(Statistics.mean([1.7e308, 1.7e308, -1.7e308]) > 5e307)  // the plain sum is ∞ after two terms
        // (1e154)² + (1e154)² overflows, the variance 1e308 does not.
        let v = try Statistics.variance([1e154, -1e154], ddof: 0)
        #expect(abs(v / 1e308 - 1) <= 1e-15)
        #expect(abs(try Statistics.pearson([1e200, 2e200, 3e200], [2e-200, 1e-200, 3e-200]) - 0.5) <= 4 * eps)
        #expect(try Statistics.variance([1e-170, -1e-170], ddof: 0) == 0, "1e-340 is below the subnormals: 0 is right")
    }

    // MARK: - Constancy

    /// `(sample, constant by the relative 1e-12 test)`.
    static let constancy: [([Double], Bool)] = [
        ([], true), ([5], true), ([0, 0, 0], true), ([0.1, 0.1, 0.1], true),
        ([1e-100, 1e-100 * (1 + 1e-13)], true), ([1e-100, 2e-100], false),  // an absolute 1e-12 calls both constant
        ([1e300, 1e300 * (1 + 1e-13)], true), ([1e300, 1.0001e300], false),
        ([0, 1e-300], false), ([1, 1 + 1e-11], false), ([1, 1 + 1e-13, 1 - 1e-13], true),
        ([-1e308, 1e308], false),  // max − min overflows: not constant
        ([1, .nan], false), ([.nan, .nan], false), ([1, .infinity], false), ([.infinity, .infinity], true),
    ]

    @Test("isConstant: relative to the sample's magnitude", arguments: constancy)
    func isConstant(sample: [Double], constant: Bool) throws {
        #expect(Statistics.isConstant(sample) == constant)
        let column = try Matrix(rows: sample.count, columns: 1, columnMajor: sample)
        #expect(column.isConstantColumn(0) == constant)
    }

    @Test("isConstant: the tolerance is a parameter; 0 asks for exact equality")
    func constancyTolerance() {
        #expect(Statistics.isConstant([1, 1 + 1e-11], relativeTolerance: 1e-10))
        #expect(!Statistics.isConstant([1, 1 + 1e-13], relativeTolerance: 0))
        #expect(Statistics.isConstant([2, 2, 2], relativeTolerance: 0))
        let x = try! Matrix(columns: [[1, 2, 3], [1e-200, 1e-200, 1e-200], [7, 7 * (1 + 1e-14), 7]])
        #expect((0..<3).map { x.isConstantColumn($0) } == [false, true, true])
    }
}
