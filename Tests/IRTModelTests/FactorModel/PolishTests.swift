import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// The quasi-Newton polish's own exits, and the analysis's pool of fits.
@Suite("Quasi-Newton polish: giving up where ℓ is flat; the pool of independent fits")
struct PolishTests {
    /// The nnls map of the bundled sample's first `p` tasks with `k` factors and free ψ.
    static func sampleMap(p: Int, k: Int) -> CovarianceEMMap {
        let z = EMBankTests.sampleZ
        var columns = [Double]()
        for j in 0..<p { for i in 0..<z.rows { columns.append(z[i, j]) } }
        let sub = try! Matrix(rows: z.rows, columns: p, columnMajor: columns)
        return CovarianceEMMap(s: sub.gram(alpha: 1 / Double(z.rows)), n: z.rows, k: k,
                               anchors: [Double?](repeating: nil, count: p), mStep: .nnls, psiFloor: 1e-6)
    }

    /// `x` after `steps` plain EM steps from `|N(0, 0.1²)|`-like loadings.
    static func warmed(map: inout CovarianceEMMap, p: Int, k: Int, steps: Int) throws -> FactorParameters {
        let lambda: [Double] = (0..<(p * k)).map { (i: Int) -> Double in 0.05 + 0.025 * Double((i * 7) % 5) }
        var x = FactorParameters(lambda: lambda, psi: [Double](repeating: 0.5, count: p))
        var next = x
        for _ in 0..<steps { _ = try map.evaluate(x, into: &next); swap(&x, &next) }
        return x
    }

    @Test("With as many factors as tasks (hundreds of flat rotations) the polish gives up early, never below its start",
          arguments: [(10, 10), (12, 12)])
    func futileStepsEndThePolish(p: Int, k: Int) throws {
        var map = Self.sampleMap(p: p, k: k)
        let start = try Self.warmed(map: &map, p: p, k: k, steps: 200)
        var scratch = start
        let before = try map.evaluate(start, into: &scratch)
        var run = EMRun(options: FitOptions(factors: k), progress: nil)
        let budget = 3000
        let (point, converged) = try run.quasiNewton(from: start, map: &map, budget: budget)
        let after = try map.evaluate(point, into: &scratch)
        // Each futile step costs a few halvings at most (its line search starts
        // from the last α), so the exit comes long before the budget.
        #expect(!converged)
        #expect(run.iterations < budget / 3, "the polish used \(run.iterations) of \(budget) evaluations")
        #expect(after >= before - 1e-9 * abs(before))
        // The fit's later polishes measure their own scale.
        #expect(run.polishMetric == .scaledIdentity)
    }

    @Test("After a futile polish, H₀ = γI climbs where the Fisher blocks cannot (same start, same budget)",
          arguments: [(10, 10), (12, 12)])
    func scaledIdentityClimbs(p: Int, k: Int) throws {
        var map = Self.sampleMap(p: p, k: k)
        let start = try Self.warmed(map: &map, p: p, k: k, steps: 200)
        var scratch = start
        var fisher = EMRun(options: FitOptions(factors: k), progress: nil)
        let (stuck, _) = try fisher.quasiNewton(from: start, map: &map, budget: 3000)
        let atStuck = try map.evaluate(stuck, into: &scratch)
        let budget = 500
        // Again with the blocks, from where the first polish gave up…
        var again = EMRun(options: FitOptions(factors: k), progress: nil)
        let (blocksEnd, _) = try again.quasiNewton(from: stuck, map: &map, budget: budget)
        let byBlocks = try map.evaluate(blocksEnd, into: &scratch)
        // …and with γI, as the fit's next polish.
        #expect(fisher.polishMetric == .scaledIdentity)
        let used = fisher.iterations
        let (scaledEnd, _) = try fisher.quasiNewton(from: stuck, map: &map, budget: budget)
        let byScaled = try map.evaluate(scaledEnd, into: &scratch)
        #expect(fisher.iterations - used > again.iterations, "γI kept climbing for longer than the blocks")
        #expect(byScaled > byBlocks + 1e-6 * abs(atStuck), "ℓ: start \(atStuck), blocks \(byBlocks), γI \(byScaled)")
    }

    @Test("A polish on a well-posed fit still runs to its stop (k = 2 on 10 tasks)")
    func wellPosedPolishConverges() throws {
        var map = Self.sampleMap(p: 10, k: 2)
        let start = try Self.warmed(map: &map, p: 10, k: 2, steps: 50)
        var run = EMRun(options: FitOptions(factors: 2), progress: nil)
        let (_, converged) = try run.quasiNewton(from: start, map: &map, budget: 3000)
        #expect(converged)
        #expect(run.iterations < 3000)
    }

