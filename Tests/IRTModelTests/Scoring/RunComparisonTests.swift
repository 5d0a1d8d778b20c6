import Foundation
import IRTModel
import Linalg
import Testing

/// `p_better` of two runs from the joint draws, against its closed forms; how
/// names are found in a model's sweep and in scored runs.
@Suite("RunComparison: is run A better than run B")
struct RunComparisonTests {
    static let draws = 4000

    /// Three Monte Carlo standard errors of a share of `draws`, plus 0.01.
    static func tolerance(_ p: Double) -> Double { 3 * (p * (1 - p) / Double(draws)).squareRoot() + 0.01 }

    /// Run `i` of `noise` as a member of the set `origin`.
    static func member(_ noise: AggregateNoise, _ i: Int, _ origin: RunComparison.Origin = .sweep,
                       name: String? = nil) -> RunComparison.Member {
        RunComparison.Member(
            run: RunComparison.Run(name: name ?? "\(origin.rawValue)_\(i)", origin: origin, aggregate: noise.aggregates[i],
                                   sd: noise.sds[i], coverage: 1),
            noise: noise, index: i)
    }

    static func compare(_ noise: AggregateNoise, _ i: Int, _ j: Int, seed: UInt64 = 42) -> RunComparison {
        RunComparison(a: member(noise, i), b: member(noise, j), draws: draws, seed: seed)
    }

    @Test("Posterior law: p_better = Φ(Δ/√(s_A² + s_B²)), the interval Δ ± z √(s_A² + s_B²)")
    func posteriorClosedForm() {
        let noise = AggregateNoise(aggregates: [0.30, 0.27, 0.25, 0.10, 0.31],
                                   law: .posterior(sds: [0.02, 0.03, 0.05, 0.01, 0.02]))
        for (i, j) in [(0, 1), (0, 2), (1, 2), (0, 3), (2, 4), (4, 0)] {
            let c = Self.compare(noise, i, j)
            let s = (noise.sds[i] * noise.sds[i] + noise.sds[j] * noise.sds[j]).squareRoot()
            let delta = noise.aggregates[i] - noise.aggregates[j]
            let exact = Normal.cdf(delta / s)
            #expect(abs(c.pBetter - exact) <= Self.tolerance(exact), "\(i) vs \(j): \(c.pBetter) vs \(exact)")
            #expect(abs(c.difference - delta) < 1e-15)
            // A percentile of 4,000 normal draws is within ~0.04 s of its value (one standard error).
            let z = Normal.quantile(0.975)
            #expect(abs(c.differenceInterval[0] - (delta - z * s)) < 0.15 * s)
            #expect(abs(c.differenceInterval[1] - (delta + z * s)) < 0.15 * s)
            #expect(c.source == .modelPosterior)
        }
    }

