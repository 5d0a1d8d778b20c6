import Foundation
import Linalg
import LinalgReference
import Testing

/// dgetrf / dgetrs / dgetri against Gaussian elimination with partial pivoting.
@Suite("LU")
struct LUTests {
    static let luSizes = [0, 1, 2, 7, 64]

    /// `P A` for the 0-based interchanges `pivots`, applied in order as LAPACK does.
    func permuted(_ a: Matrix, _ pivots: [Int]) -> Matrix {
        var pa = a
        for (i, p) in pivots.enumerated() where p != i {
            for j in 0..<a.columns { (pa[i, j], pa[p, j]) = (pa[p, j], pa[i, j]) }
        }
        return pa
    }

    /// Backward-error bound for quantities of the size of `‖A‖‖X‖`.
    func tolerance(_ n: Int, _ scale: Double) -> Double { 32 * Double(max(n, 1)) * eps * max(scale, 1) }

    @Test("L·U = P·A, L unit lower with |lᵢⱼ| ≤ 1, U upper", arguments: luSizes)
    func factors(n: Int) throws {
        var g = rng(n, 50)
        let a = randomMatrix(n, n, using: &g)
        let lu = try LU(a)
        #expect(lu.order == n)
        #expect(lu.pivots.count == n)
        for (i, p) in lu.pivots.enumerated() { #expect(p >= i && p < n) }
        let l = lu.lower, u = lu.upper
        for i in 0..<n {
            #expect(l[i, i] == 1)
            for j in 0..<n where i > j {
                #expect(abs(l[i, j]) <= 1, "partial pivoting bounds the multipliers")
                #expect(u[i, j] == 0)
            }
        }
        expectClose(Reference.naiveProduct(l, u), permuted(a, lu.pivots), tolerance: tolerance(n, Double(n) * maxAbs(u)),
                    "L·U = P·A")
    }

    @Test("solve matches the reference LU solve and has a small residual", arguments: luSizes)
    func solve(n: Int) throws {
        var g = rng(n, 51)
        // A + n·I is well conditioned, so the two solutions agree to ~cond(A)·ε.
        let r = randomMatrix(n, n, using: &g)
        let a = Matrix(rows: n, columns: n) { i, j in r[i, j] + (i == j ? Double(n) : 0) }
        let b = randomMatrix(n, 3, using: &g)
        let lu = try LU(a)
        let x = try lu.solve(b)
        expectClose(x, try Reference.luSolve(a, b), tolerance: tolerance(n, maxAbs(x)), "X vs luSolve")
        expectClose(Reference.naiveProduct(a, x), b, tolerance: tolerance(n, Double(n) * maxAbs(a) * maxAbs(x)), "‖AX − B‖")
        expectClose(try lu.solve(b.column(min(1, b.columns - 1))), x.column(1), tolerance: 4 * eps * max(maxAbs(x), 1),
                    "vector solve")
        // Matrix.solve goes through LU: the same bits.
        #expect(try Matrix.solve(a, b) == x)
    }

    @Test("inverse · A = I and equals the reference solve of A X = I", arguments: luSizes)
    func inverse(n: Int) throws {
        var g = rng(n, 52)
        let r = randomMatrix(n, n, using: &g)
        let a = Matrix(rows: n, columns: n) { i, j in r[i, j] + (i == j ? Double(n) : 0) }
        let inv = try LU(a).inverse()
        expectClose(Reference.naiveProduct(inv, a), .identity(n), tolerance: tolerance(n, Double(n) * maxAbs(a) * maxAbs(inv)),
                    "A⁻¹A = I")
        expectClose(inv, try Reference.luSolve(a, .identity(n)), tolerance: tolerance(n, maxAbs(inv)), "vs luSolve(A, I)")
        #expect(try a.inverse() == inv)
    }

    @Test("log |det A| and its sign from a known spectrum (some eigenvalues negative)", arguments: luSizes)
    func determinant(n: Int) throws {
        var g = rng(n, 53)
        // Eigenvalues with |dᵢ| in [0.5, 4.5] and random signs: det = Π dᵢ exactly.
        let d = (0..<n).map { _ in (2.5 + 2 * g.nextSigned()) * (g.nextSigned() < 0 ? -1 : 1) }
        let a = knownSpectrum(d, using: &g)
        let lu = try LU(a)
        let expected = d.reduce(0) { $0 + log(abs($1)) }
        let sign: Double = d.filter { $0 < 0 }.count % 2 == 0 ? 1 : -1
        #expect(abs(lu.logAbsDeterminant - expected) <= tolerance(n, Double(n)), "\(lu.logAbsDeterminant) vs \(expected)")
        #expect(lu.determinantSign == sign)
    }

    @Test("determinant by hand: a swap flips the sign; huge determinants do not overflow")
    func determinantByHand() throws {
        // [[0, 1], [2, 3]]: det = −2; the first pivot needs a row swap.
        let swap = try LU(Matrix(rows: [[0, 1], [2, 3]]))
        #expect(swap.pivots == [1, 1])
        #expect(swap.determinantSign == -1)
        #expect(abs(swap.logAbsDeterminant - log(2)) <= 4 * eps)
        let empty = try LU(Matrix(rows: 0, columns: 0))
        #expect(empty.logAbsDeterminant == 0 && empty.determinantSign == 1)
        #expect(empty.inverse().shape == Shape(rows: 0, columns: 0))
        // det(−10¹⁰⁰ I₁₁) = −10¹¹⁰⁰.
        let big = try LU(.diagonal(Array(repeating: -1e100, count: 11)))
        #expect(abs(big.logAbsDeterminant - 1100 * log(10)) <= 1e-12 * 1100 * log(10))
        #expect(big.determinantSign == -1)
    }

    // MARK: - Errors

    @Test("an exactly singular matrix reports the zero pivot, 1-based, as the reference")
    func singular() throws {
        let cases: [([[Double]], Int)] = [([[1, 2], [2, 4]], 2), ([[1, 0, 3], [4, 0, 6], [7, 0, 9]], 2), ([[0, 0], [0, 0]], 1)]
        for (rows, index) in cases {
            let a = try Matrix(rows: rows)
            #expect(linalgError { _ = try LU(a) } == .singular(index: index))
            let b = Matrix(rows: a.rows, columns: 1, repeating: 1)
            #expect(linalgError { _ = try Reference.luSolve(a, b) } == .singular(index: index))
        }
    }

    @Test("non-square matrix and mismatched right-hand side are shape errors")
    func shapeErrors() throws {
        #expect(linalgError { _ = try LU(Matrix(rows: 2, columns: 3)) }
            == .shapeMismatch(operation: "LU (square matrix)", expected: Shape(rows: 2, columns: 2),
                              actual: Shape(rows: 2, columns: 3)))
        let lu = try LU(.identity(3))
        #expect(linalgError { _ = try lu.solve(Matrix(rows: 2, columns: 4)) }
            == .shapeMismatch(operation: "solve (right-hand side)", expected: Shape(rows: 3, columns: 4),
                              actual: Shape(rows: 2, columns: 4)))
        #expect(linalgError { _ = try lu.solve([1, 2]) }
            == .shapeMismatch(operation: "solve (right-hand side)", expected: Shape(rows: 3, columns: 1),
                              actual: Shape(rows: 2, columns: 1)))
    }
}
