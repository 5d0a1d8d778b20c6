import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// The two estimators (METHOD.md §6): the default nnls M-step (the constrained
/// maximum likelihood), and `--m-step projected`, the reference's clipped update
/// run to its own fixed point — accelerated, with no switch to another
/// estimator; only a cycle between clipped points ends it, as an error naming
/// `--m-step nnls`. The cases are built as the EM bank builds them
/// (Benchmarks/Sources/em-bank/Cases.swift), so a failure here can be
/// reproduced there by name.
@Suite("Projected M-step: to its own fixed point, or an error when it cycles")
struct ProjectedFixedPointTests {
    /// The sample as the bank prepares it, and its noise anchors.
    static let sample = try! PreparedSweep(sweep: SharedRuns.sweep.completedRuns(), selection: .reference)
    static let anchors = try! NoiseFloor(sweep: sample, noise: SharedRuns.fixedNoise).noiseShare
    static let clamped = anchors.map { $0.map { Swift.min(Swift.max($0, 1e-3), 0.999) } }
    static let sampleS = BLASThreading.withThreadCount(1) { sample.z.gram(alpha: 1 / Double(sample.z.rows)) }

    /// The fit the bank's family `a` is drawn from: the sample with its fixed-subset noise file,
    /// ψ anchored, nnls (Benchmarks/Sources/em-bank/Cases.swift).
    static let source: AnalysisResult = {
        var options = AnalysisOptions()
        options.psiModel = .anchored
        return try! Analysis(sweep: SharedRuns.sweep, noise: SharedRuns.fixedNoise, options: options).run()
    }()

    /// The bank's `a/sim-<i>`: 242 runs drawn from ``source`` (seed 1000 + i), `S = ZᵀZ/n`.
    static func simulated(_ i: Int) -> Matrix {
        let result = source
        let z = FactorModelDraws.simulate(loadings: result.loadings, psi: result.psi, runs: 242, seed: UInt64(1000 + i))
        let standardized = try! z.standardized(ddof: 0).z
        return BLASThreading.withThreadCount(1) { standardized.gram(alpha: 1 / 242) }
    }

    /// The bank's `b/boot-<i>`: the sample's runs drawn with replacement (seed 2000 + i), re-standardized.
    static func bootstrap(_ i: Int) -> Matrix {
        let z = sample.z
        var rng = Xoshiro256StarStar(seed: UInt64(2000 + i))
        var out = Matrix(rows: z.rows, columns: z.columns)
        for r in 0..<z.rows {
            let source = Int(rng.next() % UInt64(z.rows))
            for t in 0..<z.columns { out[r, t] = z[source, t] }
        }
        let standardized = try! out.standardized(ddof: 0).z
        return BLASThreading.withThreadCount(1) { standardized.gram(alpha: 1 / Double(z.rows)) }
    }

    static func projected(_ s: Matrix, k: Int, options: FitOptions = FitOptions()) throws -> FactorModel {
        var o = options
        o.factors = k
        o.mStep = .projected
        return try FactorModel(covariance: s, observations: 242, k: k, anchors: anchors, options: o)
    }

    @Test("The default estimator is nnls, and the analysis says so")
    func defaultIsNNLS() throws {
        #expect(FitOptions().mStep == .nnls)
        #expect(FitOptions.reference.mStep == .projected)
        let result = try #require(SharedRuns.defaults[.fixed])
        #expect(result.em.mStep == .nnls)
        let json = try #require(try JSONSerialization.jsonObject(with: JSONCoding.encode(result.em)) as? [String: Any])
        #expect(json["m_step"] as? String == "nnls")
        #expect(json["m_step_fallback"] == nil)
    }

    /// Crawling cases of the bank's sample-simulated family (ρ → 1 for the
    /// projected map): the accelerated fit stops at a point one map step moves by
    /// < 1e-7. On `a/sim-3` it is the fixed point; on `a/sim-7` and `a/sim-19` the
    /// 2,000-step check sees a drift the estimated distance missed, and the
    /// fixed-point equation is solved (``ProjectedFixedPointNewton``); on `a/sim-19`
    /// (weakly identified) the drift is a rotation of the loadings, followed to the
    /// loading that stops it (``RotationDrift``) first (numbers:
    /// Docs/decisions/projected-estimator.md).
    @Test("Crawling projected maps reach a fixed point of the clipped map", arguments: [3, 19, 7])
    func crawlsToFixedPoint(_ i: Int) throws {
        let s = Self.simulated(i), k = Self.source.k
        let fast = try Self.projected(s, k: k)
        let d = fast.diagnostics
        #expect(d.mStep == .projected)
        #expect(d.iterations <= 75_000, "a/sim-\(i): \(d.iterations) evaluations")
        // a/sim-3 converges by the accelerated iteration, a/sim-7 and a/sim-19 by the solve,
        // and each says how.
        #expect(d.converged, "a/sim-\(i): converged \(d.converged)")
        #expect(d.projectedDrift == nil)
        #expect((d.projectedFixedPointSolved == true) == (i != 3), "a/sim-\(i): solved \(String(describing: d.projectedFixedPointSolved))")
        // Only a/sim-19's crawl is a rotation that a loading stops (on a/sim-7 the push reverses at once).
        #expect((d.projectedRotationFollowed != nil) == (i == 19), "a/sim-\(i): \(String(describing: d.projectedRotationFollowed))")
        if i == 19 {
            let degrees = try #require(d.projectedRotationFollowed)
            #expect(degrees > 0.5 && degrees < 5, "a/sim-19: followed \(degrees)°")
        }
        // The reference's plain clipped iteration, started at the answer, stays there.
        var plainOptions = FitOptions(stopRule: .step(tolerance: 1e-300), maxIterations: 20_000, acceleration: .none)
        plainOptions.initialLoadings = fast.loadings.rowArrays
        let plain = try Self.projected(s, k: k, options: plainOptions)
        let gap = zip(fast.loadings.elements, plain.loadings.elements).map { abs($0 - $1) }.max() ?? .nan
        print("a/sim-\(i) projected: \(d.iterations) evaluations; 20,000 plain steps from the answer move Λ by \(gap)")
        #expect(gap <= 1e-6, "a/sim-\(i): max |ΔΛ| = \(gap)")
        // One map step from it moves Λ by less than the stop tolerance, and by rounding only
        // where the equation was solved.
        var map = CovarianceEMMap(s: s, n: 242, k: k, anchors: Self.clamped, mStep: .projected, psiFloor: 1e-6)
        let x = FactorParameters(lambda: fast.loadings.elements, psi: fast.psi)
        var next = x
        _ = try map.evaluate(x, into: &next)
        let oneStep = zip(x.lambda, next.lambda).map { abs($0 - $1) }.max()!
        #expect(oneStep < (d.projectedFixedPointSolved == true ? 1e-12 : 1e-7), "a/sim-\(i): one step moves Λ by \(oneStep)")
    }

