import Linalg
import LinalgReference
import Testing

/// gemm, gemv, syrk, scal, axpy and dot against the pure-Swift reference.
@Suite("Products")
struct ProductTests {
    /// Rounding bound of a length-k dot product of values bounded by `scale`:
    /// `k · ε · scale`, with a small safety factor.
    func productTolerance(k: Int, scale: Double) -> Double {
        8 * Double(max(k, 1)) * eps * max(scale, .leastNormalMagnitude)
    }

    @Test("multiply and multiplied(by:) match the triple loop", arguments: sizes, transposePairs)
    func multiplyMatchesReference(n: Int, trans: (Transpose, Transpose)) throws {
        let (tA, tB) = trans
        // op(A) is m × k, op(B) is k × p, all different so a swapped dimension shows.
        let m = n, k = n / 2 + 1, p = n + 1
        var g = rng(n, tA == .none ? 0 : 1, tB == .none ? 0 : 1)
        let (ar, ac) = stored(m, k, tA), (br, bc) = stored(k, p, tB)
        let a = randomMatrix(ar, ac, using: &g)
        let b = randomMatrix(br, bc, scale: 3, using: &g)

        let expected = Reference.naiveProduct(a, b, transposeA: tA, transposeB: tB)
        #expect(expected.shape == Shape(rows: m, columns: p))
        let tol = productTolerance(k: k, scale: maxAbs(a) * maxAbs(b))

        let c = try a.multiplied(by: b, transposingSelf: tA, transposingOther: tB)
        expectClose(c, expected, tolerance: tol, "multiplied(by:)")

        // C ← α op(A) op(B) + β C into an existing, non-zero output.
        let alpha = 0.75, beta = -1.25
        let c0 = randomMatrix(m, p, scale: 2, using: &g)
        var out = c0
        try Matrix.multiply(a, tA, b, tB, alpha: alpha, beta: beta, into: &out)
        let want = Matrix(rows: m, columns: p) { i, j in alpha * expected[i, j] + beta * c0[i, j] }
        expectClose(out, want, tolerance: abs(alpha) * tol + 4 * eps * abs(beta) * maxAbs(c0), "multiply(alpha:beta:)")
    }

    @Test("β = 0 ignores NaN in the output, also when the inner dimension is 0", arguments: [0, 3])
    func betaZeroDoesNotReadOutput(k: Int) throws {
        var g = rng(k, 77)
        let a = randomMatrix(4, k, using: &g), b = randomMatrix(k, 5, using: &g)
        var c = Matrix(rows: 4, columns: 5, repeating: .nan)
        try Matrix.multiply(a, .none, b, .none, beta: 0, into: &c)
        #expect(!c.elements.contains { $0.isNaN })
        expectClose(c, Reference.naiveProduct(a, b), tolerance: productTolerance(k: k, scale: 1))
    }

    @Test("inner dimension 0 scales the output by β")
    func emptyInnerDimensionScalesByBeta() throws {
        let a = Matrix(rows: 2, columns: 0), b = Matrix(rows: 0, columns: 3)
        var c = Matrix(rows: 2, columns: 3, repeating: 2)
        try Matrix.multiply(a, .none, b, .none, alpha: 5, beta: 0.5, into: &c)
        #expect(c == Matrix(rows: 2, columns: 3, repeating: 1))
    }

    @Test("blocked product equals the naive one", arguments: [0, 1, 7, 65], [1, 4, 64])
    func blockedMatchesNaive(n: Int, blockSize: Int) {
        var g = rng(n, blockSize)
        let a = randomMatrix(n, n + 2, using: &g), b = randomMatrix(n + 2, n / 2 + 1, using: &g)
        for (tA, tB) in transposePairs where tA == .none || n == 7 {
            let a2 = tA == .none ? a : Reference.transpose(a), b2 = tB == .none ? b : Reference.transpose(b)
            expectClose(Reference.blockedProduct(a2, b2, blockSize: blockSize, transposeA: tA, transposeB: tB),
                        Reference.naiveProduct(a2, b2, transposeA: tA, transposeB: tB),
                        tolerance: productTolerance(k: n + 2, scale: 1))
        }
    }

    @Test("reference product of small matrices by hand")
    func referenceByHand() throws {
        let a = try Matrix(rows: [[1, 2, 3], [4, 5, 6]])
        let b = try Matrix(rows: [[7, 8], [9, 10], [11, 12]])
        let ab = try Matrix(rows: [[58, 64], [139, 154]])
        #expect(Reference.naiveProduct(a, b) == ab)
        #expect(Reference.blockedProduct(a, b, blockSize: 2) == ab)
        #expect(Reference.naiveProduct(b, a, transposeA: .transpose, transposeB: .transpose) == Reference.transpose(ab))
        #expect(try a.multiplied(by: b) == ab)
        #expect(Reference.gram(a) == (try Matrix(rows: [[17, 22, 27], [22, 29, 36], [27, 36, 45]])))
        #expect(Reference.product(a, [1, 0, -1]) == [-2, -2])
        #expect(Reference.product(a, [1, -1], transpose: .transpose) == [-3, -3, -3])
    }

    @Test("matrix–vector product (gemv), both orientations", arguments: sizes, [Transpose.none, .transpose])
    func gemvMatchesReference(n: Int, trans: Transpose) throws {
        var g = rng(n, trans == .none ? 0 : 1, 2)
        let a = randomMatrix(n, n / 3 + 1, using: &g)  // non-square
        let x = randomVector(trans == .none ? a.columns : a.rows, using: &g)
        let y = try a.multiplied(by: x, transposingSelf: trans)
        let expected = Reference.product(a, x, transpose: trans)
        #expect(y.count == (trans == .none ? a.rows : a.columns))
        expectClose(y, expected, tolerance: productTolerance(k: x.count, scale: maxAbs(a)))
    }

