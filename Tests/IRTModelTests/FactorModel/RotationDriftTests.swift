import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// The pieces of ``RotationDrift`` against closed forms: plane rotations,
/// tangent rotations built by hand, and the first angle at which a loading
/// reaches 0.
@Suite("Rotation drift of a crawling projected map")
struct RotationDriftTests {
    static func randomLoadings(p: Int, k: Int, seed: UInt64) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed)
        return (0..<(p * k)).map { _ in 0.05 + Double(rng.next() % 1000) / 1000 }
    }

    @Test("exp of a skew matrix is the rotation: a plane rotation's cos and sin, orthogonal for k up to 6",
          arguments: [2, 3, 4, 6])
    func exponentialIsARotation(_ k: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(k))
        let d = k * (k - 1) / 2
        let a = (0..<d).map { _ in Double(rng.next() % 2001) / 1000 - 1 }
        let r = RotationDrift.exponential(RotationDrift.skew(a, k: k))
        for i in 0..<k {
            for j in 0..<k {
                let dot = (0..<k).reduce(0.0) { $0 + r[$1, i] * r[$1, j] }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-13, "RᵀR[\(i),\(j)] = \(dot)")
            }
        }
        // The first generator alone turns the plane (0, 1) by its coefficient.
        let angle = a[0]
        var single = [Double](repeating: 0, count: d)
        single[0] = angle
        let plane = RotationDrift.exponential(RotationDrift.skew(single, k: k))
        #expect(abs(plane[0, 0] - cos(angle)) < 1e-14 && abs(plane[0, 1] - sin(angle)) < 1e-14)
        #expect(abs(plane[1, 0] + sin(angle)) < 1e-14 && abs(plane[1, 1] - cos(angle)) < 1e-14)
        for j in 2..<Swift.max(k, 2) { #expect(plane[j, j] == 1) }
    }

    @Test("A residual made as ΛA is recovered exactly; one orthogonal to every ΛA has share 0",
          arguments: [(6, 2), (12, 3), (43, 4)])
    func tangentRotationRecoversGenerator(_ size: (p: Int, k: Int)) {
        let (p, k) = size
        let lambda = Self.randomLoadings(p: p, k: k, seed: UInt64(p))
        let d = k * (k - 1) / 2
        let a: [Double] = (0..<d).map { g in
            let sign: Double = g % 2 == 0 ? 1 : -1
            return 1e-7 * Double(g + 1) * sign
        }
        let generator = RotationDrift.skew(a, k: k)
        let r = (0..<(p * k)).map { index in
            (0..<k).reduce(0.0) { $0 + lambda[index % p + $1 * p] * generator[$1, index / p] }
        }
        let (coefficients, share) = RotationDrift.tangentRotation(of: r, at: lambda, p: p, k: k)
        for g in 0..<d {
            let error: Double = abs(coefficients[g] - a[g])
            #expect(error <= 1e-9 * abs(a[g]), "a[\(g)] = \(coefficients[g]), expected \(a[g])")
        }
        #expect(abs(share - 1) < 1e-9)
        // ΛS with S symmetric is orthogonal to every ΛA (tr(AᵀΛᵀΛS) = 0 needs ΛᵀΛ to
        // commute with S: take S = ΛᵀΛ itself).
        let gram = Matrix(rows: k, columns: k) { i, j in (0..<p).reduce(0.0) { $0 + lambda[$1 + i * p] * lambda[$1 + j * p] } }
        let symmetric = (0..<(p * k)).map { index in
            (0..<k).reduce(0.0) { $0 + lambda[index % p + $1 * p] * gram[$1, index / p] }
        }
        #expect(RotationDrift.tangentRotation(of: symmetric, at: lambda, p: p, k: k).share < 1e-8)
    }

    @Test("The first zero along a plane rotation is at tan φ = x / y, the smaller of the rows' angles")
    func firstZeroOfAPlaneRotation() throws {
        // Rows (x, y) turn to (x cos φ − y sin φ, x sin φ + y cos φ): the first entry reaches 0
        // at φ = atan(x / y). The unit generator has ‖A‖_F = 1, so s = √2 φ.
        let rows: [(Double, Double)] = [(0.3, 0.6), (0.5, 0.2), (0.1, 0.9), (0.4, 0.4)]
        let p = rows.count
        let lambda = rows.map(\.0) + rows.map(\.1)
        let unit = RotationDrift.skew([1 / 2.0.squareRoot()], k: 2)
        let s = try #require(RotationDrift.firstZero(of: lambda, p: p, k: 2, along: unit))
        let expected = 2.0.squareRoot() * rows.map { atan($0.0 / $0.1) }.min()!
        #expect(abs(s - expected) < 1e-12, "s = \(s), expected \(expected)")
        #expect(RotationDrift.hittingIndex(lambda, p: p, k: 2, along: unit, s: s) == 2)
        // Turned the other way, the second column's entries fall: the first to go is the
        // row with the smallest angle y / x.
        let back = RotationDrift.skew([-1 / 2.0.squareRoot()], k: 2)
        let t = try #require(RotationDrift.firstZero(of: lambda, p: p, k: 2, along: back))
        #expect(abs(t - 2.0.squareRoot() * rows.map { atan($0.1 / $0.0) }.min()!) < 1e-12)
        #expect(RotationDrift.hittingIndex(lambda, p: p, k: 2, along: back, s: t) == p + 1)
        // With no positive loading there is nothing to reach.
        #expect(RotationDrift.firstZero(of: [0, 0, 0, 0], p: 2, k: 2, along: unit) == nil)
    }

    @Test("A residual that is no rotation, or one factor, is not followed")
    func notFollowedWithoutRotation() throws {
        let s = ProjectedFixedPointTests.sampleS
        let k = 1
        var map = CovarianceEMMap(s: s, n: 242, k: k, anchors: ProjectedFixedPointTests.clamped, mStep: .projected, psiFloor: 1e-6)
        let p = s.rows
        let x = FactorParameters(lambda: [Double](repeating: 0.5, count: p * k), psi: [Double](repeating: 0.5, count: p))
        #expect(try RotationDrift.follow(from: x, map: &map) == nil)
        // Two factors far from a fixed point: the first EM step is no rotation.
        var two = CovarianceEMMap(s: s, n: 242, k: 2, anchors: ProjectedFixedPointTests.clamped, mStep: .projected, psiFloor: 1e-6)
        let y = FactorParameters(lambda: Self.randomLoadings(p: p, k: 2, seed: 9), psi: [Double](repeating: 0.5, count: p))
        #expect(try RotationDrift.follow(from: y, map: &two) == nil)
    }
}
