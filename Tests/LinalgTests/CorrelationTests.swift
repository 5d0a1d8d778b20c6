import Foundation
import Linalg
import LinalgReference
import Testing

/// The one correlation of standardized columns that Matrix.correlation,
/// Horn's real eigenvalues and its null draws share.
@Suite("Correlation of standardized columns")
struct CorrelationTests {
    /// Correlated columns (a shared factor plus noise) with large offsets.
    func data(_ m: Int, _ n: Int, seed: Int) -> Matrix {
        var g = rng(m, n, seed)
        let f = randomVector(m, using: &g)
        return Matrix(rows: m, columns: n) { i, j in 50 * Double(j) + Double(j + 1) * f[i] + g.nextSigned() }
    }

    @Test("equals pairwise Pearson of the raw data; unit diagonal; symmetric", arguments: [2, 7, 64, 200])
    func matchesPearson(m: Int) throws {
        let x = data(m, 6, seed: 60)
        let r = try x.standardized(ddof: 0).z.correlationOfStandardizedColumns()
        expectClose(r, Reference.correlation(x), tolerance: 1e-12, "vs reference")
        #expect(r.diagonalElements == Array(repeating: 1, count: 6))
        #expect(r == r.transposed)
    }

    @Test("is ZᵀZ/m off the diagonal exactly, and Matrix.correlation is built on it", arguments: [2, 7, 64])
    func sameBitsEverywhere(m: Int) throws {
        let z = try data(m, 5, seed: 61).standardized().z
        let r = z.correlationOfStandardizedColumns()
        let gram = z.gram(alpha: 1 / Double(z.rows))
        for j in 0..<5 { for i in 0..<5 where i != j { #expect(r[i, j] == gram[i, j]) } }
        #expect(try data(m, 5, seed: 61).correlation() == r)
    }

    @Test("into: writes the same bits into a reused buffer", arguments: [0, 1, 7, 64])
    func into(p: Int) throws {
        var g = rng(p, 62)
        var x = randomMatrix(30, p, using: &g)
        x.standardizeColumnsInPlace()
        var r = Matrix(rows: p, columns: p, repeating: .nan)
        x.correlationOfStandardizedColumns(into: &r)
        #expect(r == x.correlationOfStandardizedColumns())
        // A second use overwrites everything.
        var y = randomMatrix(30, p, using: &g)
        y.standardizeColumnsInPlace()
        y.correlationOfStandardizedColumns(into: &r)
        #expect(r == y.correlationOfStandardizedColumns())
    }

    @Test("no rows: the identity")
    func noRows() {
        var r = Matrix(rows: 3, columns: 3, repeating: .nan)
        Matrix(rows: 0, columns: 3).correlationOfStandardizedColumns(into: &r)
        #expect(r == .identity(3))
        #expect(Matrix(rows: 5, columns: 0).correlationOfStandardizedColumns().shape == Shape(rows: 0, columns: 0))
    }

    @Test("into: allocates no Swift heap memory, call after call (in a child process)",
          .enabled(if: allocationCounterAvailable, "this Swift runtime does not export _swift_allocObject"))
    func allocationFree() async {
        await #expect(processExitsWith: .success) {
            var g = rng(63)
            var x = randomMatrix(50, 8, using: &g)
            var r = Matrix(rows: 8, columns: 8)
            let count = swiftAllocations {
                for _ in 0..<200 {
                    x.standardizeColumnsInPlace()
                    x.correlationOfStandardizedColumns(into: &r)
                }
            }
            blackHole(r)
            _exit(count == 0 ? 0 : 1)
        }
    }
}
