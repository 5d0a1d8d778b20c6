import Foundation
@testable import IRTModel
import Linalg
import Testing

/// What non-negative loadings identify (METHOD.md §6, "What is identified"):
/// the rotation-cone test on hand-made Λ, checked against a brute-force search
/// over rotation directions, and a weakly identified fit that stops on Σ.
@Suite("Identification: pinned or weakly identified loadings, and the Σ stop")
struct IdentificationTests {
    /// Column-major p × k from rows.
    static func flat(_ rows: [[Double]]) -> [Double] {
        let p = rows.count, k = rows[0].count
        var out = [Double](repeating: 0, count: p * k)
        for t in 0..<p { for j in 0..<k { out[t + j * p] = rows[t][j] } }
        return out
    }

    /// Independent check: the fraction of `draws` random directions of the
    /// rotation generators along which every zero loading of Λ(I + εA) stays
    /// ≥ 0 to first order, computed as ΛA directly (not through `M`).
    static func feasibleDirections(_ rows: [[Double]], draws: Int, seed: UInt64) -> Int {
        let p = rows.count, k = rows[0].count
        var rng = Xoshiro256StarStar(seed: seed)
        var normal = NormalSampler()
        var feasible = 0
        for _ in 0..<draws {
            var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            for i in 0..<k { for j in (i + 1)..<k { let v = normal.next(using: &rng); a[i][j] = v; a[j][i] = -v } }
            var ok = true
            for t in 0..<p { for j in 0..<k where rows[t][j] == 0 {
                let derivative = (0..<k).reduce(0.0) { $0 + rows[t][$1] * a[$1][j] }
                if derivative < -1e-12 { ok = false }
            } }
            if ok { feasible += 1 }
        }
        return feasible
    }

    @Test("No loading at 0 (k = 2, 3): weak, every rotation free; the brute force finds every direction feasible")
    func interior() {
        let two: [[Double]] = [[0.7, 0.2], [0.5, 0.5], [0.3, 0.6], [0.6, 0.1], [0.2, 0.8]]
        let cone2 = RotationCone(lambda: Self.flat(two), p: 5, k: 2)
        #expect(cone2.freeRotations == 1)
        #expect(!cone2.pinned)
        let three: [[Double]] = [[0.7, 0.2, 0.1], [0.5, 0.5, 0.3], [0.3, 0.6, 0.4], [0.6, 0.1, 0.8], [0.2, 0.8, 0.5]]
        let cone3 = RotationCone(lambda: Self.flat(three), p: 5, k: 3)
        #expect(cone3.freeRotations == 3)
        #expect(Self.feasibleDirections(three, draws: 200, seed: 1) == 200)
    }

    @Test("k = 2 with zeros in both columns, on different tasks: pinned; the brute force finds no feasible direction")
    func pinnedTwo() {
        let rows: [[Double]] = [[0.7, 0], [0.5, 0.5], [0, 0.6], [0.6, 0.1]]
        let cone = RotationCone(lambda: Self.flat(rows), p: 4, k: 2)
        #expect(cone.pinned)
        #expect(cone.zeros == 2)
        #expect(Self.feasibleDirections(rows, draws: 200, seed: 2) == 0)
    }

    @Test("k = 2 with zeros in one column only: weak, one rotation free (one-sided); the brute force finds half the directions")
    func oneSided() {
        let rows: [[Double]] = [[0.7, 0], [0.5, 0.5], [0.8, 0], [0.6, 0.1]]
        let cone = RotationCone(lambda: Self.flat(rows), p: 4, k: 2)
        #expect(cone.freeRotations == 1)
        let feasible = Self.feasibleDirections(rows, draws: 400, seed: 3)
        #expect(feasible > 150 && feasible < 250)
    }

    @Test("k = 1: pinned whatever the loadings (no rotation)")
    func oneFactor() {
        let cone = RotationCone(lambda: [0.7, 0.5, 0.3], p: 3, k: 1)
        #expect(cone.pinned)
        #expect(cone.generators == 0)
    }

