import Linalg
import LinalgReference
import Testing

/// The k largest eigenpairs (dsyevr, range = I) against Jacobi and by their defining properties.
@Suite("Symmetric eigenproblem: the largest eigenpairs")
struct SymmetricEigenLargestTests {
    @Test("values are Jacobi's largest; A·v = λv, VᵀV = I; ascending, largest last",
          arguments: [(1, 1), (2, 1), (7, 3), (64, 5), (64, 64), (200, 6)])
    func largest(n: Int, count: Int) throws {
        var g = rng(n, 20 + count)
        let a = randomSymmetric(n, using: &g)
        let tolerance = 16 * Double(n) * eps * frobenius(a)
        let eigen = try SymmetricEigen(a, largest: count)
        #expect(eigen.values.count == count && eigen.vectors.shape == Shape(rows: n, columns: count))
        #expect(eigen.values == eigen.values.sorted())
        let all = n <= 64 ? Reference.jacobiEigenvalues(a) : try SymmetricEigen.values(of: a)
        expectClose(eigen.values, Array(all.suffix(count)), tolerance: tolerance, "largest values")
        let v = eigen.vectors
        let av = Reference.naiveProduct(a, v)
        let vl = Matrix(rows: n, columns: count) { i, j in v[i, j] * eigen.values[j] }
        expectClose(av, vl, tolerance: tolerance, "A·V = V·Λ")
        expectClose(Reference.naiveProduct(v, v, transposeA: .transpose), .identity(count),
                    tolerance: 16 * Double(n) * eps, "VᵀV = I")
    }

    @Test("count 0 is empty; a count outside 0...n and a non-square matrix are errors")
    func edges() throws {
        let a = try Matrix(rows: [[2, 1], [1, 2]])
        let none = try SymmetricEigen(a, largest: 0)
        #expect(none.values.isEmpty && none.vectors.shape == Shape(rows: 2, columns: 0))
        #expect(throws: LinalgError.self) { _ = try SymmetricEigen(a, largest: 3) }
        #expect(throws: LinalgError.self) { _ = try SymmetricEigen(a, largest: -1) }
        #expect(throws: LinalgError.self) { _ = try SymmetricEigen(Matrix(rows: 2, columns: 3), largest: 1) }
        // [[2, 1], [1, 2]]: largest 3 with (1, 1)/√2.
        let top = try SymmetricEigen(a, largest: 1)
        #expect(abs(top.values[0] - 3) < 4 * eps)
        #expect(abs(abs(top.vectors[0, 0]) - 0.5.squareRoot()) < 4 * eps && abs(top.vectors[0, 0] - top.vectors[1, 0]) < 4 * eps)
    }
}
