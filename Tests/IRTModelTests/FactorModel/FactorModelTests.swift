import Foundation
@testable import IRTModel
import Linalg
import Testing

/// z-scored data drawn from a known non-negative factor model.
func syntheticFactorData(n: Int, loadings: [[Double]], seed: UInt64) throws -> Matrix {
    let p = loadings.count, k = loadings[0].count
    var rng = Xoshiro256StarStar(seed: seed)
    var normal = NormalSampler()
    var x = Matrix(rows: n, columns: p)
    for i in 0..<n {
        let theta = (0..<k).map { _ in normal.next(using: &rng) }
        for t in 0..<p {
            let common = (0..<k).reduce(0.0) { $0 + loadings[t][$1] * theta[$1] }
            let communality = loadings[t].reduce(0.0) { $0 + $1 * $1 }
            x[i, t] = common + (max(1 - communality, 0.05)).squareRoot() * normal.next(using: &rng)
        }
    }
    return try x.standardized().z
}

let smallLoadings: [[Double]] = [
    [0.9, 0.0], [0.8, 0.1], [0.7, 0.2], [0.6, 0.0],
    [0.0, 0.9], [0.1, 0.8], [0.2, 0.7], [0.3, 0.5],
]

/// One EM iteration written in data space, straight from METHOD.md §6, with Linalg.
func dataSpaceStep(z: Matrix, lambda: Matrix, psi: [Double], anchored: [Bool]) throws -> (Matrix, [Double]) {
    let n = Double(z.rows), p = z.columns, k = lambda.columns
    let b = Matrix(rows: p, columns: k) { i, j in lambda[i, j] / psi[i] }
    var m = try lambda.multiplied(by: b, transposingSelf: .transpose)
    for j in 0..<k { m[j, j] += 1 }
    let v = try m.inverse()
    let theta = try z.multiplied(by: b).multiplied(by: v)
    var sThetaTheta = try theta.multiplied(by: theta, transposingSelf: .transpose)
    try sThetaTheta.add(v, scaledBy: n)
    let c = try z.multiplied(by: theta, transposingSelf: .transpose)
    let unclipped = try c.multiplied(by: sThetaTheta.inverse())
    let newLambda = unclipped.map { max(0, $0) }
    let ls = try newLambda.multiplied(by: sThetaTheta)
    var newPsi = psi
    for t in 0..<p where !anchored[t] {
        var meanSquare = 0.0
        for r in 0..<z.rows { meanSquare += z[r, t] * z[r, t] }
        meanSquare /= n
        var cross = 0.0, quad = 0.0
        for j in 0..<k { cross += c[t, j] * newLambda[t, j]; quad += ls[t, j] * newLambda[t, j] }
        newPsi[t] = max(1e-6, meanSquare - 2 * cross / n + quad / n)
    }
    return (newLambda, newPsi)
}

/// `ℓ = −n/2 [p log 2π + log|Σ| + tr(Σ⁻¹S)]` computed directly with a p × p Cholesky.
func directLogLikelihood(z: Matrix, loadings: Matrix, psi: [Double]) throws -> Double {
    let n = Double(z.rows), p = z.columns
    var sigma = try loadings.multiplied(by: loadings, transposingOther: .transpose)
    for i in 0..<p { sigma[i, i] += psi[i] }
    let chol = try Cholesky(sigma)
    let s = z.gram(alpha: 1 / n)
    let trace = try chol.solve(s).trace
    return -n / 2 * (Double(p) * log(2 * Double.pi) + chol.logDeterminant + trace)
}

@Suite("Factor model EM")
struct FactorModelTests {
    @Test("Covariance-space iteration equals the data-space one to 1e-12", arguments: [(60, 1), (150, 2), (300, 3)])
    func covarianceSpaceEqualsDataSpace(_ size: (n: Int, k: Int)) throws {
        let z = try syntheticFactorData(n: size.n, loadings: smallLoadings, seed: UInt64(size.n))
        let p = z.columns, k = size.k
        var rng = Xoshiro256StarStar(seed: 7)
        let start = (0..<p).map { _ in (0..<k).map { _ in Double.random(in: 0.05..<0.9, using: &rng) } }
        let anchors: [Double?] = (0..<p).map { $0 % 3 == 0 ? 0.3 : nil }
        var options = FitOptions(factors: k, initialLoadings: start, maxIterations: 1, acceleration: .none)
        options.mStep = .projected   // dataSpaceStep is the reference's projected update
        let model = try FactorModel(z: z, k: k, anchors: anchors, options: options)

        let lambda0 = try Matrix(rows: start)
        let psi0 = anchors.map { $0 ?? 1.0 }
        let (expected, expectedPsi) = try dataSpaceStep(z: z, lambda: lambda0, psi: psi0, anchored: anchors.map { $0 != nil })
        // The model orders factors by descending sum of squares; match columns by that order.
        let sums = (0..<k).map { j in (0..<p).reduce(0.0) { $0 + expected[$1, j] * expected[$1, j] } }
        let order = (0..<k).sorted { sums[$0] > sums[$1] }
        let reordered = expected.selectingColumns(order)
        #expect(try model.loadings.maxAbsDifference(reordered) < 1e-12)
        #expect(zip(model.psi, expectedPsi).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(model.diagnostics.iterations == 1)
    }