    @Test("k = 3, simple structure (zeros in every column, pairwise): pinned; the brute force agrees")
    func pinnedThree() {
        let rows: [[Double]] = [[0.8, 0, 0], [0, 0.7, 0], [0, 0, 0.6], [0.5, 0.4, 0], [0, 0.5, 0.3], [0.4, 0, 0.6],
                                [0.3, 0.3, 0.3]]
        let cone = RotationCone(lambda: Self.flat(rows), p: 7, k: 3)
        #expect(cone.pinned)
        #expect(Self.feasibleDirections(rows, draws: 2000, seed: 4) == 0)
    }

    @Test("k = 3, a task on factor 1 alone and one on factor 2 alone: the (1,2) rotation is pinned, the two others free one-sidedly (span 2 of 3)")
    func partlyPinned() {
        // Task 1 = (0.8, 0, 0) needs a₁₂ ≥ 0 and a₁₃ ≥ 0; task 2 = (0, 0.7, 0)
        // needs −a₁₂ ≥ 0 and a₂₃ ≥ 0. So a₁₂ = 0 and the cone is the quadrant
        // a₁₃, a₂₃ ≥ 0: two dimensions.
        let rows: [[Double]] = [[0.8, 0, 0], [0, 0.7, 0], [0.5, 0.4, 0.5], [0.6, 0.2, 0.2]]
        let cone = RotationCone(lambda: Self.flat(rows), p: 4, k: 3)
        #expect(!cone.pinned)
        #expect(cone.freeRotations == 2)
        #expect(Self.feasibleDirections(rows, draws: 400, seed: 5) == 0)   // a₁₂ ≠ 0 almost surely: infeasible
    }

    // MARK: - A weakly identified fit

    /// n runs from z = Λθ + ε with every loading well inside the positive
    /// orthant (no zero can pin a rotation), free ψ.
    static func interiorCovariance(n: Int = 2000, seed: UInt64 = 11) -> (s: Matrix, p: Int) {
        let rows: [[Double]] = (0..<12).map { t in
            let angle = 0.35 + 0.9 * Double(t) / 11   // directions between 20° and 72°: inside the quadrant
            return [0.8 * cos(angle), 0.8 * sin(angle)]
        }
        let p = rows.count
        var rng = Xoshiro256StarStar(seed: seed)
        var normal = NormalSampler()
        var z = Matrix(rows: n, columns: p)
        for r in 0..<n {
            let theta = [normal.next(using: &rng), normal.next(using: &rng)]
            for t in 0..<p {
                z[r, t] = rows[t][0] * theta[0] + rows[t][1] * theta[1] + 0.6 * normal.next(using: &rng)
            }
        }
        let standardized = try! z.standardized(ddof: 0).z
        return (BLASThreading.withThreadCount(1) { standardized.gram(alpha: 1 / Double(n)) }, p)
    }

    /// `ΛΛᵀ + diag ψ` of a fit.
    static func sigma(_ fit: FactorModel) throws -> Matrix {
        var s = try fit.loadings.multiplied(by: fit.loadings, transposingOther: .transpose)
        for t in 0..<fit.psi.count { s[t, t] += fit.psi[t] }
        return s
    }

    @Test("Interior loadings (k = 2): the fit is weakly identified, converged, and its Σ and ℓ are the free ML's")
    func weakFitStopsOnSigma() throws {
        let (s, p) = Self.interiorCovariance()
        let anchors = [Double?](repeating: nil, count: p)
        // Plain EM: Anderson's extrapolation can land on a point of the ridge and
        // stop on Λ at once, which would not exercise the Σ stop.
        let fit = try FactorModel(covariance: s, observations: 2000, k: 2, anchors: anchors,
                                  options: FitOptions(factors: 2, acceleration: .none))
        let d = fit.diagnostics
        print("weak fit: \(d.iterations) evaluations, stop on \(String(describing: d.stopQuantity)), Σ distance \(String(describing: d.covarianceDistance)), Λ distance \(d.estimatedDistance), \(String(describing: d.identification))")
        #expect(d.converged)
        #expect(d.identification == .weaklyIdentified(freeRotations: 1))
        // Either rule may certify first (Λ when EM does not creep along the
        // flat rotation); the fit records which.
        #expect(d.stopQuantity != nil)
        // Independent: with Λ interior, the non-negative ML is the classical
        // (free-loading) ML, which a tightly converged free fit finds; their
        // Σ = ΛΛᵀ + Ψ and ℓ agree.
        var o = FitOptions(factors: 2, stopRule: .estimatedDistance(tolerance: 1e-10))
        o.loadings = .free
        let free = try FactorModel(covariance: s, observations: 2000, k: 2, anchors: anchors, options: o)
        let gap = try Self.sigma(fit).maxAbsDifference(Self.sigma(free))
        print("Σ gap to the free ML: \(gap); ℓ \(d.logLikelihood) vs \(free.diagnostics.logLikelihood)")
        #expect(gap < 1e-5)
        #expect(abs(d.logLikelihood - free.diagnostics.logLikelihood) < 1e-6 * abs(d.logLikelihood))
    }

