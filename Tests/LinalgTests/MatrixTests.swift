import Linalg
import LinalgReference
import Testing

/// Construction, layout, copies and views of `Matrix`.
@Suite("Matrix basics")
struct MatrixTests {
    @Test("initializers agree on the column-major layout")
    func initializers() throws {
        let byRows = try Matrix(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(byRows.shape == Shape(rows: 2, columns: 3))
        #expect(byRows.elements == [1, 4, 2, 5, 3, 6])
        #expect(byRows[1, 0] == 4 && byRows[0, 2] == 3)
        #expect(try Matrix(columns: [[1, 4], [2, 5], [3, 6]]) == byRows)
        #expect(try Matrix(rows: 2, columns: 3, columnMajor: [1, 4, 2, 5, 3, 6]) == byRows)
        #expect(Matrix(rows: 2, columns: 3) { i, j in Double(3 * i + j + 1) } == byRows)
        #expect(byRows.rowArrays == [[1, 2, 3], [4, 5, 6]])
        #expect(Matrix(rows: 2, columns: 2, repeating: 7).elements == [7, 7, 7, 7])
        #expect(Matrix.zeros(2, 3) == Matrix(rows: 2, columns: 3, repeating: 0))
        #expect(Matrix.identity(3).elements == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Matrix.diagonal([2, 3]) == (try Matrix(rows: [[2, 0], [0, 3]])))
        #expect(Matrix.identity(0).shape == Shape(rows: 0, columns: 0))
    }

    @Test("construction errors: element count and ragged rows")
    func constructionErrors() {
        #expect(linalgError { _ = try Matrix(rows: 2, columns: 3, columnMajor: [1, 2, 3, 4, 5]) }
                == .shapeMismatch(operation: "Matrix(rows:columns:columnMajor:)", expected: Shape(rows: 2, columns: 3),
                                  actual: Shape(rows: 5, columns: 1)))
        #expect(linalgError { _ = try Matrix(rows: [[1, 2], [3], [4, 5]]) } == .raggedRows(row: 1, expected: 2, actual: 1))
        #expect(linalgError { _ = try Matrix(rows: [[1, 2], [3, 4], [5, 6, 7]]) } == .raggedRows(row: 2, expected: 2, actual: 3))
        #expect(linalgError { _ = try Matrix(columns: [[1, 2], [3, 4, 5]]) } == .raggedRows(row: 1, expected: 2, actual: 3))
        var m = Matrix.zeros(2, 2)
        #expect(linalgError { try m.setColumn(0, to: [1, 2, 3]) }
                == .shapeMismatch(operation: "setColumn", expected: Shape(rows: 2, columns: 1), actual: Shape(rows: 3, columns: 1)))
    }

    @Test("empty shapes: 0 × 0, 0 × 3, 3 × 0, and 1 × 1")
    func emptyAndTiny() throws {
        let e = try Matrix(rows: [])
        #expect(e.shape == Shape(rows: 0, columns: 0) && e.isEmpty && e.isSquare)
        #expect(try Matrix(columns: []).shape == Shape(rows: 0, columns: 0))
        let wide = Matrix.zeros(0, 3)
        #expect(wide.isEmpty && !wide.isSquare && wide.elements.isEmpty)
        #expect(wide.transposed.shape == Shape(rows: 3, columns: 0))
        #expect(wide.column(2).isEmpty)
        #expect(try Matrix(rows: [[], []]).shape == Shape(rows: 2, columns: 0))
        #expect(try wide.multiplied(by: Matrix.zeros(3, 2)).shape == Shape(rows: 0, columns: 2))
        #expect(try Matrix.zeros(2, 0).multiplied(by: Matrix.zeros(0, 2)) == .zeros(2, 2))
        #expect(wide.gram() == .zeros(3, 3))
        #expect(try SymmetricEigen(e).values.isEmpty)
        #expect(try Cholesky(e).inverse() == e)
        #expect(try Matrix.solve(e, Matrix.zeros(0, 2)).shape == Shape(rows: 0, columns: 2))
        #expect(linalgError { _ = try wide.columnVariances(ddof: 0) } == .tooFewObservations(needed: 1, actual: 0))
        #expect(e.description.hasPrefix("Matrix 0×0"))

        let one = try Matrix(rows: [[4]])
        #expect(one.transposed == one && one.trace == 4)
        #expect(try Cholesky(one).factor == Matrix(rows: [[2]]))
        #expect(try SymmetricEigen(one).values == [4])
        #expect(try SymmetricEigen(one).vectors.elements.map(abs) == [1])
        #expect(try one.inverse() == Matrix(rows: [[0.25]]))
        #expect(try one.multiplied(by: one) == Matrix(rows: [[16]]))
    }

    @Test("transpose, rows, columns, selections, diagonal", arguments: [0, 1, 2, 7, 64])
    func accessors(n: Int) throws {
        var g = rng(n, 50)
        let a = randomMatrix(n, n + 2, using: &g)
        let t = a.transposed
        #expect(t == Reference.transpose(a))
        #expect(t.transposed == a)
        for i in 0..<n { #expect(a.row(i) == t.column(i)) }
        for j in 0..<a.columns { #expect(a.column(j) == (0..<n).map { a[$0, j] }) }
        let cols = Array(stride(from: a.columns - 1, through: 0, by: -2))
        let sc = a.selectingColumns(cols)
        #expect(sc.shape == Shape(rows: n, columns: cols.count))
        for (k, j) in cols.enumerated() { #expect(sc.column(k) == a.column(j)) }
        let rows = n > 0 ? [n - 1, 0, n - 1] : []
        let sr = a.selectingRows(rows)
        #expect(sr.shape == Shape(rows: rows.count, columns: a.columns))
        for (k, i) in rows.enumerated() { #expect(sr.row(k) == a.row(i)) }
        #expect(a.diagonalElements == (0..<n).map { a[$0, $0] })
        #expect(a.map { -$0 }.elements == a.elements.map { -$0 })
    }

    @Test("setColumn and subscript assignment")
    func mutation() throws {
        var a = Matrix.zeros(3, 2)
        try a.setColumn(1, to: [1, 2, 3])
        a[0, 0] = -1
        #expect(a == (try Matrix(rows: [[-1, 1], [0, 2], [0, 3]])))
    }

    @Test("copy on write: mutating a copy leaves the original")
    func copyOnWrite() throws {
        let original = try Matrix(rows: [[1, 2], [3, 4]])
        var copy = original
        copy[0, 0] = 100
        #expect(original[0, 0] == 1 && copy[0, 0] == 100)

        var c2 = original
        c2.scale(by: 2)
        try c2.add(original)
        try c2.setColumn(1, to: [0, 0])
        c2.withMutableColumn(0) { $0[0] = -7 }
        c2.withMutableElements { $0[3] = 9 }
        #expect(original == (try Matrix(rows: [[1, 2], [3, 4]])), "BLAS and span mutations must copy first")
        #expect(c2 == (try Matrix(rows: [[-7, 0], [9, 9]])))

        // In-place routines that take an inout matrix leave the caller's other copies alone.
        let spd = try Matrix(rows: [[4, 1], [1, 3]])
        var scratch = spd
        var values = [0.0, 0]
        var solver = SymmetricEigenvalueSolver(order: 2)
        try solver.eigenvalues(destroying: &scratch, into: &values)
        #expect(spd == (try Matrix(rows: [[4, 1], [1, 3]])))
        var z = spd
        z.standardizeColumnsInPlace()
        #expect(spd == (try Matrix(rows: [[4, 1], [1, 3]])))
        var out = spd
        let kept = out
        try Matrix.multiply(spd, .none, spd, .none, into: &out)
        #expect(kept == spd && out != spd)
    }

    @Test("withColumn, withElements and withBlock read the right elements", arguments: [1, 2, 7])
    func views(n: Int) {
        var g = rng(n, 51)
        let a = randomMatrix(n + 1, n, using: &g)
        for j in 0..<a.columns {
            let viaSpan = a.withColumn(j) { span in (0..<span.count).map { span[$0] } }
            #expect(viaSpan == a.column(j))
        }
        #expect(a.withElements { s in (0..<s.count).map { s[$0] } } == a.elements)
        // Every block, including empty ones at the far edges.
        for r0 in 0...a.rows {
            for r1 in r0...a.rows {
                for c0 in 0...a.columns {
                    for c1 in c0...a.columns {
                        let block = a.withBlock(rows: r0..<r1, columns: c0..<c1) { span, layout in
                            #expect(layout.rows == r1 - r0 && layout.columns == c1 - c0 && layout.leadingDimension == a.rows)
                            return Matrix(rows: layout.rows, columns: layout.columns) { i, j in span[layout.offset(i, j)] }
                        }
                        #expect(block == Matrix(rows: r1 - r0, columns: c1 - c0) { i, j in a[r0 + i, c0 + j] })
                    }
                }
            }
        }
    }

    @Test("withMutableColumn writes one column only")
    func mutableColumn() throws {
        var a = Matrix.zeros(3, 3)
        a.withMutableColumn(1) { span in
            for i in 0..<span.count { span[i] = Double(i + 1) }
        }
        #expect(a == (try Matrix(rows: [[0, 1, 0], [0, 2, 0], [0, 3, 0]])))
    }

    @Test("Equatable and Hashable compare shape and elements")
    func equality() throws {
        let a = try Matrix(rows: [[1, 2, 3, 4]])
        let b = try Matrix(columns: [[1, 2, 3, 4]])
        #expect(a.elements == b.elements)
        #expect(a != b, "same elements, other shape")
        #expect(a == (try Matrix(rows: 1, columns: 4, columnMajor: [1, 2, 3, 4])))
        #expect(Set([a, b, a]).count == 2)
        #expect(Matrix.zeros(0, 3) != Matrix.zeros(3, 0))
    }

    @Test("maxAbsDifference, and NaN is not hidden by it")
    func maxAbsDifference() throws {
        let a = try Matrix(rows: [[1, 2], [3, 4]])
        let b = try Matrix(rows: [[1, 2.5], [2, 4]])
        #expect(try a.maxAbsDifference(b) == 1)
        var c = a
        c[1, 1] = .nan
        #expect(try a.maxAbsDifference(c).isNaN, "a NaN difference must not read as 0")
        #expect(linalgError { _ = try a.maxAbsDifference(.zeros(2, 3)) }
                == .shapeMismatch(operation: "maxAbsDifference", expected: Shape(rows: 2, columns: 2), actual: Shape(rows: 2, columns: 3)))
    }

    /// The wording is the point: each description carries the case's data.
    @Test("errors describe themselves")
    func errorDescriptions() {
        let e = LinalgError.shapeMismatch(operation: "dot", expected: Shape(rows: 3, columns: 1), actual: Shape(rows: 2, columns: 1))
        #expect(e.description == "dot: shape mismatch, expected 3×1, got 2×1")
        #expect(LinalgError.notPositiveDefinite(minor: 2).description.contains("order 2"))
        #expect(LinalgError.singular(index: 3).description.contains("U[3,3]"))
    }
}