    /// The reference's own answer on `a/sim-19`: its plain clipped iteration, run on from
    /// where the accelerated iteration met its stop, drifts along the rotation until a loading
    /// reaches 0, then settles — on the point the solve reached (numbers:
    /// Docs/decisions/projected-estimator.md).
    @Test("On a/sim-19 the plain clipped iteration ends where the solve went")
    func plainIterationEndsAtTheSolvedPoint() throws {
        let s = Self.simulated(19), k = Self.source.k
        let solved = try Self.projected(s, k: k)
        var unchecked = FitOptions()
        unchecked.tuning.projectedVerification = 0
        let crawl = try Self.projected(s, k: k, options: unchecked)
        #expect(crawl.diagnostics.converged && crawl.diagnostics.projectedFixedPointSolved == nil)
        let start = zip(crawl.loadings.elements, solved.loadings.elements).map { abs($0 - $1) }.max()!
        #expect(start > 1e-2, "the crawl's stop is \(start) from the fixed point")
        var map = CovarianceEMMap(s: s, n: 242, k: k, anchors: Self.clamped, mStep: .projected, psiFloor: 1e-6)
        var x = FactorParameters(lambda: crawl.loadings.elements, psi: crawl.psi), next = x
        try BLASThreading.withThreadCount(1) { () throws(AnalysisError) in
            for _ in 0..<1_000_000 {
                _ = try map.evaluate(x, into: &next)
                swap(&x, &next)
            }
        }
        let gap = zip(x.lambda, solved.loadings.elements).map { abs($0 - $1) }.max()!
        let psiGap = zip(x.psi, solved.psi).map { abs($0 - $1) }.max()!
        print("a/sim-19: 10⁶ plain steps from the crawl's stop end \(gap) (Λ), \(psiGap) (ψ) from the solved point")
        // The drift ended where one more loading reached 0.
        #expect(solved.loadings.elements.filter { $0 == 0 }.count == crawl.loadings.elements.filter { $0 == 0 }.count + 1)
        #expect(gap <= 1e-6 && psiGap <= 1e-6, "a/sim-19: max |ΔΛ| = \(gap), max |Δψ| = \(psiGap)")
    }

    @Test("A projected map that cycles between clipped points ends with an error naming --m-step nnls",
          arguments: ["b/boot-21", "d/sample-k8-fixed"])
    func cycleIsAnError(_ name: String) throws {
        let (s, k) = name == "b/boot-21" ? (Self.bootstrap(21), 4) : (Self.sampleS, 8)
        do {
            _ = try Self.projected(s, k: k)
            Issue.record("\(name): expected the cycle error")
        } catch let error as AnalysisError {
            guard case let .projectedMapCycles(evaluations, returns, residual) = error else {
                Issue.record("\(name): \(error)")
                return
            }
            print("\(name): cycles after \(evaluations) evaluations, \(returns) returns, residual \(residual)")
            #expect(returns >= BoundCycleWatch.cyclingReturns)
            #expect(evaluations >= FitOptions().tuning.projectedStall && evaluations <= 30_000)
            #expect("\(error)".contains("--m-step nnls"))
        }
        // The default estimator fits the same data.
        var o = FitOptions(factors: k)
        o.mStep = .nnls
        let nnls = try FactorModel(covariance: s, observations: 242, k: k, anchors: Self.anchors, options: o)
        #expect(nnls.diagnostics.converged && nnls.diagnostics.mStep == .nnls)
    }

    @Test("The watch: a cycle needs both the returns and the stall")
    func watchRule() {
        var watch = BoundCycleWatch(stall: 1000)
        var fired = false
        // Two active sets alternating at a flat residual: cycling from the first block on.
        for e in 1...3000 {
            let on = FactorParameters(lambda: [0.5, 0], psi: [0.5, 0.5])
            let off = FactorParameters(lambda: [0, 0.5 + 1e-3 * Double(e % 2)], psi: [0.5, 0.5])
            let (x, y) = e % 2 == 0 ? (on, off) : (off, on)
            if watch.observe(evaluation: e, from: x, to: y, loadingStep: 0.5) { fired = true; break }
        }
        #expect(fired && watch.cycles)
        // A steady crawl on one active set never fires.
        var crawl = BoundCycleWatch(stall: 1000)
        var crawled = false
        for e in 1...5000 {
            let x = FactorParameters(lambda: [0.5, 0], psi: [0.5, 0.5])
            if crawl.observe(evaluation: e, from: x, to: x, loadingStep: 1e-5) { crawled = true }
        }
        #expect(!crawled && !crawl.cycles)
    }
}
