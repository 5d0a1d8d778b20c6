import Linalg
import Testing

/// `NonNegativeQuadratic` (the "nnls" M-step) against brute force over all 2ᵏ
/// active sets: for a strictly convex objective the minimiser over `λ ≥ 0` is
/// the unconstrained minimiser on some face `{λ_j = 0, j ∉ P}`, so enumerating
/// every `P`, keeping feasible face solutions and taking the lowest objective
/// finds it.
@Suite("Non-negative quadratic (row-wise NNLS)")
struct NonNegativeQuadraticTests {
    /// Random SPD `A = MᵀM + 0.05 I` (k × k, column-major, M uniform in [−1, 1)) and `c`.
    static func problem(k: Int, seed: UInt64, allNegative: Bool = false) -> (a: [Double], c: [Double]) {
        var rng = SplitMix64(seed: seed)
        let m = (0..<(k * k)).map { _ in rng.nextSigned() }
        var a = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            for j in 0..<k {
                var s = i == j ? 0.05 : 0
                for r in 0..<k { s += m[r + i * k] * m[r + j * k] }
                a[i + j * k] = s
            }
        }
        var c = (0..<k).map { _ in rng.nextSigned() }
        if allNegative { c = c.map { -abs($0) - 0.01 } }
        return (a, c)
    }

    static func objective(_ a: [Double], _ c: [Double], _ x: [Double]) -> Double {
        let k = c.count
        var value = 0.0
        for i in 0..<k {
            for j in 0..<k { value += x[i] * a[i + j * k] * x[j] }
            value -= 2 * c[i] * x[i]
        }
        return value
    }

    /// Gaussian elimination with partial pivoting on the P × P block.
    static func solveFace(_ a: [Double], _ c: [Double], face: [Int]) -> [Double] {
        let k = c.count, m = face.count
        var block = face.map { i in face.map { j in a[i + j * k] } }
        var rhs = face.map { c[$0] }
        for col in 0..<m {
            let pivot = (col..<m).max { abs(block[$0][col]) < abs(block[$1][col]) }!
            block.swapAt(col, pivot); rhs.swapAt(col, pivot)
            for row in (col + 1)..<m {
                let f = block[row][col] / block[col][col]
                for j in col..<m { block[row][j] -= f * block[col][j] }
                rhs[row] -= f * rhs[col]
            }
        }
        var y = [Double](repeating: 0, count: m)
        for row in stride(from: m - 1, through: 0, by: -1) {
            var s = rhs[row]
            for j in (row + 1)..<m { s -= block[row][j] * y[j] }
            y[row] = s / block[row][row]
        }
        var x = [Double](repeating: 0, count: k)
        for (i, j) in face.enumerated() { x[j] = y[i] }
        return x
    }

    static func bruteForce(_ a: [Double], _ c: [Double]) -> [Double] {
        let k = c.count
        var best = [Double](repeating: 0, count: k), bestValue = 0.0
        for mask in 1..<(1 << k) {
            let face = (0..<k).filter { mask & (1 << $0) != 0 }
            let x = solveFace(a, c, face: face)
            guard x.allSatisfy({ $0 >= 0 }) else { continue }
            let value = objective(a, c, x)
            if value < bestValue { best = x; bestValue = value }
        }
        return best
    }

    static func solve(_ a: [Double], _ c: [Double]) -> [Double] {
        let k = c.count
        var solver = NonNegativeQuadratic(k: k)
        var x = [Double](repeating: .nan, count: k)
        solver.solve(a: a, c: c, cOffset: 0, stride: 1, into: &x)
        return x
    }

    static let cases: [(Int, UInt64)] = (1...6).flatMap { k in (0..<8).map { (k, UInt64(100 * k + $0)) } }

    @Test("Equals the brute-force minimum over all active sets", arguments: cases)
    func bruteForceAgreement(_ k: Int, _ seed: UInt64) {
        let (a, c) = Self.problem(k: k, seed: seed)
        let x = Self.solve(a, c)
        let expected = Self.bruteForce(a, c)
        let scale = max(1, expected.map(abs).max() ?? 0)
        #expect(zip(x, expected).allSatisfy { abs($0 - $1) <= 1e-9 * scale }, "x = \(x), brute force = \(expected)")
        #expect(Self.objective(a, c, x) <= Self.objective(a, c, expected) + 1e-12 * scale * scale)
    }

    @Test("KKT conditions: x ≥ 0, gradient zero on the support, non-positive off it", arguments: cases)
    func kkt(_ k: Int, _ seed: UInt64) {
        let (a, c) = Self.problem(k: k, seed: seed)
        let x = Self.solve(a, c)
        #expect(x.allSatisfy { $0 >= 0 && $0.isFinite })
        let scale = max(1, c.map(abs).max()!)
        for j in 0..<k {
            // w_j = c_j − (A x)_j is minus half the objective's gradient.
            var w = c[j]
            for m in 0..<k { w -= a[j + m * k] * x[m] }
            if x[j] > 0 {
                #expect(abs(w) < 1e-9 * scale, "component \(j)")
            } else {
                #expect(w < 1e-9 * scale, "component \(j)")
            }
        }
    }

    @Test("All-negative c: the zero solution", arguments: 1...6)
    func allNegative(_ k: Int) {
        let (a, c) = Self.problem(k: k, seed: UInt64(k), allNegative: true)
        #expect(Self.solve(a, c) == [Double](repeating: 0, count: k))
    }

    @Test("Positive unconstrained solution is returned unchanged")
    func interior() {
        // A = [[2, 1], [1, 2]], c = A · (1, 2) = (4, 5).
        let x = Self.solve([2, 1, 1, 2], [4, 5])
        #expect(abs(x[0] - 1) < 1e-14 && abs(x[1] - 2) < 1e-14)
    }

    @Test("Reads c and writes x with stride and offset, touching nothing else")
    func strided() {
        // c is row 2 of a 4 × 3 column-major matrix C; the solution goes to the same slots of X.
        let k = 3, p = 4, row = 2
        let (a, c) = Self.problem(k: k, seed: 7)
        var matrixC = [Double](repeating: 99, count: p * k)
        for j in 0..<k { matrixC[row + j * p] = c[j] }
        var matrixX = [Double](repeating: -5, count: p * k)
        var solver = NonNegativeQuadratic(k: k)
        solver.solve(a: a, c: matrixC, cOffset: row, stride: p, into: &matrixX)
        let expected = Self.solve(a, c)
        for i in 0..<p {
            for j in 0..<k {
                #expect(matrixX[i + j * p] == (i == row ? expected[j] : -5))
            }
        }
        // The solver is reusable: a second problem with the same workspace.
        var again = [Double](repeating: 0, count: k)
        solver.solve(a: a, c: c.map { -$0 }, cOffset: 0, stride: 1, into: &again)
        #expect(again == Self.solve(a, c.map { -$0 }))
    }
}
