import Foundation
@testable import IRTModel
import Linalg
import Testing

/// Our own fits (not R's parameters) against R: free-loading ML parity with
/// factanal and psych; the start check; Heywood cases; the fit card's pieces.
@Suite("Model fit: free-loading ML against R, starts, Heywood cases")
struct ModelFitTests {
    /// A free-loading ML fit of a correlation matrix, converged tightly.
    static func freeFit(_ r: Matrix, n: Int, k: Int) throws -> FactorModel {
        var o = FitOptions(factors: k, stopRule: .estimatedDistance(tolerance: 1e-9), maxIterations: 200_000)
        o.loadings = .free
        return try FactorModel(covariance: r, observations: n, k: k, anchors: [Double?](repeating: nil, count: r.rows),
                               options: o)
    }

    @Test("--loadings free reproduces factanal: ψ within 1e-4, Bartlett χ² within 0.1%, df equal",
          arguments: FactanalCase.all)
    func factanalParity(_ c: FactanalCase) throws {
        let ref = c.reference
        let fit = try Self.freeFit(c.correlation, n: ref.n_obs, k: ref.factors)
        let psiGap = zip(fit.psi, ref.uniquenesses).map { abs($0 - $1) }.max()!
        let stats = try FitStatistics(sampleCovariance: c.correlation, observations: ref.n_obs, loadings: fit.loadings,
                                      uniquenesses: fit.psi)
        print("\(c.testDescription): ψ max gap \(psiGap), χ²_B \(stats.chiSquareBartlett) vs R \(ref.statistic), df \(stats.degreesOfFreedom) vs \(ref.dof), EM \(fit.diagnostics.iterations) evaluations")
        #expect(psiGap < 1e-4)
        #expect(close(stats.chiSquareBartlett, ref.statistic, rel: 1e-3))
        #expect(stats.degreesOfFreedom == ref.dof)
        // Λ is identified up to rotation: compare ΛΛᵀ.
        let ours = try fit.loadings.multiplied(by: fit.loadings, transposingOther: .transpose)
        let theirs = try Matrix(rows: ref.loadings)
        let theirsOuter = try theirs.multiplied(by: theirs, transposingOther: .transpose)
        #expect(try ours.maxAbsDifference(theirsOuter) < 1e-3)
    }

    @Test("psych::fa(fm = ml) on Harman74, k = 4: RMSEA and interval, TLI, RMSR within 1e-3, BIC within 0.5")
    func psychParity() throws {
        let ref = RReference.shared.psych_fa["harman74_k4"]!
        let fit = try Self.freeFit(RFixtures.harman74, n: 145, k: 4)
        let s = try FitStatistics(sampleCovariance: RFixtures.harman74, observations: 145, loadings: fit.loadings,
                                  uniquenesses: fit.psi)
        let rmsea = try #require(s.rmsea)
        print("Harman74 k=4: RMSEA \(rmsea.estimate) [\(rmsea.lower), \(rmsea.upper)] vs \(ref.rmsea.estimate) [\(ref.rmsea.lower), \(ref.rmsea.upper)]; TLI \(s.tli) vs \(ref.tli); RMSR \(s.rmsr) vs \(ref.rms); BIC \(s.bic) vs \(ref.bic)")
        #expect(abs(rmsea.estimate - ref.rmsea.estimate) < 1e-3)
        #expect(abs(rmsea.lower - ref.rmsea.lower) < 1e-3 && abs(rmsea.upper - ref.rmsea.upper) < 1e-3)
        #expect(abs(s.tli - ref.tli) < 1e-3)
        #expect(abs(s.rmsr - ref.rms) < 1e-3)
        #expect(abs(s.bic - ref.bic) < 0.5)
    }

    /// Holzinger–Swineford x1–x9 as an analysis input (run names from `id`).
    static func holzingerSwineford() throws -> EvalMatrix {
        let text = try String(contentsOf: RFixtures.url("holzinger_swineford", "csv"), encoding: .utf8)
        return try EvalMatrix(csv: text, source: "holzinger_swineford.csv", runColumn: "id")
    }

    static func hsOptions(starts: Int = 1, check: Int = 8) -> AnalysisOptions {
        var o = AnalysisOptions(selection: .columns((1...9).map { "x\($0)" }, direction: .higherIsBetter), draws: 20,
                                threads: 1, fit: FitOptions(factors: 3), heldOutMetrics: [])
        o.starts = starts
        o.startCheck = check
        o.assessFit = false
        return o
    }

