@testable import IRTModel
import Testing

/// `EMRun.fixRotation` (the polish's rotation fix for free loadings) against
/// its defining property. `Λ ← Λ Q` with Q orthogonal leaves `G = ΛΛᵀ`
/// unchanged and makes k pivot rows a lower-triangular block with a positive
/// diagonal; such a factor of G is unique, and it is what a Cholesky
/// factorization of G with diagonal pivoting computes. So the rotated Λ, read
/// in pivot order, must be the pivoted Cholesky factor of the original `ΛΛᵀ`.
@Suite("fixRotation: ΛΛᵀ unchanged, the pivot block lower triangular, the pivoted Cholesky factor of ΛΛᵀ")
struct FixRotationTests {
    /// Column-major p × k loadings with entries in [−1, 1].
    static func loadings(p: Int, k: Int, seed: UInt64) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed)
        return (0..<(p * k)).map { _ in Double.random(in: -1...1, using: &rng) }
    }

    /// `ΛΛᵀ` of column-major p × k loadings.
    static func gram(_ lambda: [Double], p: Int, k: Int) -> [[Double]] {
        (0..<p).map { i in (0..<p).map { j in (0..<k).reduce(0) { $0 + lambda[i + $1 * p] * lambda[j + $1 * p] } } }
    }

    /// Cholesky with diagonal pivoting of a positive semidefinite G of rank k:
    /// the pivot order and the p × k factor L (rows in the original order) with
    /// `G = L Lᵀ`, `L[pivots[m], m] > 0` and `L[pivots[m], c] = 0` for c > m.
    static func pivotedCholesky(_ g: [[Double]], rank k: Int) -> (pivots: [Int], l: [[Double]]) {
        let p = g.count
        var schur = g
        var l = [[Double]](repeating: [Double](repeating: 0, count: k), count: p)
        var pivots: [Int] = []
        for m in 0..<k {
            let pivot = (0..<p).filter { !pivots.contains($0) }.max { schur[$0][$0] < schur[$1][$1] }!
            let d = schur[pivot][pivot].squareRoot()
            for i in 0..<p where !pivots.contains(i) { l[i][m] = schur[i][pivot] / d }
            pivots.append(pivot)
            for i in 0..<p { for j in 0..<p { schur[i][j] -= l[i][m] * l[j][m] } }
        }
        return (pivots, l)
    }

    @Test("The rotation keeps ΛΛᵀ, zeroes k(k − 1)/2 pivot entries, and equals the pivoted Cholesky factor",
          arguments: [(1, 1), (5, 1), (2, 2), (6, 2), (10, 3), (4, 4), (20, 5)])
    func definingProperty(p: Int, k: Int) {
        let original = Self.loadings(p: p, k: k, seed: UInt64(31 * p + k))
        var lambda = original
        let zeros = EMRun.fixRotation(&lambda, p: p, k: k)

        let before = Self.gram(original, p: p, k: k), after = Self.gram(lambda, p: p, k: k)
        let scale = before.joined().map(abs).max()!
        #expect(zip(before.joined(), after.joined()).allSatisfy { abs($0 - $1) <= 1e-13 * scale })

        let (pivots, l) = Self.pivotedCholesky(before, rank: k)
        // The zeros are the entries above the diagonal of the pivot block, in pivot order.
        let expectedZeros = (0..<k).flatMap { m in ((m + 1)..<k).map { (pivots[m], $0) } }
        #expect(zeros.map { [$0.0, $0.1] } == expectedZeros.map { [$0.0, $0.1] })
        for (row, column) in zeros { #expect(lambda[row + column * p] == 0) }
        // Signs: the block's diagonal is positive.
        for m in 0..<k { #expect(lambda[pivots[m] + m * p] > 0) }
        // Every entry is that of the unique such factor.
        for i in 0..<p {
            for c in 0..<k {
                #expect(abs(lambda[i + c * p] - l[i][c]) <= 1e-10, "Λ[\(i), \(c)] \(lambda[i + c * p]) vs \(l[i][c])")
            }
        }
    }

    @Test("An already-fixed Λ (the pivot block lower triangular, positive diagonal) is left as it is")
    func idempotent() {
        var lambda = Self.loadings(p: 9, k: 3, seed: 5)
        _ = EMRun.fixRotation(&lambda, p: 9, k: 3)
        let once = lambda
        _ = EMRun.fixRotation(&lambda, p: 9, k: 3)
        #expect(zip(once, lambda).allSatisfy { abs($0 - $1) <= 1e-13 })
    }

    @Test("Fewer than k pivots (more factors than tasks, or Λ = 0): nothing is frozen and Λ is unchanged")
    func tooFewPivots() {
        var wide = Self.loadings(p: 2, k: 3, seed: 9)
        let original = wide
        #expect(EMRun.fixRotation(&wide, p: 2, k: 3).isEmpty)
        #expect(wide == original)
        var zero = [Double](repeating: 0, count: 12)
        #expect(EMRun.fixRotation(&zero, p: 6, k: 2).isEmpty && zero.allSatisfy { $0 == 0 })
        var empty: [Double] = []
        #expect(EMRun.fixRotation(&empty, p: 0, k: 2).isEmpty && empty.isEmpty)
    }
}
