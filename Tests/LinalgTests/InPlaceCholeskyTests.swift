import Foundation
import Linalg
import LinalgReference
import Testing

/// The allocation-free small-SPD kernel against the Cholesky–Crout reference,
/// which performs the same operations in the same order: results agree to the bit.
@Suite("In-place Cholesky")
struct InPlaceCholeskyTests {
    /// `a`'s lower triangle with NaN in the strict upper one (which must be neither read nor written).
    func lowerOnly(_ a: Matrix) -> [Double] {
        Matrix(rows: a.rows, columns: a.columns) { i, j in i >= j ? a[i, j] : .nan }.elements
    }

    @Test("factor equals the reference bit for bit; the upper triangle is untouched", arguments: sizes)
    func factor(n: Int) throws {
        var g = rng(n, 40)
        let a = randomSPD(n, using: &g)
        var buffer = lowerOnly(a)
        try InPlaceCholesky.factor(&buffer, order: n)
        let l = try Reference.cholesky(a)
        for j in 0..<n {
            for i in 0..<n {
                if i >= j {
                    #expect(buffer[i + j * n] == l[i, j], "L[\(i), \(j)]")
                } else {
                    #expect(buffer[i + j * n].isNaN, "upper (\(i), \(j)) written")
                }
            }
        }
    }

    @Test("a buffer larger than n² serves a smaller order; the tail is untouched", arguments: [0, 1, 2, 7])
    func largerBuffer(n: Int) throws {
        var g = rng(n, 41)
        let a = randomSPD(n, using: &g)
        var buffer = a.elements + Array(repeating: -7, count: 5)
        try InPlaceCholesky.factor(&buffer, order: n)
        var b = randomVector(n, using: &g) + [-7, -7]
        let expected = Reference.choleskySolve(factor: try Reference.cholesky(a),
                                               try Matrix(rows: n, columns: 1, columnMajor: Array(b.prefix(n))))
        InPlaceCholesky.solve(factor: buffer, order: n, &b)
        #expect(Array(b.prefix(n)) == expected.elements)
        #expect(Array(b.suffix(2)) == [-7, -7])
        #expect(Array(buffer.suffix(5)) == Array(repeating: -7, count: 5))
    }

    @Test("solve for several right-hand sides equals the reference bit for bit", arguments: sizes)
    func solve(n: Int) throws {
        var g = rng(n, 42)
        let a = randomSPD(n, using: &g)
        let b = randomMatrix(n, 3, using: &g)
        var factor = a.elements
        try InPlaceCholesky.factor(&factor, order: n)
        var x = b.elements
        InPlaceCholesky.solve(factor: factor, order: n, &x, rightHandSides: 3)
        #expect(x == Reference.choleskySolve(factor: try Reference.cholesky(a), b).elements)
        // And the residual is small (A is well conditioned).
        let xm = try Matrix(rows: n, columns: 3, columnMajor: x)
        expectClose(Reference.naiveProduct(a, xm), b, tolerance: 16 * Double(max(n, 1)) * eps * max(maxAbs(a) * maxAbs(xm), 1),
                    "‖AX − B‖")
    }

    @Test("inverse equals the reference solve of A X = I and inverts A", arguments: sizes)
    func inverse(n: Int) throws {
        var g = rng(n, 43)
        let a = randomSPD(n, using: &g)
        var factor = lowerOnly(a)
        try InPlaceCholesky.factor(&factor, order: n)
        var inverse = [Double](repeating: .nan, count: n * n)
        InPlaceCholesky.inverse(factor: factor, order: n, into: &inverse)
        let expected = Reference.choleskySolve(factor: try Reference.cholesky(a), .identity(n))
        #expect(inverse == expected.elements)
        let inv = try Matrix(rows: n, columns: n, columnMajor: inverse)
        expectClose(Reference.naiveProduct(inv, a), .identity(n),
                    tolerance: 16 * Double(max(n, 1)) * eps * max(maxAbs(a) * maxAbs(inv), 1), "A⁻¹A = I")
    }