    @Test("Holzinger–Swineford, k = 3, Λ ≥ 0: the start check finds the better optimum, reports it and says so; 16 starts return it")
    func startCheck() throws {
        let sweep = try Self.holzingerSwineford()
        let one = try Analysis(sweep: sweep, options: Self.hsOptions()).run()
        let sixteen = try Analysis(sweep: sweep, options: Self.hsOptions(starts: 16)).run()
        print("HS k=3: default start ℓ = \(one.fit.starts.logLikelihoods), check best \(String(describing: one.fit.starts.checkBestLogLikelihood)), reported \(one.em.logLikelihood); 16 starts: ℓ = \(sixteen.em.logLikelihood), \(sixteen.fit.starts.reachedBest) reached it, best start \(sixteen.fit.starts.best)")
        // The default start stops at −3396.3120; a converged check start reaches −3396.2875 and is reported.
        #expect(abs(one.fit.starts.logLikelihoods[0] - -3396.3120) < 1e-3)
        #expect(abs(one.em.logLikelihood - -3396.2874) < 1e-3)
        #expect(one.fit.starts.adoptedCheckStart != nil)
        let said = one.warnings.filter { $0.kind == .betterOptimumFound }
        #expect(said.map(\.remedies) == [[.moreStarts(16)]])
        #expect(said.first?.message.contains("is the one reported") == true)
        #expect(abs(sixteen.em.logLikelihood - -3396.2874) < 1e-3)
        #expect(sixteen.fit.starts.requested == 16 && sixteen.fit.starts.reachedBest >= 1)
        #expect(sixteen.warnings.contains { $0.kind == .startsCompared })
        #expect(!sixteen.warnings.contains { $0.kind == .betterOptimumFound })
        // Extra starts are not counted in em.iterations.
        #expect(sixteen.em.iterations == sixteen.fit.starts.iterations[sixteen.fit.starts.best - 1])
    }

    @Test("A task with a loading of about 1 is a Heywood case, warned about by name")
    func heywood() throws {
        // Task 1 is factor 1 itself, up to 0.1% noise; tasks 2–6 load 0.6–0.8.
        var rng = Xoshiro256StarStar(seed: 9)
        var normal = NormalSampler()
        let n = 400, loadings = [0.9995, 0.8, 0.7, 0.75, 0.6, 0.65]
        var csv = "run_name," + (1...6).map { "t\($0)" }.joined(separator: ",") + "\n"
        for r in 0..<n {
            let theta = normal.next(using: &rng)
            let row = loadings.map { l in l * theta + (1 - l * l).squareRoot() * normal.next(using: &rng) }
            csv += "r\(r)," + row.map(\.description).joined(separator: ",") + "\n"
        }
        let options = AnalysisOptions(selection: .allNumeric(), draws: 20, threads: 1, fit: FitOptions(factors: 1),
                                      heldOutMetrics: []).withoutFitChecks
        let result = try Analysis(sweep: EvalMatrix(csv: csv, source: "heywood.csv"), options: options).run()
        let warning = try #require(result.warnings.first { $0.kind == .heywoodCase })
        #expect(warning.subjects == ["t1"])
        #expect(result.psi[0] < 0.005)
    }

    @Test("The fit card's statistics equal a direct computation on the result's own Λ, ψ and R")
    func fitMatchesDirect() throws {
        let r = try #require(SharedRuns.defaults[.fixed])
        let s = try #require(r.fit.statistics)
        // Direct: F = log|Σ| − log|R| + tr(Σ⁻¹R) − p from Linalg's Cholesky, R from the prepared z.
        let prepared = try PreparedSweep(sweep: SharedRuns.sweep.completedRuns(), selection: .reference)
        let corr = prepared.z.correlationOfStandardizedColumns()
        let lambda = try Matrix(rows: r.loadings)
        var sigma = try lambda.multiplied(by: lambda, transposingOther: .transpose)
        for i in 0..<r.nTasks { sigma[i, i] += r.psi[i] }
        let cs = try Cholesky(sigma), cr = try Cholesky(corr)
        let inv = try cs.solve(corr)
        let trace = (0..<r.nTasks).reduce(0.0) { $0 + inv[$1, $1] }
        let f = cs.logDeterminant - cr.logDeterminant + trace - Double(r.nTasks)
        #expect(close(s.objective, f, rel: 1e-9))
        // Anchored ψ are no parameters; under the default ψ model (floor) every ψ is estimated.
        let free = r.psiModel == .anchored ? r.noiseShare.filter { $0 == nil }.count : r.nTasks
        #expect(s.degreesOfFreedom == FactorCountChoice.degreesOfFreedom(p: r.nTasks, k: r.k, freeUniquenesses: free))
        #expect(close(s.logLikelihood, r.em.logLikelihood, rel: 1e-9))
        // k ± 1 neighbours and the cost of non-negativity are there, and the largest residuals are sorted.
        #expect(r.fit.neighbours.map(\.k) == [r.k - 1, r.k + 1])
        let cost = try #require(r.fit.nonNegativityCost)
        #expect(cost.difference > -1e-6 && cost.likelihoodRatio == 2 * cost.difference)
        let sizes = r.fit.largestResiduals.map { abs($0.value) }
        #expect(sizes == sizes.sorted(by: >) && sizes.count == 15)
    }

