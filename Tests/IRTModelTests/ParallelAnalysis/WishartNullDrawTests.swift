import Foundation
@testable import IRTModel
import Linalg
import LinalgReference
import Testing

/// Horn's null drawn as a Wishart_p(n − 1, I) by Bartlett's factor, for
/// n ≫ p: the same law as the data draws (another random stream), so the
/// curves may differ by Monte Carlo error only.
@Suite("Horn's Wishart null draws (Bartlett)")
struct WishartNullDrawTests {
    /// `draws` null eigenvalue vectors of one method, draw d from the seed's stream d.
    static func null(n: Int, p: Int, method: NullDraw.Method, draws: Int, seed: UInt64) throws -> [[Double]] {
        var draw = NullDraw(rows: n, columns: p, method: method)
        var values = [Double](repeating: 0, count: p)
        let base = Xoshiro256StarStar(seed: seed)
        var out: [[Double]] = []
        try BLASThreading.withThreadCount(1) { () throws(LinalgError) in
            for d in 0..<draws {
                var rng = base.stream(d)
                try draw.eigenvalues(using: &rng, into: &values)
                out.append(values)
            }
        }
        return out
    }

    @Test("Per rank, the Wishart null's mean and p95 agree with the data draws' within Monte Carlo error",
          arguments: [(40, 8), (150, 12)])
    func sameDistribution(n: Int, p: Int) throws {
        let draws = 600
        let data = try Self.null(n: n, p: p, method: .columnGram, draws: draws, seed: 1)
        let wishart = try Self.null(n: n, p: p, method: .wishart, draws: draws, seed: 2)
        for r in 0..<p {
            let a = data.map { $0[r] }, b = wishart.map { $0[r] }
            let ma = a.reduce(0, +) / Double(draws), mb = b.reduce(0, +) / Double(draws)
            let va = a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) } / Double(draws - 1)
            let vb = b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) } / Double(draws - 1)
            let se = (va / Double(draws) + vb / Double(draws)).squareRoot()
            #expect(abs(ma - mb) <= 4.5 * se, "mean, rank \(r): \(ma) vs \(mb) (se \(se))")
            // The share of Wishart draws above the data draws' p95 is 5% up to the error of both.
            let p95 = Reference.percentile(a, 95)
            let above = Double(b.filter { $0 > p95 }.count) / Double(draws)
            #expect(abs(above - 0.05) <= 4.5 * (2 * 0.05 * 0.95 / Double(draws)).squareRoot(),
                    "p95, rank \(r): \(above) of the Wishart draws above the data p95")
        }
    }

    @Test("A Wishart draw is a correlation spectrum: p non-negative eigenvalues summing to p", arguments: [1, 2, 9, 50])
    func correlationSpectrum(p: Int) throws {
        let draws = try Self.null(n: 2 * p + 1, p: p, method: .wishart, draws: 3, seed: 7)
        for values in draws {
            #expect(values.count == p)
            #expect(abs(values.reduce(0, +) - Double(p)) <= 1e-10 * Double(p))
            #expect(values.allSatisfy { $0 > -1e-12 })
            #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
        }
    }

    @Test("Wishart draws are bit-identical for 1, 2 and 3 threads")
    func threadCountNeverChangesTheResult() throws {
        // n p² ≥ 10⁹ with n ≥ 2p takes the Wishart path; no n × p data is formed.
        let n = 10_000_000, p = 10
        #expect(NullDraw.method(runs: n, tasks: p) == .wishart)
        let one = try NullEigenvalues.compute(n: n, p: p, draws: 7, seed: 42, threads: 1, progress: nil)
        for threads in [2, 3] {
            let other = try NullEigenvalues.compute(n: n, p: p, draws: 7, seed: 42, threads: threads, progress: nil)
            #expect(other.map(\.bitPattern) == one.map(\.bitPattern))
        }
    }

    @Test("χ²(ν) variates have mean ν and variance 2ν", arguments: [1.0, 2.5, 10, 999])
    func chiSquareMoments(nu: Double) {
        var rng = Xoshiro256StarStar(seed: UInt64(nu * 10))
        var sampler = ChiSquareSampler()
        let count = 20_000
        let x = (0..<count).map { _ in sampler.next(degreesOfFreedom: nu, using: &rng) }
        let mean = x.reduce(0, +) / Double(count)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
        #expect(x.allSatisfy { $0 > 0 })
        #expect(abs(mean - nu) <= 5 * (2 * nu / Double(count)).squareRoot())
        // Var of the sample variance of χ²: (μ₄ − σ⁴)/N with μ₄ = 12ν(ν + 4) + 4ν²... bound it loosely.
        #expect(abs(variance / (2 * nu) - 1) <= 0.1)
    }

    @Test("The method follows the shape",
          arguments: [(3, 4, NullDraw.Method.rowGram), (242, 43, .columnGram), (5000, 250, .columnGram),
                      (20000, 250, .wishart), (20000, 1000, .wishart), (1000, 1000, .columnGram), (0, 0, .columnGram)])
    func methodSwitch(n: Int, p: Int, method: NullDraw.Method) {
        #expect(NullDraw.method(runs: n, tasks: p) == method)
    }
}
