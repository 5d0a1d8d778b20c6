import Foundation
import IRTModel
import Linalg
import LinalgReference
import Testing
@testable import IRTMixture

/// Seeded test data: n × p uniform weights and a noisy linear score.
func randomDesign(n: Int, p: Int, seed: UInt64) -> (x: Matrix, y: [Double]) {
    var rng = Xoshiro256StarStar(seed: seed)
    let x = Matrix(rows: n, columns: p) { _, _ in rng.uniform() }
    let beta = (0..<p).map { _ in rng.uniform() * 2 - 1 }
    let y = (0..<n).map { i in (0..<p).reduce(0.0) { $0 + x[i, $1] * beta[$1] } + 0.3 * (rng.uniform() - 0.5) }
    return (x, y)
}

@Suite struct SurrogateTests {
    /// β from the normal equations (XcᵀXc + λI)β = Xcᵀyc, solved by the pure-Swift LU.
    func closedFormRidge(_ x: Matrix, _ y: [Double], lambda: Double) throws -> [Double] {
        let n = x.rows, p = x.columns
        let means = Reference.columnMeans(x)
        let xc = Matrix(rows: n, columns: p) { i, j in x[i, j] - means[j] }
        let ym = y.reduce(0, +) / Double(n)
        var a = Reference.gram(xc)
        for j in 0..<p { a[j, j] += lambda }
        let rhs = Reference.product(xc, y.map { $0 - ym }, transpose: .transpose)
        return try Reference.luSolve(a, Matrix(rows: p, columns: 1, columnMajor: rhs)).elements
    }