    @Test("Reported log-likelihood equals the direct p × p computation")
    func logLikelihoodMatchesDirect() throws {
        let z = try syntheticFactorData(n: 200, loadings: smallLoadings, seed: 3)
        let model = try FactorModel(z: z, k: 2, anchors: Array(repeating: nil, count: 8),
                                    options: FitOptions(factors: 2, maxIterations: 50, acceleration: .none))
        let direct = try directLogLikelihood(z: z, loadings: model.loadings, psi: model.psi)
        #expect(abs(model.diagnostics.logLikelihood - direct) < 1e-9 * abs(direct))
    }

    @Test("With the nnls M-step the log-likelihood never decreases", arguments: [1, 2, 3])
    func nnlsIsMonotone(_ k: Int) throws {
        let z = try syntheticFactorData(n: 180, loadings: smallLoadings, seed: UInt64(10 + k))
        let anchors: [Double?] = (0..<8).map { $0 == 2 ? 0.25 : nil }
        let model = try FactorModel(z: z, k: k, anchors: anchors, options: FitOptions(
            factors: k, mStep: .nnls, maxIterations: 400, acceleration: .none, recordTrace: true))
        let trace = model.diagnostics.trace
        #expect(trace.count == model.diagnostics.iterations)
        for i in 1..<trace.count {
            #expect(trace[i] >= trace[i - 1] - 1e-9 * abs(trace[i - 1]), "ℓ dropped at iteration \(i)")
        }
    }

