import Linalg
import LinalgReference
import Testing

/// dsyevd / dsyevr against cyclic Jacobi and against matrices of known spectrum.
@Suite("Symmetric eigenproblem")
struct SymmetricEigenTests {
    /// Backward-stable eigensolvers get every eigenvalue within a small
    /// multiple of `n ε ‖A‖_F` (Weyl's inequality on the backward error).
    func eigenTolerance(_ a: Matrix) -> Double {
        16 * Double(max(a.rows, 1)) * eps * max(frobenius(a), .leastNormalMagnitude)
    }

    @Test("every eigenvalue routine agrees with Jacobi", arguments: jacobiSizes)
    func valuesMatchJacobi(n: Int) throws {
        var g = rng(n, 10)
        let a = randomSymmetric(n, using: &g)
        let expected = Reference.jacobiEigenvalues(a)
        let tol = eigenTolerance(a)

        let eigen = try SymmetricEigen(a)
        expectClose(eigen.values, expected, tolerance: tol, "SymmetricEigen")
        expectClose(try SymmetricEigen.values(of: a), expected, tolerance: tol, "values(of:)")

        var solver = SymmetricEigenvalueSolver(order: n)
        for _ in 0..<2 {  // a solver is reused
            var scratch = a
            var values = [Double](repeating: .nan, count: n)
            try solver.eigenvalues(destroying: &scratch, into: &values)
            expectClose(values, expected, tolerance: tol, "SymmetricEigenvalueSolver")
        }

        let all = try SymmetricEigen.values(of: a, indices: 0..<n)
        expectClose(all, expected, tolerance: tol, "values(of:indices:) all")
        let k = min(n, 3)
        let largest = try SymmetricEigen.values(of: a, indices: (n - k)..<n)
        expectClose(largest, Array(expected.suffix(k)), tolerance: tol, "values(of:indices:) largest")
        if n >= 4 {
            expectClose(try SymmetricEigen.values(of: a, indices: 1..<3), Array(expected[1..<3]), tolerance: tol,
                        "values(of:indices:) middle")
        }
        #expect(try SymmetricEigen.values(of: a, indices: 0..<0).isEmpty)
    }

    @Test("A·V = V·diag(λ), VᵀV = I, ascending and descending order", arguments: sizes)
    func decompositionProperties(n: Int) throws {
        var g = rng(n, 11)
        let a = randomSymmetric(n, using: &g)
        let eigen = try SymmetricEigen(a)
        let v = eigen.vectors, λ = eigen.values
        #expect(v.shape == Shape(rows: n, columns: n))
        #expect(λ.count == n)
        #expect(λ == λ.sorted(), "ascending")
        #expect(eigen.valuesDescending == Array(λ.reversed()))
        #expect(eigen.vectorsDescending == v.selectingColumns(Array((0..<n).reversed())))

        let av = Reference.naiveProduct(a, v)
        let vl = Matrix(rows: n, columns: n) { i, j in v[i, j] * λ[j] }
        expectClose(av, vl, tolerance: eigenTolerance(a), "A·V = V·Λ")
        expectClose(Reference.naiveProduct(v, v, transposeA: .transpose), .identity(n),
                    tolerance: 16 * Double(max(n, 1)) * eps, "VᵀV = I")
    }

    @Test("eigenvalues of a matrix with a known spectrum", arguments: sizes)
    func knownSpectrumValues(n: Int) throws {
        var g = rng(n, 12)
        // Distinct values spread over [-5, 5], plus one repeated pair.
        var d = (0..<n).map { 10 * Double($0) / Double(max(n, 1)) - 5 + 0.01 * g.nextSigned() }
        if n >= 3 { d[1] = d[2] }
        let a = knownSpectrum(d, using: &g)
        let expected = d.sorted()
        let tol = eigenTolerance(a)
        expectClose(try SymmetricEigen(a).values, expected, tolerance: tol, "SymmetricEigen")
        expectClose(try SymmetricEigen.values(of: a), expected, tolerance: tol, "values(of:)")
        let k = min(n, 5)
        expectClose(try SymmetricEigen.values(of: a, indices: (n - k)..<n), Array(expected.suffix(k)),
                    tolerance: tol, "values(of:indices:)")
    }