    @Test("H₀ in its shared form (one factor of W = I − V) equals the dense blocks' solve and product",
          arguments: [(8, 1, false), (10, 3, false), (10, 3, true), (12, 5, true)])
    func sharedInformationMatchesDenseBlocks(p: Int, k: Int, someFixed: Bool) throws {
        let z = SyntheticSweep(runs: 90, tasks: p, factors: k, seed: 21, noiseRuns: 0).signedScores()
        let anchors: [Double?] = (0..<p).map { $0 % 4 == 3 ? 0.3 : nil }
        var map = CovarianceEMMap(s: z.gram(alpha: 1 / Double(z.rows)), n: z.rows, k: k, anchors: anchors,
                                  mStep: .nnls, psiFloor: 1e-6)
        var generator = Xoshiro256StarStar(seed: 5)
        var x = EMGradientTests.point(p: p, k: k, smallestPsi: 1e-3)
        for i in x.lambda.indices { x.lambda[i] = Double.random(in: 0.05...0.8, using: &generator) }
        var g = x
        _ = try map.gradient(x, into: &g)
        var blocks = [Double](repeating: 0, count: p * (k + 1) * (k + 1))
        map.informationBlocks(x, into: &blocks)
        var shared = SharedInformation(p: p, k: k)
        #expect(map.sharedInformation(x, into: &shared))
        let prepared = shared.prepare()
        #expect(prepared)
        let count = p * k + p
        // Fixed: anchored ψ, and (someFixed) a few loadings at the bound and a ψ at its floor.
        let fixed = (0..<count).map { i in
            i >= p * k ? anchors[i - p * k] != nil || (someFixed && i - p * k == 0) : someFixed && i % 7 == 2
        }
        let r = (0..<count).map { fixed[$0] ? 0 : Double.random(in: -1...1, using: &generator) }
        var dense = BlockSolver(order: k + 1)
        var expected = r, actual = r
        dense.apply(blocks: blocks, to: &expected, fixed: fixed, p: p, k: k)
        shared.apply(to: &actual, fixed: fixed)
        let scale = expected.map(abs).max()!
        // (The dense solve adds a ridge of 1e-12 of each block's trace.)
        for i in 0..<count { #expect(abs(actual[i] - expected[i]) <= 1e-6 * scale, "H₀ coordinate \(i)") }
        var product = r, denseProduct = r
        dense.multiply(blocks: blocks, r, into: &denseProduct, fixed: fixed, p: p, k: k)
        shared.multiply(r, into: &product, fixed: fixed)
        let productScale = denseProduct.map(abs).max()!
        for i in 0..<count { #expect(abs(product[i] - denseProduct[i]) <= 1e-12 * productScale, "B₀ coordinate \(i)") }
        // H₀ B₀ r = r on the free coordinates.
        shared.apply(to: &product, fixed: fixed)
        for i in 0..<count { #expect(abs(product[i] - r[i]) <= 1e-7, "round trip \(i)") }
    }

    @Test("A factor with no loadings makes W singular: the shared form declines and the polish uses the dense blocks")
    func singularWDeclines() throws {
        let p = 8, k = 2
        let z = SyntheticSweep(runs: 60, tasks: p, factors: 1, seed: 2, noiseRuns: 0).signedScores()
        var map = CovarianceEMMap(s: z.gram(alpha: 1 / Double(z.rows)), n: z.rows, k: k,
                                  anchors: [Double?](repeating: nil, count: p), mStep: .nnls, psiFloor: 1e-6)
        var x = EMGradientTests.point(p: p, k: k, smallestPsi: 0.2)
        for t in 0..<p { x.lambda[t + p] = 0 }
        var g = x
        _ = try map.gradient(x, into: &g)
        var shared = SharedInformation(p: p, k: k)
        #expect(map.sharedInformation(x, into: &shared))
        let declined = !shared.prepare()
        #expect(declined)
        var h0 = PolishPreconditioner(p: p, k: k)
        h0.load(x, from: &map)
        var q = (0..<(p * k + p)).map { Double($0 % 3) - 1 }
        h0.apply(to: &q, fixed: [Bool](repeating: false, count: p * k + p))
        #expect(q.allSatisfy { $0.isFinite })
    }

    @Test("Anderson with memory 0 (plain EM under the safeguard) and 1 fits without trapping", arguments: [0, 1])
    func andersonSmallMemory(memory: Int) throws {
        let z = SyntheticSweep(runs: 60, tasks: 8, factors: 2, seed: 2, noiseRuns: 0).signedScores()
        var options = FitOptions(factors: 2)
        options.tuning.andersonMemory = memory
        options.maxIterations = 20_000
        let fit = try FactorModel(covariance: z.gram(alpha: 1 / Double(z.rows)), observations: z.rows, k: 2,
                                  anchors: [Double?](repeating: nil, count: 8), options: options)
        #expect(fit.diagnostics.logLikelihood.isFinite)
        #expect(fit.diagnostics.iterations > 0)
    }

    @Test("An EM tuning written before a constant existed still decodes, with that constant's default")
    func tuningDecodesOlderFiles() throws {
        var tuning = EMTuning()
        tuning.andersonMemory = 5
        var object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(tuning)) as! [String: Any]
        object["quasiNewtonShortSteps"] = nil
        object["quasiNewtonShortStep"] = nil
        let decoded = try JSONDecoder().decode(EMTuning.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(decoded.andersonMemory == 5)
        #expect(decoded.quasiNewtonShortSteps == EMTuning().quasiNewtonShortSteps)
        #expect(try JSONDecoder().decode(EMTuning.self, from: try JSONEncoder().encode(tuning)) == tuning)
    }

    @Test("A default start that fails ends the pooled fits: the error is the analysis's and later fits are skipped")
    func failedMainFitSkipsTheRest() throws {
        let started = Counter()
        let fit = { @Sendable (o: FitOptions, _: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in
            started.increment()
            throw AnalysisError.numerical(.notPositiveDefinite(minor: 1))
        }
        var free = FitOptions(factors: 2)
        free.loadings = .free
        #expect(throws: AnalysisError.self) {
            _ = try MultiStartFit(options: FitOptions(factors: 2), starts: 1, check: 8, progress: nil, threads: 1,
                                  companions: [free], fit: fit)
        }
        // One thread: the default start runs first, fails, and nothing else starts.
        #expect(started.value == 1)
    }

    static let sample = try! PreparedSweep(sweep: SharedRuns.sweep.completedRuns(), selection: .reference)

    @Test("Fewer runs than tasks: k ± 1 are listed as undefined without a fit; more runs: they are fitted",
          arguments: [(5, 12), (40, 12)])
    func neighboursFollowTheShape(n: Int, p: Int) throws {
        let z = SyntheticSweep(runs: n, tasks: p, factors: 2, seed: 3, noiseRuns: 0).signedScores()
        let s: Matrix? = n > p ? z.gram(alpha: 1 / Double(n)) : nil
        let plan = FitAssessment.AuxiliaryPlan(s: s, n: n, p: p, k: 2, anchors: [Double?](repeating: nil, count: p),
                                          options: FitOptions(factors: 2), neighbours: true, cost: true, pairwise: false)
        if n > p {
            #expect(plan.neighbourKs == [1, 3])
            #expect(plan.unfitted.isEmpty)
            #expect(plan.jobs.map(\.factors) == [1, 3, 2])
        } else {
            #expect(plan.neighbourKs.isEmpty)
            #expect(plan.unfitted.map(\.k) == [1, 3])
            // Why they are undefined is said only in words.
            #expect(plan.unfitted.allSatisfy { $0.unavailable?.contains("singular") == true && $0.statistics == nil })
            #expect(plan.jobs.count == 1)
        }
        #expect(plan.freeFit && plan.jobs.last?.loadings == .free)
    }

    @Test("The default start, the check's starts and the companions share one pool: the same fits for 1 and 2 threads and as run alone")
    func pooledFitsAreTheFitsAlone() throws {
        let z = Self.sample.z
        let s = BLASThreading.withThreadCount(1) { z.gram(alpha: 1 / Double(z.rows)) }
        let fit = { @Sendable (o: FitOptions, _: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) -> FactorModel in
            try FactorModel(covariance: s, observations: z.rows, k: o.factors ?? 3,
                            anchors: [Double?](repeating: nil, count: s.rows), options: o)
        }
        var options = FitOptions(factors: 3)
        options.maxIterations = 5000
        var free = MultiStartFit.auxiliary(options, seed: options.initSeed)
        free.loadings = .free
        let one = try MultiStartFit(options: options, starts: 1, check: 2, progress: nil, threads: 1, companions: [free], fit: fit)
        let two = try MultiStartFit(options: options, starts: 1, check: 2, progress: nil, threads: 2, companions: [free], fit: fit)
        #expect(one.model.loadings == two.model.loadings)
        #expect(one.starts == two.starts)
        let alone = try BLASThreading.withThreadCount(1) { () throws(AnalysisError) in try fit(free, nil) }
        for pooled in [one, two] {
            #expect(pooled.companionFits.count == 1)
            let model = try pooled.companionFits[0].get()
            #expect(model.loadings == alone.loadings)
            #expect(model.diagnostics.logLikelihood == alone.diagnostics.logLikelihood)
        }
        let main = try BLASThreading.withThreadCount(1) { () throws(AnalysisError) in try fit(options, nil) }
        #expect(one.model.loadings == main.loadings)
    }
}

/// A thread-safe count of calls.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    func increment() { lock.lock(); count += 1; lock.unlock() }
}