    @Test("Ledermann's bound caps k with a warning")
    func ledermann() throws {
        #expect(FactorCountChoice.ledermannBound(p: 4, freeUniquenesses: 4) == 1)
        #expect(FactorCountChoice.ledermannBound(p: 9, freeUniquenesses: 9) == 5)
        #expect(FactorCountChoice.ledermannBound(p: 4, freeUniquenesses: 0) == 4)   // anchored ψ are no parameters
        #expect(FactorCountChoice.degreesOfFreedom(p: 9, k: 3, freeUniquenesses: 9) == 12)
        let sweep = try Self.holzingerSwineford()
        var o = Self.hsOptions(check: 0)
        o.selection = .columns(["x1", "x2", "x3", "x4"], direction: .higherIsBetter)
        o.fit.factors = 3
        let r = try Analysis(sweep: sweep, options: o).run()
        #expect(r.k == 1 && r.kChoice.capped == 3)
        #expect(r.warnings.contains { $0.kind == .factorsCapped })
    }

    @Test("Free loadings, all ψ free: the fit card's F, df and ℓ equal a direct computation; no cost line")
    func freeMatchesDirect() throws {
        var o = Self.hsOptions(check: 0)
        o.fit.loadings = .free
        let r = try Analysis(sweep: Self.holzingerSwineford(), options: o).run()
        let s = try #require(r.fit.statistics)
        let prepared = try PreparedSweep(sweep: Self.holzingerSwineford(),
                                         selection: .columns((1...9).map { "x\($0)" }, direction: .higherIsBetter))
        let corr = prepared.z.correlationOfStandardizedColumns()
        let lambda = try Matrix(rows: r.loadings)
        var sigma = try lambda.multiplied(by: lambda, transposingOther: .transpose)
        for i in 0..<r.nTasks { sigma[i, i] += r.psi[i] }
        let cs = try Cholesky(sigma), cr = try Cholesky(corr)
        let inv = try cs.solve(corr)
        let trace = (0..<r.nTasks).reduce(0.0) { $0 + inv[$1, $1] }
        #expect(close(s.objective, cs.logDeterminant - cr.logDeterminant + trace - 9, rel: 1e-9))
        #expect(s.degreesOfFreedom == 12)
        let n = Double(r.nRuns)
        let direct = -n / 2 * (9 * log(2 * Double.pi) + cs.logDeterminant + trace)
        #expect(close(s.logLikelihood, direct, rel: 1e-12))
        #expect(r.fit.nonNegativityCost == nil)
        // Same ψ as factanal at k = 3 (the loadings differ only by a rotation).
        let ref = RReference.shared.factanal["holzinger_swineford"]![2]
        #expect(zip(r.psi, ref.uniquenesses).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    /// A fit card with only a free-fit comparison (no statistics).
    static func card(free: Double, nonnegative: Double) -> FitAssessment {
        let starts = FitAssessment.Starts(requested: 1, best: 1, reachedBest: 1, logLikelihoods: [nonnegative], iterations: [1],
                                     checkStarts: 0, checkBestLogLikelihood: nil, checkGain: nil)
        let cost = FitAssessment.NonNegativityCost(freeConverged: true, freeLogLikelihood: free, nonnegativeLogLikelihood: nonnegative,
                                              difference: free - nonnegative, likelihoodRatio: 2 * (free - nonnegative),
                                              bentTasks: [])
        return FitAssessment(statistics: nil, unavailable: nil, neighbours: [], largestResiduals: [], starts: starts,
                        nonNegativityCost: cost)
    }

    @Test("a free fit that ends below the non-negative one is a warning, not a negative cost",
          arguments: [(-292.43, -1952.76, true), (-292.43, -292.4300001, false), (-292.43, -250.0, false)])
    func freeFitBelow(nonnegative: Double, free: Double, warned: Bool) {
        let card = Self.card(free: free, nonnegative: nonnegative)
        #expect(card.nonNegativityCost?.isMeasured == !warned)
        let warnings = Analysis.fitQualityWarnings(card, anchored: false)
        #expect(warnings.contains { $0.kind == .freeFitBelowNonnegative } == warned)
        if let warning = warnings.first(where: { $0.kind == .freeFitBelowNonnegative }) {
            #expect(warning.subjects.isEmpty && warning.remedies == [.freeLoadingsWithStarts(16)])
        }
    }
}
