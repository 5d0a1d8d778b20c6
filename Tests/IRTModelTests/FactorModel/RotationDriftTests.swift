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
    func tangentRotationRecoversGenerator(_ size: (p: Int, k: Int)) throws {
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
        let (coefficients, share) = try #require(RotationDrift.tangentRotation(of: r, at: lambda, p: p, k: k))
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
        #expect(try #require(RotationDrift.tangentRotation(of: symmetric, at: lambda, p: p, k: k)).share < 1e-8)
        // Two columns of Λ at 0: the rotation between them moves nothing, and is not determined.
        var dead = lambda
        for t in 0..<(2 * p) { dead[t] = 0 }
        #expect(RotationDrift.tangentRotation(of: r, at: dead, p: p, k: k) == nil)
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
        var evaluations = 0
        #expect(try RotationDrift.follow(from: x, map: &map, evaluations: &evaluations) == nil)
        #expect(evaluations == 0)
        // Two factors far from a fixed point: the first EM step is no rotation.
        var two = CovarianceEMMap(s: s, n: 242, k: 2, anchors: ProjectedFixedPointTests.clamped, mStep: .projected, psiFloor: 1e-6)
        let y = FactorParameters(lambda: Self.randomLoadings(p: p, k: 2, seed: 9), psi: [Double](repeating: 0.5, count: p))
        #expect(try RotationDrift.follow(from: y, map: &two, evaluations: &evaluations) == nil)
        #expect(evaluations == 1)
    }

    /// A map whose image turns two-factor loadings by `ε(φ0 − φ)` in their plane, φ the angle
    /// already turned from `start`: a pure rotation push that reverses at φ0 (none with φ0 = ∞).
    struct PlaneDriftMap: EMMap {
        let start: [Double]
        let p: Int
        let rate: Double
        let reverseAt: Double
        var taskCount: Int { p }
        var factorCount: Int { 2 }
        var observationCount: Int { 100 }
        var nonNegative: Bool { true }
        var psiFloors: [Double] { Array(repeating: 1e-6, count: p) }
        var anchored: [Bool] { Array(repeating: false, count: p) }
        var likelihoodIsMerit: Bool { false }
        func constrainUniqueness(_ value: Double, task: Int) -> Double { Swift.max(value, 1e-6) }
        mutating func gradient(_ x: FactorParameters, into gradient: inout FactorParameters) throws(AnalysisError) -> Double { 0 }
        mutating func informationBlocks(_ x: FactorParameters, into blocks: inout [Double]) {}
        /// The angle of task 0's row against its start (rows turn by +φ: (x, y) ↦ (x cos φ − y sin φ, x sin φ + y cos φ)).
        func turned(_ lambda: [Double]) -> Double {
            atan2(lambda[p], lambda[0]) - atan2(start[p], start[0])
        }
        mutating func evaluate(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) -> Double {
            let delta = reverseAt.isFinite ? rate * (reverseAt - turned(x.lambda)) : rate
            out = x
            for t in 0..<p {
                let (a, b) = (x.lambda[t], x.lambda[t + p])
                out.lambda[t] = Swift.max(0, a * cos(delta) - b * sin(delta))
                out.lambda[t + p] = Swift.max(0, a * sin(delta) + b * cos(delta))
            }
            return 0
        }
    }

    static let rows: [(Double, Double)] = [(0.6, 0.3), (0.5, 0.2), (0.1, 0.9), (0.4, 0.4)]
    static var startLoadings: [Double] { rows.map(\.0) + rows.map(\.1) }

    @Test("A steady push is followed to the loading it brings to 0: tan φ = x / y of the first row, and the rest turned by φ")
    func followsToTheFirstZero() throws {
        let p = Self.rows.count, lambda = Self.startLoadings
        var map = PlaneDriftMap(start: lambda, p: p, rate: 1e-6, reverseAt: .infinity)
        var evaluations = 0
        let x = FactorParameters(lambda: lambda, psi: Array(repeating: 0.5, count: p))
        let outcome = try #require(try RotationDrift.follow(from: x, map: &map, evaluations: &evaluations))
        // Column 0 falls as the rows turn by +φ; row 2 (0.1, 0.9) reaches 0 first.
        let phi = Self.rows.filter { $0.1 > 0 }.map { atan($0.0 / $0.1) }.min()!
        #expect(outcome.reachedZero == 2)
        #expect(abs(outcome.angle - phi) < 1e-10, "turned \(outcome.angle), expected \(phi)")
        for (t, row) in Self.rows.enumerated() {
            let turned = (row.0 * cos(phi) - row.1 * sin(phi), row.0 * sin(phi) + row.1 * cos(phi))
            #expect(abs(outcome.point.lambda[t] - Swift.max(turned.0, 0)) < 1e-9, "row \(t)")
            #expect(abs(outcome.point.lambda[t + p] - turned.1) < 1e-9, "row \(t)")
        }
        #expect(outcome.point.lambda[2] == 0 && outcome.point.psi == x.psi)
        #expect(evaluations >= 6 && evaluations <= RotationDrift.probes, "\(evaluations) evaluations")
    }

    @Test("A push that reverses before any loading reaches 0 is followed to where it reverses",
          arguments: [0.02, 0.05, 0.09])
    func stopsWhereThePushReverses(_ reverseAt: Double) throws {
        let p = Self.rows.count, lambda = Self.startLoadings
        var map = PlaneDriftMap(start: lambda, p: p, rate: 1e-3, reverseAt: reverseAt)
        var evaluations = 0
        let x = FactorParameters(lambda: lambda, psi: Array(repeating: 0.5, count: p))
        let outcome = try #require(try RotationDrift.follow(from: x, map: &map, evaluations: &evaluations))
        #expect(outcome.reachedZero == nil)
        #expect(abs(outcome.angle - reverseAt) < 1e-8, "turned \(outcome.angle), expected \(reverseAt)")
        #expect(abs(map.turned(outcome.point.lambda) - reverseAt) < 1e-8)
        #expect(evaluations <= RotationDrift.probes)
    }

    @Test("A loading within RotationCone's zero tolerance is not a loading to reach")
    func nearZeroLoadingIsNotReached() throws {
        // Row 2's first loading at 1e-12 would reach 0 at once; it counts as zero, and the next row stops the turn.
        var rows = Self.rows
        rows[2] = (1e-12, 0.9)
        let p = rows.count, lambda = rows.map(\.0) + rows.map(\.1)
        let unit = RotationDrift.skew([1 / 2.0.squareRoot()], k: 2)
        let s = try #require(RotationDrift.firstZero(of: lambda, p: p, k: 2, along: unit))
        let expected = 2.0.squareRoot() * rows.enumerated().filter { $0.offset != 2 }.map { atan($0.element.0 / $0.element.1) }.min()!
        #expect(abs(s - expected) < 1e-12)
        #expect(RotationDrift.hittingIndex(lambda, p: p, k: 2, along: unit, s: s) != 2)
    }
}