    @Test("The bundled sample's default fit is pinned and stops on Λ (so it still reaches the reference fixed point)")
    func sampleIsPinned() throws {
        let z = try PreparedSweep(sweep: SharedRuns.sweep.completedRuns(), selection: .reference).z
        let s = BLASThreading.withThreadCount(1) { z.gram(alpha: 1 / Double(z.rows)) }
        let anchors = [Double?](repeating: nil, count: s.rows)
        let fit = try FactorModel(covariance: s, observations: z.rows, k: 2, anchors: anchors, options: FitOptions(factors: 2))
        #expect(fit.diagnostics.identification != nil)
        let cone = RotationCone(lambda: fit.loadings.elements, p: s.rows, k: 2)
        #expect(fit.diagnostics.identification == (cone.pinned ? .pinned : .weaklyIdentified(freeRotations: cone.freeRotations)))
    }

    // MARK: - How much the leaderboard moves

    @Test("ScoreSpread: lowest correlation and largest rank move against a hand computation")
    func spread() throws {
        // Fit A ranks a, b, c, d; fit B ranks b, a, d, c; fit C reverses A.
        let a = [4.0, 3, 2, 1], b = [3.0, 4, 1, 2], c = [1.0, 2, 3, 4]
        let spread = try #require(ScoreSpread(aggregates: [a, b, c], runNames: ["a", "b", "c", "d"]))
        #expect(spread.fitsCompared == 3)
        // r(A, C) = −1 (exact reversal) is the lowest of r(A,B) = 0.6, r(A,C) = −1, r(B,C) = −0.6.
        #expect(abs(spread.lowestCorrelation + 1) < 1e-15)
        // Reversal moves a from rank 1 to 4: 3 places, the largest.
        #expect(spread.largestRankMove == 3)
        #expect(spread.run == "a" && spread.ranks == [1, 4])
        #expect(ScoreSpread(aggregates: [a], runNames: ["a", "b", "c", "d"]) == nil)
    }