    @Test("gram matches AᵀA and is exactly symmetric", arguments: sizes)
    func gramMatchesReference(n: Int) {
        var g = rng(n, 3)
        let a = randomMatrix(n + 3, n, using: &g)  // tall, as a data matrix
        let expected = Reference.gram(a)
        let tol = productTolerance(k: a.rows, scale: maxAbs(a) * maxAbs(a))
        let c = a.gram()
        expectClose(c, expected, tolerance: tol, "gram()")
        #expect(c == c.transposed)

        let alpha = 1 / Double(max(a.rows, 1))
        var into = Matrix(rows: n, columns: n, repeating: .nan)  // must not be read
        a.gram(alpha: alpha, into: &into)
        expectClose(into, expected.map { $0 * alpha }, tolerance: tol * alpha, "gram(alpha:into:)")
    }

    @Test("rowGram matches AAᵀ (the gram of the transpose) and is exactly symmetric", arguments: sizes)
    func rowGramMatchesReference(n: Int) {
        var g = rng(n, 4)
        let a = randomMatrix(n, n + 3, using: &g)  // wide: fewer rows than columns
        let expected = Reference.gram(a.transposed)
        let alpha = 1 / Double(max(a.columns, 1))
        let tol = productTolerance(k: a.columns, scale: maxAbs(a) * maxAbs(a))
        var into = Matrix(rows: n, columns: n, repeating: .nan)  // must not be read
        a.rowGram(alpha: alpha, into: &into)
        expectClose(into, expected.map { $0 * alpha }, tolerance: tol * alpha, "rowGram(alpha:into:)")
        #expect(into == into.transposed)
    }

    @Test("gram of a matrix without rows is the zero matrix, whatever the output held")
    func gramWithoutRows() {
        let a = Matrix(rows: 0, columns: 3)
        #expect(a.gram() == .zeros(3, 3))
        var c = Matrix(rows: 3, columns: 3, repeating: .nan)
        a.gram(into: &c)
        #expect(c == .zeros(3, 3))
    }

    @Test("scale, add, dot, trace", arguments: sizes)
    func levelOne(n: Int) throws {
        var g = rng(n, 4)
        let a = randomMatrix(n, 3, using: &g), b = randomMatrix(n, 3, using: &g)
        var s = a
        s.scale(by: -2.5)
        #expect(s == a.map { $0 * -2.5 })  // one rounding each, as the loop
        var sum = a
        try sum.add(b, scaledBy: 0.5)
        expectClose(sum, Matrix(rows: n, columns: 3) { i, j in a[i, j] + 0.5 * b[i, j] }, tolerance: 2 * eps)

        let x = a.elements, y = b.elements
        var expected = 0.0
        for i in x.indices { expected += x[i] * y[i] }
        #expect(abs(try dot(x, y) - expected) <= productTolerance(k: x.count, scale: 1))
        let square = randomMatrix(n, n, using: &g)
        #expect(abs(square.trace - (0..<n).reduce(0) { $0 + square[$1, $1] }) <= Double(n) * eps)
    }

    // MARK: - Shape errors name both shapes

    @Test("multiply with mismatched inner dimensions names both operands")
    func multiplyInnerMismatch() {
        let a = Matrix(rows: 2, columns: 3), b = Matrix(rows: 4, columns: 5)
        let error = linalgError { _ = try a.multiplied(by: b) }
        guard case let .shapeMismatch(_, expected, actual)? = error else {
            Issue.record("expected shapeMismatch, got \(String(describing: error))")
            return
        }
        // op(B) should have been 3 × 5 (k = A's columns); it is 4 × 5.
        #expect(expected == Shape(rows: 3, columns: 5))
        #expect(actual == b.shape)
        // With Bᵀ: op(B) is 5 × 4, and k = 3 ≠ 5.
        let errorT = linalgError { _ = try a.multiplied(by: b, transposingOther: .transpose) }
        guard case let .shapeMismatch(_, expectedT, actualT)? = errorT else {
            Issue.record("expected shapeMismatch, got \(String(describing: errorT))")
            return
        }
        #expect(expectedT == Shape(rows: 3, columns: 4))
        #expect(actualT == Shape(rows: 5, columns: 4))
    }

    @Test("multiply into an output of the wrong shape names both shapes")
    func multiplyOutputMismatch() {
        let a = Matrix(rows: 2, columns: 3), b = Matrix(rows: 3, columns: 4)
        var c = Matrix(rows: 4, columns: 2)
        let error = linalgError { try Matrix.multiply(a, .none, b, .none, into: &c) }
        #expect(error == .shapeMismatch(operation: "multiply (output)", expected: Shape(rows: 2, columns: 4),
                                        actual: Shape(rows: 4, columns: 2)))
    }

    @Test("gemv, add and dot reject mismatched shapes")
    func levelOneMismatch() {
        let a = Matrix(rows: 2, columns: 3)
        let e1 = linalgError { _ = try a.multiplied(by: [1, 2]) }
        #expect(e1 == .shapeMismatch(operation: "matrix-vector product", expected: Shape(rows: 3, columns: 1),
                                     actual: Shape(rows: 2, columns: 1)))
        var m = a
        let e2 = linalgError { try m.add(Matrix(rows: 3, columns: 2)) }
        #expect(e2 == .shapeMismatch(operation: "add", expected: Shape(rows: 2, columns: 3), actual: Shape(rows: 3, columns: 2)))
        #expect(m == a)
        let e3 = linalgError { _ = try dot([1, 2, 3], [1, 2]) }
        #expect(e3 == .shapeMismatch(operation: "dot", expected: Shape(rows: 3, columns: 1), actual: Shape(rows: 2, columns: 1)))
    }
}
