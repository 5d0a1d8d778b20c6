import Foundation
import Linalg
import LinalgReference
import Testing

/// dpotrf / dpotrs / dpotri against the Cholesky–Crout reference.
@Suite("Cholesky")
struct CholeskyTests {
    /// `n ε ‖A‖`-style bound for quantities of the size of `A`'s elements.
    func tolerance(_ n: Int, _ scale: Double) -> Double { 16 * Double(max(n, 1)) * eps * max(scale, 1) }

    @Test("factor equals the reference, L·Lᵀ = A, L lower with positive diagonal", arguments: sizes)
    func factor(n: Int) throws {
        var g = rng(n, 20)
        let a = randomSPD(n, using: &g)
        let chol = try Cholesky(a)
        let l = chol.factor
        #expect(chol.order == n)
        #expect(l.shape == a.shape)
        for j in 0..<n {
            #expect(l[j, j] > 0)
            for i in 0..<j { #expect(l[i, j] == 0, "strict upper (\(i), \(j)) must be exactly zero") }
        }
        expectClose(l, try Reference.cholesky(a), tolerance: tolerance(n, maxAbs(a)), "L vs reference")
        expectClose(Reference.naiveProduct(l, l, transposeB: .transpose), a, tolerance: tolerance(n, maxAbs(a)), "L·Lᵀ = A")
    }

    @Test("only the lower triangle is read")
    func lowerTriangleOnly() throws {
        var g = rng(21)
        let a = randomSPD(7, using: &g)
        let garbage = Matrix(rows: 7, columns: 7) { i, j in i >= j ? a[i, j] : .nan }
        #expect(try Cholesky(garbage).factor == Cholesky(a).factor)
        #expect(try Reference.cholesky(garbage) == Reference.cholesky(a))
    }

    @Test("solve: residual, reference, one right-hand side", arguments: sizes)
    func solve(n: Int) throws {
        var g = rng(n, 22)
        let a = randomSPD(n, using: &g)
        let b = randomMatrix(n, 3, using: &g)
        let chol = try Cholesky(a)
        let x = try chol.solve(b)
        #expect(x.shape == b.shape)
        // A is well conditioned (eigenvalues in [1, ~5]), so ‖X‖ ≲ ‖B‖.
        let residual = Reference.naiveProduct(a, x)
        expectClose(residual, b, tolerance: tolerance(n, maxAbs(a) * maxAbs(x)), "‖AX − B‖")
        expectClose(x, try Reference.choleskySolve(a, b), tolerance: tolerance(n, maxAbs(x)), "X vs reference")
        let x0 = try chol.solve(b.column(min(2, b.columns - 1)))
        expectClose(x0, x.column(2), tolerance: tolerance(n, maxAbs(x)), "vector solve")
    }

    @Test("inverse is symmetric and inverts A", arguments: sizes)
    func inverse(n: Int) throws {
        var g = rng(n, 23)
        let a = randomSPD(n, using: &g)
        let inv = try Cholesky(a).inverse()
        #expect(inv == inv.transposed, "both triangles filled, exactly symmetric")
        expectClose(Reference.naiveProduct(inv, a), .identity(n), tolerance: tolerance(n, maxAbs(a) * maxAbs(inv)), "A⁻¹A = I")
    }

    @Test("log-determinant equals Σ log λ", arguments: sizes)
    func logDeterminant(n: Int) throws {
        var g = rng(n, 24)
        // Known positive spectrum in [0.5, 4.5]: log|A| = Σ log dᵢ exactly.
        let d = (0..<n).map { _ in 2.5 + 2 * g.nextSigned() }
        let a = knownSpectrum(d, using: &g)
        let expected = d.reduce(0) { $0 + log($1) }
        let chol = try Cholesky(a)
        #expect(abs(chol.logDeterminant - expected) <= tolerance(n, 4), "\(chol.logDeterminant) vs \(expected)")
        if n <= 64 {
            let jacobi = Reference.jacobiEigenvalues(a).reduce(0) { $0 + log($1) }
            #expect(abs(chol.logDeterminant - jacobi) <= tolerance(n, 4))
        }
    }

    @Test("log-determinant by hand: diag(2, 8) has |A| = 16; 0 × 0 has |A| = 1")
    func logDeterminantByHand() throws {
        #expect(abs(try Cholesky(.diagonal([2, 8])).logDeterminant - log(16)) <= 4 * eps)
        #expect(try Cholesky(Matrix(rows: 0, columns: 0)).logDeterminant == 0)
        // A huge determinant does not overflow: |10¹⁰⁰ I₁₀| = 10¹⁰⁰⁰.
        let big = try Cholesky(.diagonal(Array(repeating: 1e100, count: 10)))
        #expect(abs(big.logDeterminant - 1000 * log(10)) <= 1e-12 * 1000 * log(10))
    }

    // MARK: - Errors

    @Test("not positive definite: the failing leading minor, 1-based, as LAPACK")
    func notPositiveDefinite() throws {
        // [[1, 2], [2, 1]]: the 2 × 2 minor is 1 − 4 < 0.
        let a2 = try Matrix(rows: [[1, 2], [2, 1]])
        #expect(linalgError { _ = try Cholesky(a2) } == .notPositiveDefinite(minor: 2))
        #expect(linalgError { _ = try Reference.cholesky(a2) } == .notPositiveDefinite(minor: 2))
        // Minors 1 and 2 positive (4, 4·5 − 4 = 16), the third negative.
        let a3 = try Matrix(rows: [[4, 2, 0], [2, 5, 3], [0, 3, 1]])
        #expect(linalgError { _ = try Cholesky(a3) } == .notPositiveDefinite(minor: 3))
        #expect(linalgError { _ = try Reference.cholesky(a3) } == .notPositiveDefinite(minor: 3))
        // The first element: minor 1. Positive semi-definite (singular) fails too.
        let a1 = try Matrix(rows: [[-1, 0], [0, 1]])
        #expect(linalgError { _ = try Cholesky(a1) } == .notPositiveDefinite(minor: 1))
        let semi = try Matrix(rows: [[1, 1], [1, 1]])
        #expect(linalgError { _ = try Cholesky(semi) } == .notPositiveDefinite(minor: 2))
        #expect(linalgError { _ = try Reference.cholesky(semi) } == .notPositiveDefinite(minor: 2))
    }

    @Test("non-square matrix and mismatched right-hand side are shape errors")
    func shapeErrors() throws {
        let e1 = linalgError { _ = try Cholesky(Matrix(rows: 2, columns: 3)) }
        #expect(e1 == .shapeMismatch(operation: "Cholesky (square matrix)", expected: Shape(rows: 2, columns: 2),
                                     actual: Shape(rows: 2, columns: 3)))
        let chol = try Cholesky(.identity(3))
        let e2 = linalgError { _ = try chol.solve(Matrix(rows: 2, columns: 4)) }
        #expect(e2 == .shapeMismatch(operation: "Cholesky.solve", expected: Shape(rows: 3, columns: 4),
                                     actual: Shape(rows: 2, columns: 4)))
        let e3 = linalgError { _ = try chol.solve([1, 2]) }
        #expect(e3 == .shapeMismatch(operation: "Cholesky.solve", expected: Shape(rows: 3, columns: 1),
                                     actual: Shape(rows: 2, columns: 1)))
    }
}