    @Test("The weakly_identified warning says what is flat, the Σ stop, and the spread across starts")
    func weakWarning() throws {
        let (s, p) = Self.interiorCovariance()
        let fit = try FactorModel(covariance: s, observations: 2000, k: 2, anchors: [Double?](repeating: nil, count: p),
                                  options: FitOptions(factors: 2, acceleration: .none))
        let spread = ScoreSpread(aggregates: [[4.0, 3, 2, 1], [3.0, 4, 2, 1]], runNames: ["a", "b", "c", "d"])
        let starts = FitAssessment.Starts(requested: 1, best: 1, reachedBest: 1, logLikelihoods: [fit.diagnostics.logLikelihood],
                                     iterations: [fit.diagnostics.iterations], checkStarts: 8,
                                     checkBestLogLikelihood: nil, checkGain: nil)
        let warning = Analysis.weakIdentificationWarning(fit.diagnostics, freeRotations: 1, k: 2, runs: true,
                                                         spread: spread, starts: starts)
        #expect(warning.kind == .weaklyIdentified)
        #expect(warning.subjects == [try #require(spread).run] && warning.remedies.isEmpty)
        // The stop and the spread are said only in words (the warning has no field
        // for them): the message must carry them.
        #expect(warning.message.contains(fit.diagnostics.stopQuantity == .covariance ? "the EM stopped when Σ = ΛΛᵀ + Ψ had converged" : "Λ itself converged, to one of many equally likely points"))
        #expect(warning.message.contains("correlate at least r = 0.8000"))
        #expect(warning.message.contains("largest rank move is 1 place(s)"))
        // Other starts ran but none reached the same optimum: nothing to measure, nothing to do.
        let unmeasured = Analysis.weakIdentificationWarning(fit.diagnostics, freeRotations: 1, k: 2, runs: true,
                                                            spread: nil, starts: starts)
        #expect(unmeasured.kind == .weaklyIdentified && unmeasured.subjects.isEmpty && unmeasured.remedies.isEmpty)
        #expect(unmeasured.message.contains("none of the 8 other start(s) reached the same log-likelihood"))
        // No other start ran: the remedy is to run some.
        let unchecked = FitAssessment.Starts(requested: 1, best: 1, reachedBest: 1, logLikelihoods: [fit.diagnostics.logLikelihood],
                                             iterations: [fit.diagnostics.iterations], checkStarts: 0,
                                             checkBestLogLikelihood: nil, checkGain: nil)
        let untried = Analysis.weakIdentificationWarning(fit.diagnostics, freeRotations: 1, k: 2, runs: true,
                                                         spread: nil, starts: unchecked)
        #expect(untried.subjects.isEmpty && untried.remedies == [.runStartCheck, .moreStarts(8)])
        let object = try #require(try JSONSerialization.jsonObject(
            with: try JSONCoding.encode(AnalysisResult.EM(fit.diagnostics))) as? [String: Any])
        let identification = try #require(object["identification"] as? [String: Any])
        #expect(identification["status"] as? String == "weakly_identified")
        #expect(identification["free_rotations"] != nil)
        #expect(object["stop_quantity"] as? String == (try #require(fit.diagnostics.stopQuantity)).rawValue)
    }

    /// Λ (column-major) rotated by angle `a` in the plane of factors 1 and 2.
    static func rotated(_ rows: [[Double]], by a: Double) -> [Double] {
        flat(rows.map { [cos(a) * $0[0] - sin(a) * $0[1], sin(a) * $0[0] + cos(a) * $0[1]] })
    }

    @Test("The Σ stop: steps that only rotate interior loadings certify on Σ (weak); with zeros that pin Λ they do not")
    func sigmaStopHook() {
        let interior: [[Double]] = [[0.7, 0.2], [0.5, 0.5], [0.3, 0.6], [0.6, 0.1], [0.2, 0.8]]
        let psi = [Double](repeating: 0.5, count: 5)
        var run = EMRun(options: FitOptions(factors: 2), progress: nil)
        var stopped = false
        // Each "step" rotates Λ by 1e-3 more: Λ moves by ~1e-3 per step (its rule
        // cannot certify), Σ = ΛΛᵀ + Ψ by rounding only.
        for i in 0..<12 where !stopped {
            let x = FactorParameters(lambda: Self.rotated(interior, by: 1e-3 * Double(i)), psi: psi)
            let y = FactorParameters(lambda: Self.rotated(interior, by: 1e-3 * Double(i + 1)), psi: psi)
            stopped = run.covarianceCertifies(from: x, to: y)
        }
        #expect(stopped)
        #expect(run.stopQuantity == .covariance)
        #expect(run.cone?.freeRotations == 1)
        #expect(run.covariance.distance < 1e-7)

        // Zeros in both columns pin Λ: the same Σ-only steps never stop the fit.
        let pinned: [[Double]] = [[0.7, 0], [0.5, 0.5], [0, 0.6], [0.6, 0.1], [0.2, 0.8]]
        var other = EMRun(options: FitOptions(factors: 2), progress: nil)
        let x = FactorParameters(lambda: Self.flat(pinned), psi: psi)
        var any = false
        for _ in 0..<12 { any = any || other.covarianceCertifies(from: x, to: x) }
        #expect(!any)
        #expect(other.stopQuantity == .loadings)
    }
}
