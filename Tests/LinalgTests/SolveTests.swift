import Linalg
import LinalgReference
import Testing

/// dgesv against Gaussian elimination with partial pivoting.
@Suite("General solve")
struct SolveTests {
    /// Backward error of LU with partial pivoting: `‖AX − B‖ ≲ n ε ‖A‖ ‖X‖`
    /// (the growth factor of random matrices is small).
    func residualTolerance(_ a: Matrix, _ x: Matrix) -> Double {
        32 * Double(max(a.rows, 1)) * eps * max(maxAbs(a) * maxAbs(x) * Double(max(a.rows, 1)), 1)
    }

    @Test("solve has a small residual and matches luSolve", arguments: sizes)
    func solveMatchesReference(n: Int) throws {
        var g = rng(n, 30)
        let a = randomMatrix(n, n, using: &g)
        let b = randomMatrix(n, 2, using: &g)
        let x = try Matrix.solve(a, b)
        #expect(x.shape == b.shape)
        expectClose(Reference.naiveProduct(a, x), b, tolerance: residualTolerance(a, x), "‖AX − B‖")

        // The two solutions agree to cond(A) · ε: compare on a well-conditioned
        // A + n·I, where cond(A) = O(1).
        let w = Matrix(rows: n, columns: n) { i, j in a[i, j] + (i == j ? Double(n) : 0) }
        let xw = try Matrix.solve(w, b)
        expectClose(xw, try Reference.luSolve(w, b), tolerance: 64 * Double(max(n, 1)) * eps * max(maxAbs(xw), 1),
                    "X vs luSolve")
        let v = b.column(min(1, b.columns - 1))
        expectClose(try Matrix.solve(w, v), xw.column(1), tolerance: 4 * eps * max(maxAbs(xw), 1), "vector solve")
    }

    @Test("inverse · A = I", arguments: sizes)
    func inverse(n: Int) throws {
        var g = rng(n, 31)
        let a = randomMatrix(n, n, using: &g)
        let inv = try a.inverse()
        expectClose(Reference.naiveProduct(inv, a), .identity(n), tolerance: residualTolerance(a, inv), "A⁻¹A = I")
    }

    @Test("reference LU by hand, with a row swap")
    func luByHand() throws {
        // The first pivot is 0, so a row swap is needed.
        let a = try Matrix(rows: [[0, 1], [2, 3]])
        let b = try Matrix(rows: [[4], [10]])  // x = (−1, 4)
        #expect(try Reference.luSolve(a, b) == Matrix(rows: [[-1], [4]]))
        #expect(try Matrix.solve(a, b) == Matrix(rows: [[-1], [4]]))
    }

    // MARK: - Errors

    @Test("an exactly singular matrix reports the zero pivot, 1-based")
    func singular() throws {
        // Row 2 = 2 · row 1: after one elimination step U[2, 2] = 0 exactly.
        let a = try Matrix(rows: [[1, 2], [2, 4]])
        let b = try Matrix(rows: [[1], [1]])
        #expect(linalgError { _ = try Matrix.solve(a, b) } == .singular(index: 2))
        #expect(linalgError { _ = try Reference.luSolve(a, b) } == .singular(index: 2))
        #expect(linalgError { _ = try a.inverse() } == .singular(index: 2))
        // A zero second column: U[2, 2] = 0.
        let z = try Matrix(rows: [[1, 0, 3], [4, 0, 6], [7, 0, 9]])
        let b3 = Matrix(rows: 3, columns: 1, repeating: 1)
        #expect(linalgError { _ = try Matrix.solve(z, b3) } == .singular(index: 2))
        #expect(linalgError { _ = try Reference.luSolve(z, b3) } == .singular(index: 2))
        #expect(linalgError { _ = try Matrix.solve(.zeros(3, 3), b3) } == .singular(index: 1))
    }

    @Test("non-square A or mismatched B are shape errors naming both shapes")
    func shapeErrors() {
        let e1 = linalgError { _ = try Matrix.solve(Matrix(rows: 2, columns: 3), Matrix(rows: 2, columns: 1)) }
        #expect(e1 == .shapeMismatch(operation: "solve (square matrix)", expected: Shape(rows: 2, columns: 2),
                                     actual: Shape(rows: 2, columns: 3)))
        let e2 = linalgError { _ = try Matrix.solve(.identity(3), Matrix(rows: 2, columns: 5)) }
        #expect(e2 == .shapeMismatch(operation: "solve (right-hand side)", expected: Shape(rows: 3, columns: 5),
                                     actual: Shape(rows: 2, columns: 5)))
        let e3 = linalgError { _ = try Matrix(rows: 3, columns: 2).inverse() }
        #expect(e3 == .shapeMismatch(operation: "inverse (square matrix)", expected: Shape(rows: 3, columns: 3),
                                     actual: Shape(rows: 3, columns: 2)))
    }
}