    @Test("The nnls M-step is monotone on the replica too (k = 4, 300 iterations)")
    func nnlsMonotoneOnReplica() throws {
        let prepared = try PreparedSweep(sweep: SharedRuns.sweep.completedRuns(), selection: .reference)
        let floor = try NoiseFloor(sweep: prepared, noise: SharedRuns.fixedNoise)
        let model = try FactorModel(z: prepared.z, k: 4, anchors: floor.noiseShare, options: FitOptions(
            mStep: .nnls, maxIterations: 300, acceleration: .none, recordTrace: true))
        let trace = model.diagnostics.trace
        for i in 1..<trace.count { #expect(trace[i] >= trace[i - 1] - 1e-9 * abs(trace[i - 1])) }
    }

    @Test("Anchored ψ never move and Λ stays non-negative, for every iteration count and scheme",
          arguments: [1, 2, 3, 10, 57, 400], [Acceleration.none, .squarem, .anderson])
    func anchorsAndNonNegativity(_ iterations: Int, _ acceleration: Acceleration) throws {
        let z = try syntheticFactorData(n: 120, loadings: smallLoadings, seed: 5)
        let shares: [Double?] = [0.2, nil, 0.0001, nil, 1.7, nil, 0.5, nil]
        let model = try FactorModel(z: z, k: 2, anchors: shares, options: FitOptions(
            factors: 2, stopRule: .step(tolerance: 0), maxIterations: iterations, acceleration: acceleration))
        let expected: [Double?] = [0.2, nil, 0.001, nil, 0.999, nil, 0.5, nil]   // clamp(share, 1e-3, 0.999)
        for (t, anchor) in expected.enumerated() {
            if let anchor { #expect(model.psi[t] == anchor) } else { #expect(model.psi[t] >= 1e-6) }
        }
        #expect(model.loadings.elements.allSatisfy { $0 >= 0 && $0.isFinite })
        #expect(model.communality.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(model.diagnostics.iterations <= iterations)
    }

    /// A one-factor model is identified (Λ ≥ 0 fixes the sign), so its fixed
    /// point is unique and smooth: accelerated and plain EM must agree to 1e-6.
    /// With k = 2 the rotation is pinned only by loadings on the boundary 0,
    /// along which ℓ is flat to ~1e-12: agreement there is to 1e-4 in Λ and
    /// 1e-9 in ℓ. (With every loading interior a k ≥ 2 model has a ridge of
    /// maxima — rotations keeping Λ ≥ 0 — and no unique fixed point at all.)
    @Test("Accelerated EM reaches plain EM's fixed point",
          arguments: [Acceleration.squarem, .anderson], [(k: 1, tolerance: 1e-6), (k: 2, tolerance: 1e-4)])
    func accelerationSameFixedPoint(_ acceleration: Acceleration, _ c: (k: Int, tolerance: Double)) throws {
        let z = try syntheticFactorData(n: 250, loadings: smallLoadings, seed: 11)
        let anchors: [Double?] = (0..<8).map { $0 < 3 ? 0.3 : nil }
        let plain = try FactorModel(z: z, k: c.k, anchors: anchors, options: FitOptions(
            factors: c.k, stopRule: .estimatedDistance(tolerance: 1e-11), acceleration: .none))
        let fast = try FactorModel(z: z, k: c.k, anchors: anchors, options: FitOptions(
            factors: c.k, stopRule: .estimatedDistance(tolerance: 1e-10), acceleration: acceleration))
        #expect(plain.diagnostics.converged && fast.diagnostics.converged)
        #expect(try fast.loadings.maxAbsDifference(plain.loadings) < c.tolerance)
        #expect(zip(fast.psi, plain.psi).allSatisfy { abs($0 - $1) < c.tolerance })
        #expect(abs(fast.diagnostics.logLikelihood - plain.diagnostics.logLikelihood) < 1e-9 * abs(plain.diagnostics.logLikelihood))
        #expect(fast.diagnostics.iterations < plain.diagnostics.iterations)
    }

    @Test("The default stop lands within its tolerance of the fixed point on the replica (the reference's estimator)")
    func estimatedDistanceIsHonest() throws {
        let ref = try ReferenceOutput.load("replica_fixed_noise_converged")
        let ours = try #require(SharedRuns.projected[.fixed])
        let estimate = try #require(ours.em.estimatedDistance)
        #expect(ours.em.converged)
        #expect(estimate < 1e-7)
        // The true distance (against the reference's fixed point, itself good to ~1e-8).
        #expect(maxAbsDifference(ours.loadings, ref.loadings) < 2e-7)
        // ≤ 1/10 of plain EM's 18,285 reference-rule iterations (besides the 2,000 plain steps that check it).
        #expect(ours.em.iterations - FitOptions().tuning.projectedVerification <= 1829)
    }

    @Test("Edge sizes: one task, one factor; k = p")
    func edgeSizes() throws {
        let z = try syntheticFactorData(n: 40, loadings: [[0.8]], seed: 1)
        let one = try FactorModel(z: z, k: 1, anchors: [nil])
        #expect(one.loadings.rows == 1 && one.loadings.columns == 1)
        #expect(one.communality[0] >= 0 && one.communality[0] <= 1)
        let z8 = try syntheticFactorData(n: 100, loadings: smallLoadings, seed: 2)
        let full = try FactorModel(z: z8, k: 8, anchors: Array(repeating: nil, count: 8),
                                   options: FitOptions(factors: 8, maxIterations: 2000))
        #expect(full.loadings.columns == 8)
        let scores = try Posterior(loadings: full.loadings, psi: full.psi, observed: Array(0..<8)).means(z8)
        #expect(scores.rows == 100 && scores.columns == 8)
    }

    @Test("k outside 1...p and a bad Λ0 are rejected with a message")
    func badArguments() throws {
        let z = try syntheticFactorData(n: 30, loadings: smallLoadings, seed: 4)
        let free = [Double?](repeating: nil, count: 8)
        #expect(fitError(z, k: 9, free, FitOptions()) == .tooManyFactors(requested: 9, tasks: 8))
        #expect(fitError(z, k: 0, free, FitOptions()) == .tooManyFactors(requested: 0, tasks: 8))
        let wrongShape = fitError(z, k: 2, free, FitOptions(initialLoadings: [[0.1, 0.2]]))
        #expect(wrongShape == .invalidInitialLoadings(reason: "must be 8 rows of 2 numbers (tasks × factors), got 1 rows of 2"))
        let negative = (0..<8).map { _ in [0.1, -0.2] }
        #expect(fitError(z, k: 2, free, FitOptions(initialLoadings: negative))
                == .invalidInitialLoadings(reason: "must be finite and non-negative"))
    }
}

/// The error a fit throws, or nil.
private func fitError(_ z: Matrix, k: Int, _ anchors: [Double?], _ options: FitOptions) -> AnalysisError? {
    do {
        _ = try FactorModel(z: z, k: k, anchors: anchors, options: options)
        return nil
    } catch {
        return error
    }
}