    @Test("Seed law with ν df and complete runs: p_better = F_t,ν(Δ/√(2σ̂²)), a t and not a normal")
    func seedClosedForm() {
        // ν = 2, the fewest the tool allows (3 replicate runs): the t's tails are heaviest.
        let variance = 0.02 * 0.02, nu = 2
        let noise = AggregateNoise(aggregates: [0, 0.02, 0.05, 0.08, -0.01],
                                   law: .seed(variance: variance, degreesOfFreedom: nu, extra: [0, 0, 0, 0, 0]))
        for (i, j) in [(1, 0), (2, 0), (3, 0), (0, 3), (2, 4), (3, 1)] {
            let c = Self.compare(noise, i, j)
            let t = (noise.aggregates[i] - noise.aggregates[j]) / (2 * variance).squareRoot()
            let exact = StudentT.cdf(t, degreesOfFreedom: nu)
            #expect(abs(c.pBetter - exact) <= Self.tolerance(exact), "\(i) vs \(j): \(c.pBetter) vs \(exact)")
            #expect(c.source == .seedReplicates)
        }
        // Δ = 0.08 is 2.83 σ√2: t₂ gives 0.947, a normal 0.998 — the draws follow the t.
        let far = Self.compare(noise, 3, 0).pBetter
        #expect(abs(far - Normal.cdf(0.08 / (2 * variance).squareRoot())) > Self.tolerance(far))
        // The minimum detectable difference is t_ν(0.975) √(2σ̂²).
        #expect(abs(Self.compare(noise, 0, 1).minDetectableDifference
            - StudentT.quantile(0.975, degreesOfFreedom: nu) * (2 * variance).squareRoot()) < 1e-12)
    }

    @Test("A sweep run against a scored run shares the draw's χ² scale: still F_t,ν, not the difference of two t's")
    func sharedScaleAcrossSets() {
        // ν = 1 makes the difference plain: shared, x_A − x_B = Δ + σ√2 t₁; with two
        // scales it would be Δ + σ(t₁ − t₁'), a Cauchy of scale 2σ.
        let variance = 0.01 * 0.01, nu = 1
        let sweep = AggregateNoise(aggregates: [0.00, 0.03, 0.10],
                                   law: .seed(variance: variance, degreesOfFreedom: nu, extra: [0, 0, 0]))
        let scored = AggregateNoise(aggregates: [0.02, 0.00],
                                    law: .seed(variance: variance, degreesOfFreedom: nu, extra: [0, 0]))
        let c = RunComparison(a: Self.member(scored, 0, .scored), b: Self.member(sweep, 0), draws: Self.draws)
        let sigma = variance.squareRoot()
        let shared = StudentT.cdf(0.02 / (sigma * 2.0.squareRoot()), degreesOfFreedom: 1)   // 0.804
        let unshared = 0.5 + atan(0.02 / (2 * sigma)) / Double.pi                         // 0.750
        #expect(abs(c.pBetter - shared) <= Self.tolerance(shared), "\(c.pBetter) vs \(shared)")
        #expect(abs(c.pBetter - unshared) > Self.tolerance(unshared), "\(c.pBetter) vs \(unshared)")
    }

    @Test("p(A, B) + p(B, A) = 1 exactly, the interval turns over; a run against an identical copy gives 0.5")
    func symmetryAndCopies() {
        let sweep = AggregateNoise(aggregates: [0.20, 0.21, 0.20, 0.05],
                                   law: .seed(variance: 0.0003, degreesOfFreedom: 9, extra: [0, 0.0001, 0, 0.0004]))
        let scored = AggregateNoise(aggregates: [0.20, 0.21],
                                    law: .seed(variance: 0.0003, degreesOfFreedom: 9, extra: [0, 0.0001]))
        let pairs: [(RunComparison.Member, RunComparison.Member)] = [
            (Self.member(sweep, 0), Self.member(sweep, 1)), (Self.member(sweep, 1), Self.member(sweep, 3)),
            (Self.member(scored, 1, .scored), Self.member(sweep, 0)), (Self.member(sweep, 3), Self.member(scored, 0, .scored)),
        ]
        for (a, b) in pairs {
            let ab = RunComparison(a: a, b: b, draws: 1000, seed: 3), ba = RunComparison(a: b, b: a, draws: 1000, seed: 3)
            #expect(ab.pBetter + ba.pBetter == 1)
            // The percentiles of the negated draws, up to the rounding of their interpolation.
            for (x, y) in zip(ab.differenceInterval, ba.differenceInterval.reversed().map { -$0 }) {
                #expect(abs(x - y) <= 1e-15 * max(1, abs(x)))
            }
            #expect(ab.difference == -ba.difference)
            let flipped: RunComparison.Verdict = switch ab.verdict {
            case .aBetter: .bBetter
            case .bBetter: .aBetter
            case .undecided: .undecided
            }
            #expect(ba.verdict == flipped)
        }
        // Identical copies: in one set (sweep runs 0 and 2), and across sets (sweep 0 and scored 0; sweep 1 and scored 1).
        for (a, b) in [(Self.member(sweep, 0), Self.member(sweep, 2)), (Self.member(sweep, 0), Self.member(scored, 0, .scored)),
                       (Self.member(scored, 1, .scored), Self.member(sweep, 1))] {
            let c = RunComparison(a: a, b: b, draws: Self.draws)
            #expect(abs(c.pBetter - 0.5) <= Self.tolerance(0.5), "\(a.run.name) vs \(b.run.name): \(c.pBetter)")
            #expect(c.verdict == .undecided && c.difference == 0 && !c.exceedsMinDetectable)
            #expect(c.differenceInterval[0] < 0 && c.differenceInterval[1] > 0)
        }
        // With no noise at all every draw ties: exactly one half, and a zero-width interval.
        let exact = AggregateNoise(aggregates: [0.4, 0.4], law: .posterior(sds: [0, 0]))
        let tie = RunComparison(a: Self.member(exact, 0), b: Self.member(exact, 1), draws: 10)
        #expect(tie.pBetter == 0.5 && tie.differenceInterval == [0, 0] && tie.verdict == .undecided)
        // One draw is allowed and is a share of one.
        #expect([0, 1].contains(RunComparison(a: Self.member(sweep, 0), b: Self.member(sweep, 1), draws: 1).pBetter))
    }

    @Test("Two runs of one set get exactly the p_better of PairwiseComparison for the same draws and seed")
    func sameDrawsAsPairwise() {
        let sweep = AggregateNoise(aggregates: [0.31, 0.30, 0.26, 0.18, 0.29, 0.05],
                                   law: .seed(variance: 0.0004, degreesOfFreedom: 5, extra: [0, 0, 0.0002, 0, 0, 0.001]))
        let pairwise = PairwiseComparison(noise: sweep, top: 6, draws: 700, seed: 11)
        for a in pairwise.runs.indices {
            for b in pairwise.runs.indices where a != b {
                let c = RunComparison(a: Self.member(sweep, pairwise.runs[a]), b: Self.member(sweep, pairwise.runs[b]),
                                      draws: 700, seed: 11)
                #expect(c.pBetter == pairwise.pBetter[a][b])
            }
        }
        let posterior = AggregateNoise(aggregates: sweep.aggregates, law: .posterior(sds: [0.02, 0.01, 0.03, 0.02, 0.02, 0.04]))
        let p = PairwiseComparison(noise: posterior, top: 3, draws: 300, seed: 5)
        #expect(RunComparison(a: Self.member(posterior, p.runs[0]), b: Self.member(posterior, p.runs[2]), draws: 300, seed: 5)
            .pBetter == p.pBetter[0][2])
    }

    @Test("The verdict is p_better against 0.975 on each side; the flag is |Δ| against the minimum detectable difference")
    func verdicts() {
        let noise = AggregateNoise(aggregates: [0.50, 0.40, 0.49],
                                   law: .seed(variance: 0.0001, degreesOfFreedom: 9, extra: [0, 0, 0]))
        let mdd = noise.minimumDetectableDifference
        let clear = Self.compare(noise, 0, 1)
        #expect(clear.verdict == .aBetter && clear.pBetter >= 0.975 && clear.exceedsMinDetectable)
        #expect(Self.compare(noise, 1, 0).verdict == .bBetter)
        let close = Self.compare(noise, 0, 2)
        #expect(close.verdict == .undecided && !close.exceedsMinDetectable && close.minDetectableDifference == mdd)
        // Another minimum detectable difference can be given (the model's, for two sets).
        let given = RunComparison(a: Self.member(noise, 0), b: Self.member(noise, 2), minDetectableDifference: 0.001, draws: 10)
        #expect(given.exceedsMinDetectable && given.minDetectableDifference == 0.001)
    }

    // MARK: - Named runs of a fitted model

    /// A 10-run, 3-task sweep fitted with one factor, with 4 replicate runs (seed noise) or none.
    static func model(withReplicates: Bool) throws -> FittedModel {
        let ability = [1.2, -0.4, 0.3, -1.1, 0.8, -0.2, 0.5, 0.0, -0.7, 0.9]
        let wiggle = [0.05, -0.03, 0.02, 0.04, -0.05, 0.01, -0.02, 0.03, -0.01, 0.0]
        func row(_ name: String, _ a: Double, _ w: Double) -> String {
            "\(name),\(1.5 - 0.10 * a + w),\(1.2 - 0.08 * a - w),\(1.9 - 0.12 * a + 0.5 * w)"
        }
        let header = "run_name,eval/paloma/a/bpb,eval/paloma/b/bpb,eval/paloma/c/bpb"
        let sweep = ([header] + ability.indices.map { row("r\($0 + 1)", ability[$0], wiggle[$0]) }).joined(separator: "\n")
        let noise = ([header] + [0.02, -0.01, 0.015, -0.02].enumerated().map { row("seed\($0)", 0.3 + 3 * $1, $1 / 2) })
            .joined(separator: "\n")
        var options = AnalysisOptions(draws: 20, threads: 1, fit: FitOptions(factors: 1), heldOutMetrics: []).withoutFitChecks
        options.rankDraws = 200
        let result = try Analysis(sweep: EvalMatrix(csv: sweep, source: "sweep.csv"),
                                  noise: withReplicates ? EvalMatrix(csv: noise, source: "noise.csv") : nil,
                                  options: options).run()
        return try #require(result.model)
    }

    @Test("Names: sweep runs, scored runs, a name in both (the scored run, said), unknown, the same twice, not scored, ambiguous")
    func namedRuns() throws {
        let model = try Self.model(withReplicates: true)
        #expect(model.seedNoise != nil)
        let names = model.sweep.runNames
        let sweep = try RunComparison(model: model, a: "r1", b: "r2", draws: 500)
        let i = try #require(names.firstIndex(of: "r1")), j = try #require(names.firstIndex(of: "r2"))
        #expect(sweep.a.origin == .sweep && sweep.a.aggregate == model.sweep.aggregate[i])
        #expect(sweep.b.aggregate == model.sweep.aggregate[j] && sweep.b.sd == model.sweepNoise.sds[j])
        #expect(sweep.source == .seedReplicates && sweep.warnings.isEmpty)
        #expect(sweep.minDetectableDifference == model.sweepNoise.minimumDetectableDifference)
        let pairwise = PairwiseComparison(noise: model.sweepNoise, top: names.count, draws: 500, seed: 42)
        let (pa, pb) = (try #require(pairwise.runs.firstIndex(of: i)), try #require(pairwise.runs.firstIndex(of: j)))
        #expect(sweep.pBetter == pairwise.pBetter[pa][pb])

        // A scored file: "new" (all tasks), "r1" again (shadows the sweep's), "partial" (one task),
        // "empty" (no task: not scored) and "dup" twice.
        let tasks = model.tasks.map(\.name)
        let csv = "run_name," + tasks.joined(separator: ",") + "\n"
            + "new,1.45,1.16,1.84\nr1,1.40,1.12,1.80\npartial,1.5,,\nempty,,,\ndup,1.5,1.2,1.9\ndup,1.4,1.1,1.8\n"
        let scored = try model.score(EvalMatrix(csv: csv, source: "new.csv"))
        let noise = model.noise(of: scored)
        let mixed = try RunComparison(model: model, a: "new", b: "r1", scored: scored, scoredSource: "new.csv", draws: 500)
        #expect(mixed.a.origin == .scored && mixed.b.origin == .scored && mixed.b.shadowsSweepRun && !mixed.a.shadowsSweepRun)
        let r1 = try #require(scored.runNames.firstIndex(of: "r1"))
        #expect(mixed.b.aggregate == scored.aggregate[r1] && mixed.b.sd == noise.sds[r1])
        let shadow = try #require(mixed.warnings.first)
        #expect(shadow.kind == .duplicateRunNames && shadow.subjects == ["r1"] && shadow.message.contains("new.csv"))
        let across = try RunComparison(model: model, a: "partial", b: "r3", scored: scored, scoredSource: "new.csv", draws: 500)
        #expect(across.a.origin == .scored && across.b.origin == .sweep && across.a.coverage == 1 / 3)
        #expect(across.a.sd > across.b.sd)   // one task of three: the posterior's extra widens it

        /// The error that comparing `a` with `b` throws.
        func failure(_ a: String, _ b: String, scored: RunScores? = scored,
                     notScored: [SkippedRun] = []) -> RunComparisonError? {
            do throws(RunComparisonError) {
                _ = try RunComparison(model: model, a: a, b: b, scored: scored, scoredSource: "new.csv",
                                      notScored: notScored, draws: 10)
            } catch { return error }
            return nil
        }
        let unknown = try #require(failure("R2", "r1"))
        guard case let .unknownRun(name, near, searched) = unknown else { Issue.record("\(unknown)"); return }
        #expect(name == "R2" && near == ["r2"] && searched.count == 2 && unknown.isUsageError)
        #expect(unknown.description.contains("did you mean \"r2\"") && unknown.description.contains("new.csv, 5 run(s)"))
        // "r" matches every name by their text, up to five, scored names first and none twice.
        guard case let .unknownRun(_, many, _) = try #require(failure("r1", "r", scored: nil)) else { return }
        #expect(many == ["r1", "r2", "r3", "r4", "r5"])
        guard case let .unknownRun(_, none, _) = try #require(failure("zz", "r1")) else { return }
        #expect(none.isEmpty)
        #expect(failure("r1", "r1") == .sameRun(name: "r1"))
        #expect(failure("r1", "r1")?.isUsageError == true)
        let empty = try #require(scored.skipped.first)
        #expect(failure("empty", "r1") == .runNotScored(name: "empty", source: "new.csv", line: empty.line, reason: empty.reason))
        #expect(failure("r1", "dup") == .ambiguousRun(name: "dup", source: "new.csv", count: 2))
        #expect(failure("r1", "dup")?.isUsageError == false)
        // A row left out before scoring (its status) that is also a sweep run: the sweep run, said.
        let left = SkippedRun(run: "r2", line: 9, reason: "status is \"failed\"")
        let said = try RunComparison(model: model, a: "r1", b: "r2", scored: scored, scoredSource: "new.csv",
                                     notScored: [left], draws: 10)
        #expect(said.b.origin == .sweep && said.warnings.contains { $0.kind == .runsNotScored && $0.message.contains("new.csv:9") })
        #expect(failure("gone", "r1", notScored: [SkippedRun(run: "gone", line: 4, reason: "status is \"failed\"")])
            == .runNotScored(name: "gone", source: "new.csv", line: 4, reason: "status is \"failed\""))
    }

    @Test("Without replicates the comparison is model-based: the posterior sds, and p_better follows Φ")
    func modelBased() throws {
        let model = try Self.model(withReplicates: false)
        #expect(model.seedNoise == nil)
        let names = model.sweep.runNames
        let c = try RunComparison(model: model, a: "r3", b: "r7", draws: Self.draws)
        let (i, j) = (try #require(names.firstIndex(of: "r3")), try #require(names.firstIndex(of: "r7")))
        #expect(c.source == .modelPosterior && c.a.sd == model.sweep.aggregateSD[i] && c.b.sd == model.sweep.aggregateSD[j])
        let s = (c.a.sd * c.a.sd + c.b.sd * c.b.sd).squareRoot()
        let exact = Normal.cdf((model.sweep.aggregate[i] - model.sweep.aggregate[j]) / s)
        #expect(abs(c.pBetter - exact) <= Self.tolerance(exact))
    }

    @Test("The JSON of a comparison has the documented keys and round-trips")
    func json() throws {
        let noise = AggregateNoise(aggregates: [0.3, 0.2], law: .posterior(sds: [0.02, 0.03]))
        let c = Self.compare(noise, 0, 1)
        let data = try JSONCoding.encode(c)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["a", "b", "difference", "difference_interval", "p_better", "min_detectable_difference",
                                     "exceeds_min_detectable", "verdict", "uncertainty_source", "draws", "seed", "warnings"])
        let a = try #require(object["a"] as? [String: Any])
        #expect(Set(a.keys) == ["name", "origin", "aggregate", "sd", "coverage", "shadows_sweep_run"])
        #expect(try JSONCoding.decoder().decode(RunComparison.self, from: data) == c)
    }
}