    @Test("log-determinant equals the LAPACK Cholesky's", arguments: sizes)
    func logDeterminant(n: Int) throws {
        var g = rng(n, 44)
        let a = randomSPD(n, using: &g)
        var factor = a.elements
        try InPlaceCholesky.factor(&factor, order: n)
        let logDet = InPlaceCholesky.logDeterminant(factor: factor, order: n)
        let lapack = try Cholesky(a).logDeterminant
        #expect(abs(logDet - lapack) <= 16 * Double(max(n, 1)) * eps * max(abs(lapack), 1), "\(logDet) vs \(lapack)")
        #expect(InPlaceCholesky.logDeterminant(factor: [], order: 0) == 0)
    }

    @Test("spans work as arrays do")
    func spans() throws {
        var a: [Double] = [4, 2, 2, 3]
        var span = a.mutableSpan
        try InPlaceCholesky.factor(&span, order: 2)
        #expect(a == [2, 1, 2, 2.0.squareRoot()])
        var b: [Double] = [6, 5]  // A (1, 1) = (6, 5)
        var bs = b.mutableSpan
        InPlaceCholesky.solve(factor: a.span, order: 2, &bs)
        #expect(maxDifference(b, [1, 1]) <= 4 * eps)
        var inverse = [Double](repeating: 0, count: 4)
        var inv = inverse.mutableSpan
        InPlaceCholesky.inverse(factor: a.span, order: 2, into: &inv)
        expectClose(inverse, [3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8], tolerance: 4 * eps)
        #expect(abs(InPlaceCholesky.logDeterminant(factor: a.span, order: 2) - log(8)) <= 4 * eps)
    }

    // MARK: - Errors

    @Test("not positive definite: the failing leading minor, 1-based, as LAPACK")
    func notPositiveDefinite() throws {
        let cases: [([[Double]], Int)] = [
            ([[1, 2], [2, 1]], 2),
            ([[4, 2, 0], [2, 5, 3], [0, 3, 1]], 3),
            ([[-1, 0], [0, 1]], 1),
            ([[1, 1], [1, 1]], 2),  // semi-definite
                    ]
        for (rows, minor) in cases {
            let a = try Matrix(rows: rows)
            var buffer = a.elements
            #expect(linalgError { try InPlaceCholesky.factor(&buffer, order: a.rows) } == .notPositiveDefinite(minor: minor))
            #expect(linalgError { _ = try Cholesky(a) } == .notPositiveDefinite(minor: minor))
        }
    }

    // MARK: - Allocation

    /// Counting installs a runtime hook that is not safe for the rest of a test
    /// process (see AllocationCounter.swift), so it runs in a child process that
    /// exits right after: 0 when nothing was allocated, 2 when the counter
    /// failed its positive control, 10·n + min(count, 9) when order n allocated.
    @Test("factor, log-determinant, solve and inverse allocate nothing, call after call",
          .enabled(if: allocationCounterAvailable, "this Swift runtime does not export _swift_allocObject"))
    func allocationFree() async {
        await #expect(processExitsWith: .success) {
            // Positive control: an array buffer is one allocation.
            guard let control = swiftAllocations(in: { blackHole([Double](repeating: 1, count: 100)) }), control >= 1 else {
                _exit(2)
            }
            for n in [0, 1, 2, 7, 20] {
                var g = rng(n, 45)
                let a = randomSPD(n, using: &g).elements
                // Independent buffers: `var factor = a` would share a's storage and
                // copy it on the first write (an allocation, rightly counted).
                var factor = [Double](repeating: 0, count: n * n)
                var inverse = [Double](repeating: 0, count: n * n)
                var b = randomVector(n, using: &g)
                var logDet = 0.0
                let count = swiftAllocations {
                    for _ in 0..<1000 {
                        for i in 0..<n * n { factor[i] = a[i] }
                        do { try InPlaceCholesky.factor(&factor, order: n) } catch { _exit(3) }
                        logDet += InPlaceCholesky.logDeterminant(factor: factor, order: n)
                        InPlaceCholesky.solve(factor: factor, order: n, &b)
                        InPlaceCholesky.inverse(factor: factor, order: n, into: &inverse)
                        var span = b.mutableSpan
                        InPlaceCholesky.solve(factor: factor.span, order: n, &span)
                    }
                }
                blackHole(logDet)
                if count != 0 { _exit(Int32(10 * n + min(count ?? 9, 9))) }
            }
            _exit(0)
        }
    }
}
