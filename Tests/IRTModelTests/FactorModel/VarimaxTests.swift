import Foundation
@testable import IRTModel
import Linalg
import Testing

/// Varimax must rotate: `T` orthogonal, so `ΛT(ΛT)ᵀ = ΛΛᵀ` and ℓ are unchanged
/// — also when `B` is rank-deficient (a factor with no loadings, k > p, many
/// negligible factors), where a polar factor that drops B's near-zero singular
/// values gives a partial isometry that changes ΛΛᵀ and ℓ.
@Suite("Varimax: an orthogonal rotation")
struct VarimaxTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        let p: Int, k: Int, zeroColumns: Int, seed: UInt64
        var testDescription: String { "p \(p), k \(k), \(zeroColumns) zero column(s)" }
    }

    static let shapes: [Shape] = [
        Shape(p: 1, k: 2, zeroColumns: 0, seed: 1),
        Shape(p: 6, k: 3, zeroColumns: 0, seed: 2),
        Shape(p: 6, k: 3, zeroColumns: 1, seed: 3),
        Shape(p: 2, k: 3, zeroColumns: 0, seed: 4),
        Shape(p: 12, k: 8, zeroColumns: 3, seed: 5),
        Shape(p: 43, k: 36, zeroColumns: 0, seed: 6),
    ]

    /// Non-negative loadings, mostly small (as an over-factored fit's), with
    /// the last `zeroColumns` factors all zero.
    static func loadings(_ shape: Shape) -> Matrix {
        var rng = Xoshiro256StarStar(seed: shape.seed)
        return Matrix(rows: shape.p, columns: shape.k) { _, j in
            guard j < shape.k - shape.zeroColumns else { return 0 }
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            return u < 0.7 ? 0.01 * u : u
        }
    }

    static func largestEntry(_ m: Matrix) -> Double {
        m.elements.reduce(0) { Swift.max($0, Swift.abs($1)) }
    }

    @Test("T is orthogonal, ΛT is what is returned, and ΛΛᵀ is unchanged", arguments: shapes)
    func orthogonal(shape: Shape) throws {
        let lambda = Self.loadings(shape)
        let (rotated, t) = try Varimax.rotate(lambda)
        var gram = try t.multiplied(by: t, transposingSelf: .transpose)
        for i in 0..<shape.k { gram[i, i] -= 1 }
        #expect(Self.largestEntry(gram) < 1e-12)
        var product = try lambda.multiplied(by: t)
        for i in 0..<shape.p { for j in 0..<shape.k { product[i, j] -= rotated[i, j] } }
        #expect(Self.largestEntry(product) < 1e-12)
        var covariance = try rotated.multiplied(by: rotated, transposingOther: .transpose)
        let original = try lambda.multiplied(by: lambda, transposingOther: .transpose)
        for i in 0..<shape.p { for j in 0..<shape.p { covariance[i, j] -= original[i, j] } }
        #expect(Self.largestEntry(covariance) < 1e-12 * Swift.max(Self.largestEntry(original), 1))
    }

    /// Kaiser's criterion on row-normalised loadings: Σ_j [Σ_i z⁴ − (Σ_i z²)²/p].
    static func criterion(_ m: Matrix) -> Double {
        let p = m.rows, k = m.columns
        var total = 0.0
        for j in 0..<k {
            var fourth = 0.0, second = 0.0
            for i in 0..<p {
                let norm = (0..<k).reduce(0.0) { $0 + m[i, $1] * m[i, $1] }.squareRoot()
                let z = norm > 0 ? m[i, j] / norm : 0
                fourth += z * z * z * z; second += z * z
            }
            total += fourth - second * second / Double(p)
        }
        return total
    }

    @Test("the varimax criterion does not fall", arguments: shapes)
    func criterionRises(shape: Shape) throws {
        let lambda = Self.loadings(shape)
        let rotated = try Varimax.rotate(lambda).rotated
        #expect(Self.criterion(rotated) >= Self.criterion(lambda) - 1e-9)
    }

    @Test("the polar factor of a rank-deficient B is orthogonal and keeps tr(TᵀB)", arguments: [2, 3, 7])
    func polarOfRankDeficient(k: Int) throws {
        // B = x yᵀ, rank 1: its polar factor maps y's direction to x's, the rest anyhow.
        let x = (0..<k).map { Double($0 + 1) }, y = (0..<k).map { Double(k - $0) * 0.5 }
        let b = Matrix(rows: k, columns: k) { i, j in x[i] * y[j] }
        let (t, sum) = try Varimax.polarFactor(b)
        var gram = try t.multiplied(by: t, transposingSelf: .transpose)
        for i in 0..<k { gram[i, i] -= 1 }
        #expect(Self.largestEntry(gram) < 1e-12)
        let normX = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), normY = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(Swift.abs(sum - normX * normY) < 1e-9 * normX * normY)
        var trace = 0.0
        for i in 0..<k { for j in 0..<k { trace += t[i, j] * b[i, j] } }
        #expect(Swift.abs(trace - normX * normY) < 1e-9 * normX * normY)
    }
}