    @Test(arguments: [(30, 5), (12, 20)])
    func ridgeMatchesTheClosedForm(n: Int, p: Int) throws {
        let (x, y) = randomDesign(n: n, p: p, seed: UInt64(n * 100 + p))
        for lambda in [1e-3, 0.1, 10] {
            let fit = try Ridge.fit(x: x, y: y, lambda: lambda)
            let reference = try closedFormRidge(x, y, lambda: lambda)
            for j in 0..<p { #expect(abs(fit.beta[j] - reference[j]) < 1e-8 * max(1, abs(reference[j]))) }
            // df = tr(H), H = Xc (XcᵀXc + λI)⁻¹ Xcᵀ: column i of H is the fit of e_i.
            var trace = 0.0
            for i in 0..<n {
                let e = (0..<n).map { $0 == i ? 1.0 : 0 }
                let b = try closedFormRidge(x, e, lambda: lambda)
                let means = Reference.columnMeans(x)
                let fitted = (0..<p).reduce(0.0) { $0 + (x[i, $1] - means[$1]) * b[$1] }
                trace += fitted
            }
            #expect(abs(fit.effectiveDF - trace) < 1e-8 * max(1, trace))
        }
    }

    @Test func innerCVPicksFromTheGridAndShrinksNoise() throws {
        var rng = Xoshiro256StarStar(seed: 3)
        let x = Matrix(rows: 40, columns: 6) { _, _ in rng.uniform() }
        let noise = (0..<40).map { _ in rng.uniform() - 0.5 }
        let (_, signal) = randomDesign(n: 40, p: 6, seed: 3)
        let folds = shuffledFolds(count: 40, folds: 5, rng: &rng)
        let decomposition = try RidgeDecomposition(x: x)
        let grid = Ridge.grid(scale: decomposition.scale)
        let penalties = try Ridge.innerCVPenalties(x: x, ys: [noise, signal], folds: folds, grid: grid)
        #expect(penalties.allSatisfy { grid.contains($0) })
        // Pure noise gets a heavier penalty than a score the weights explain.
        #expect(penalties[0] >= penalties[1])
    }

    @Test func foldsPartitionTheRuns() {
        for (n, k) in [(20, 5), (23, 5), (2, 2), (7, 7)] {
            var rng = Xoshiro256StarStar(seed: 1)
            let folds = shuffledFolds(count: n, folds: k, rng: &rng)
            #expect(folds.count == k)
            #expect(folds.flatMap { $0 }.sorted() == Array(0..<n))
            #expect(folds.map(\.count).max()! - folds.map(\.count).min()! <= 1)
        }
    }

    /// log N(y; 0, K) from the pure-Swift Jacobi eigendecomposition of K:
    /// −½ Σ (vₖᵀy)²/eₖ − ½ Σ log eₖ − n/2 log 2π.
    func eigenLogLikelihood(_ k: Matrix, _ y: [Double]) -> Double {
        let (values, vectors) = Reference.jacobiEigen(k)
        var ll = -0.5 * Double(y.count) * log(2 * Double.pi)
        for (m, e) in values.enumerated() {
            let proj = (0..<y.count).reduce(0.0) { $0 + vectors[$1, m] * y[$1] }
            ll -= 0.5 * (proj * proj / e + log(e))
        }
        return ll
    }

    @Test func gpMarginalLikelihoodMatchesAnIndependentComputation() throws {
        let (x, y) = randomDesign(n: 25, p: 4, seed: 11)
        let d = GaussianProcess.squaredDistances(x)
        let n = x.rows
        let ym = y.reduce(0, +) / Double(n)
        let yc = y.map { $0 - ym }
        for (ell, sf, sn) in [(0.5, 1.0, 0.1), (1.5, 0.3, 0.05), (0.2, 2.0, 1.0)] {
            let k = Matrix(rows: n, columns: n) { i, j in
                var s = 0.0
                for c in 0..<x.columns { s += (x[i, c] - x[j, c]) * (x[i, c] - x[j, c]) }
                return sf * exp(-s / (2 * ell * ell)) + (i == j ? sn : 0)
            }
            let direct = try GaussianProcess.logMarginalLikelihood(distances: d, n: n, y: yc, lengthScale: ell,
                                                                  signalVariance: sf, noiseVariance: sn)
            #expect(abs(direct - eigenLogLikelihood(k, yc)) < 1e-8 * abs(direct))
            // The profiled likelihood is the full one at σf² = σ̂f², σn² = g σ̂f².
            let profiled = GaussianProcess.profiledLikelihood(distances: d, n: n, y: yc, lengthScale: ell, noiseRatio: sn / sf)!
            let atProfile = try GaussianProcess.logMarginalLikelihood(distances: d, n: n, y: yc, lengthScale: ell,
                                                                      signalVariance: profiled.signal,
                                                                      noiseVariance: sn / sf * profiled.signal)
            #expect(abs(profiled.logLikelihood - atProfile) < 1e-8 * abs(atProfile))
            // …and σ̂f² maximizes it: nearby σf² with the same ratio do worse.
            for factor in [0.9, 1.1] {
                let other = try GaussianProcess.logMarginalLikelihood(distances: d, n: n, y: yc, lengthScale: ell,
                                                                      signalVariance: profiled.signal * factor,
                                                                      noiseVariance: sn / sf * profiled.signal * factor)
                #expect(other < atProfile)
            }
        }
    }

    @Test func gpFitBeatsItsStartAndInterpolatesASmoothFunction() throws {
        var rng = Xoshiro256StarStar(seed: 5)
        let x = Matrix(rows: 60, columns: 2) { _, _ in rng.uniform() }
        let y = (0..<60).map { sin(3 * x[$0, 0]) + x[$0, 1] * x[$0, 1] }
        let d = GaussianProcess.squaredDistances(x)
        let median = GaussianProcess.medianSquaredDistance(d, n: 60).squareRoot()
        let fit = GaussianProcess.fit(x: x, distances: d, rows: Array(0..<60), y: y, scale: median)
        let ys = y.map { ($0 - fit.mean) }
        let sd = (ys.reduce(0) { $0 + $1 * $1 } / 59).squareRoot()
        let start = GaussianProcess.profiledLikelihood(distances: d, n: 60, y: ys.map { $0 / sd },
                                                       lengthScale: median, noiseRatio: 0.1)!
        #expect(fit.logLikelihood >= start.logLikelihood)
        let test = [0.3, 0.6]
        #expect(abs(fit.predict(test) - (sin(0.9) + 0.36)) < 0.05)
        // The SurrogateSet evaluates the same function, and its gradient matches finite differences.
        let set = SurrogateSet(x: x, rows: Array(0..<60), members: [.gp(alpha: fit.alpha, lengthScale: fit.lengthScale, mean: fit.mean)])
        #expect(abs(set.predict(test)[0] - fit.predict(test)) < 1e-12)
        let g = set.evaluate(test, gradientWeights: { _ in [1] }).gradient
        let h = 1e-6
        for j in 0..<2 {
            var up = test, down = test
            up[j] += h
            down[j] -= h
            #expect(abs((set.predict(up)[0] - set.predict(down)[0]) / (2 * h) - g[j]) < 1e-5)
        }
    }

    @Test func metricsAgainstDirectFormulas() {
        let y = [1.0, 2, 3, 4, 5]
        let perfect = ValidationMetrics(y: y, predicted: y)
        #expect(perfect.r2 == 1 && perfect.rmse == 0 && abs(perfect.spearman - 1) < 1e-12)
        let mean = ValidationMetrics(y: y, predicted: [Double](repeating: 3, count: 5))
        #expect(mean.r2 == 0)
        #expect(abs(mean.rmse - 2.0.squareRoot()) < 1e-12)
        // Ties share their average rank: ranks of [1, 1, 2] are [1.5, 1.5, 3].
        #expect(averageRanks([1, 1, 2]) == [1.5, 1.5, 3])
        let reversed = ValidationMetrics(y: y, predicted: [5, 4, 3, 2, 1])
        #expect(abs(reversed.spearman + 1) < 1e-12)
        #expect(abs(reversed.r2 - (1 - 40.0 / 10)) < 1e-12)
    }

    @Test func nelderMeadFindsTheMinimumOfAQuadratic() {
        let best = NelderMead.minimize({ ($0[0] - 1) * ($0[0] - 1) + 3 * ($0[1] + 2) * ($0[1] + 2) },
                                       from: [0, 0], step: 0.5, tolerance: 1e-12, maxEvaluations: 400)
        #expect(abs(best[0] - 1) < 1e-4 && abs(best[1] + 2) < 1e-4)
    }
}