    @Test("only the named triangle is read", arguments: [1, 2, 7])
    func onlyTriangleRead(n: Int) throws {
        var g = rng(n, 13)
        let a = randomSymmetric(n, using: &g)
        let expected = try SymmetricEigen.values(of: a)
        // Garbage in the strict upper / lower triangle must change nothing.
        let lowerOnly = Matrix(rows: n, columns: n) { i, j in i >= j ? a[i, j] : 1e6 }
        let upperOnly = Matrix(rows: n, columns: n) { i, j in i <= j ? a[i, j] : -1e6 }
        let tol = eigenTolerance(a)
        expectClose(try SymmetricEigen.values(of: lowerOnly, triangle: .lower), expected, tolerance: tol)
        expectClose(try SymmetricEigen.values(of: upperOnly, triangle: .upper), expected, tolerance: tol)
        expectClose(try SymmetricEigen(upperOnly, triangle: .upper).values, expected, tolerance: tol)
        expectClose(try SymmetricEigen.values(of: upperOnly, indices: 0..<n, triangle: .upper), expected, tolerance: tol)
    }

    @Test("Jacobi by hand: 2 × 2 and diagonal")
    func jacobiByHand() throws {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3, eigenvectors (1, ∓1)/√2.
        let a = try Matrix(rows: [[2, 1], [1, 2]])
        let (values, vectors) = Reference.jacobiEigen(a)
        expectClose(values, [1, 3], tolerance: 4 * eps)
        let r = 0.5.squareRoot()
        #expect(abs(abs(vectors[0, 0]) - r) <= 4 * eps && abs(vectors[0, 0] + vectors[1, 0]) <= 4 * eps)
        #expect(abs(abs(vectors[0, 1]) - r) <= 4 * eps && abs(vectors[0, 1] - vectors[1, 1]) <= 4 * eps)
        #expect(Reference.jacobiEigenvalues(.diagonal([3, -1, 2])) == [-1, 2, 3])
        #expect(Reference.jacobiEigenvalues(Matrix(rows: 0, columns: 0)).isEmpty)
    }

    // MARK: - Errors

    @Test("a non-square matrix is a shape error for every entry point")
    func nonSquare() {
        let a = Matrix(rows: 2, columns: 3)
        let expected = Shape(rows: 2, columns: 2)
        for error in [linalgError { _ = try SymmetricEigen(a) },
                      linalgError { _ = try SymmetricEigen.values(of: a) },
                      linalgError { _ = try SymmetricEigen.values(of: a, indices: 0..<1) }] {
            guard case let .shapeMismatch(_, e, actual)? = error else {
                Issue.record("expected shapeMismatch, got \(String(describing: error))")
                continue
            }
            #expect(e == expected && actual == a.shape)
        }
    }

    @Test("indices outside 0..<n are an invalid argument")
    func indicesOutOfRange() {
        let a = Matrix.identity(3)
        for r in [0..<4, 2..<5, -1..<1] {
            guard case .invalidArgument? = linalgError({ _ = try SymmetricEigen.values(of: a, indices: r) }) else {
                Issue.record("expected invalidArgument for \(r)")
                continue
            }
        }
    }

    /// What LAPACK does with NaN (OpenBLAS 0.3.21's LAPACK, checked here):
    /// for n ≤ 2 dsyevd and dsyevr return `info = 0` with NaN eigenvalues; for
    /// n = 7 the tridiagonal iteration fails, dsyevd reports `info = 6` and
    /// dsyevr `info = 1`, which Linalg throws as `noConvergence`. Either way
    /// nothing crashes and no finite eigenvalue is made up; a caller that must
    /// tell NaN input apart checks its matrix first.
    @Test("NaN input fails loudly or yields NaN, never finite eigenvalues", arguments: [1, 2, 7])
    func nanInput(n: Int) throws {
        var a = Matrix.identity(n)
        a[n - 1, 0] = .nan
        if n > 1 { a[0, n - 1] = .nan }
        func check(_ name: String, _ body: () throws(LinalgError) -> [Double]) {
            do {
                let values = try body()
                #expect(values.contains { $0.isNaN }, "\(name) returned finite values \(values) for NaN input")
            } catch {
                guard case .noConvergence = error else {
                    Issue.record("\(name): unexpected \(error)")
                    return
                }
            }
        }
        check("SymmetricEigen") { () throws(LinalgError) in try SymmetricEigen(a).values }
        check("values(of:)") { () throws(LinalgError) in try SymmetricEigen.values(of: a) }
        check("values(of:indices:)") { () throws(LinalgError) in try SymmetricEigen.values(of: a, indices: 0..<n) }
        check("solver") { () throws(LinalgError) in
            var solver = SymmetricEigenvalueSolver(order: n)
            var scratch = a
            var values = [Double](repeating: 0, count: n)
            try solver.eigenvalues(destroying: &scratch, into: &values)
            return values
        }
    }
}
