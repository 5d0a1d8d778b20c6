import Foundation
import IRTModel
import IRTSynthetic
import Linalg
import Testing
@testable import IRTMixture

@Suite struct MixtureStudyTests {
    static let fast: MixtureOptions = {
        var o = MixtureOptions()
        o.bootstrap = 50
        o.thompsonDraws = 8
        return o
    }()

    @Test func effectsRecoverTheTrueLinearCoefficients() throws {
        let study = try SyntheticStudy(seed: 7)
        let analysis = try study.run(Self.fast)
        let truth = study.mixture.trueCoefficients
        let phases = study.mixture.phases, domains = study.mixture.domains
        for j in 0..<study.mixture.factors {
            // The identifiable part: coefficients centered within each phase.
            var expected = truth.column(j)
            for p in 0..<phases {
                let block = p * domains..<(p + 1) * domains
                let mean = block.reduce(0.0) { $0 + expected[$1] } / Double(domains)
                for c in block { expected[c] -= mean }
            }
            let estimated = study.mixture.columnNames.map { column in
                analysis.effects.first { $0.score == "theta_\(j + 1)" && $0.column == column }!.estimate
            }
            let r = pearson(estimated, expected)
            #expect(r >= 0.9, "theta_\(j + 1): correlation \(r)")
            // Each phase's coefficients sum to 0.
            for p in 0..<phases {
                #expect(abs((p * domains..<(p + 1) * domains).reduce(0.0) { $0 + estimated[$1] }) < 1e-8)
            }
        }
        // The intervals bracket the estimates, and most exclude 0 for the strong coefficients.
        #expect(analysis.effects.allSatisfy { $0.lower <= $0.estimate + 1e-12 || $0.upper >= $0.estimate - 1e-12 })
        #expect(analysis.effects.allSatisfy { $0.lower <= $0.upper })
        #expect(analysis.surrogates.count == 2 * study.scores.count)
        #expect(analysis.notPredictable.isEmpty)
        for s in analysis.surrogates where s.family == "ridge" { #expect(s.oofR2 > 0.7) }
    }

    @Test func aScoreTheMixtureDoesNotMoveStaysAtThePermutationBaseline() throws {
        for seed in UInt64(1)...3 {
            var rng = Xoshiro256StarStar(seed: 1000 + seed)
            var normal = NormalSampler()
            let null = MixtureScore(name: "theta_9", label: "noise", values: (0..<240).map { _ in normal.next(using: &rng) },
                                    noiseShare: nil)
            let study = try SyntheticStudy(seed: seed, runs: 240, domains: 10, extra: [null])
            var options = Self.fast
            options.proposals = 0
            let analysis = try study.run(options)
            for s in analysis.surrogates where s.score == "theta_9" {
                #expect(s.oofR2 <= s.permutationR2 + 0.05, "seed \(seed) \(s.family): oof \(s.oofR2), permutation \(s.permutationR2)")
            }
            #expect(analysis.notPredictable == ["theta_9"])
        }
    }

    @Test func proposalsStayInTheTrustRegionAndOnTheSimplex() throws {
        let study = try SyntheticStudy(seed: 3, runs: 120, domains: 10)
        var options = Self.fast
        options.maxTV = 0.2
        let analysis = try study.run(options)
        #expect(!analysis.proposals.isEmpty)
        let geometry = MixtureGeometry(phases: (0..<2).map { p in Array(p * 10..<(p + 1) * 10) })
        let observed = (0..<120).map { study.mixture.weights.row($0) }
        var previous: [[Double]] = []
        for proposal in analysis.proposals {
            let w = study.weights(proposal)
            for p in 0..<2 {
                #expect(abs((p * 10..<(p + 1) * 10).reduce(0.0) { $0 + w[$1] } - 1) < 1e-9)
            }
            #expect(w.allSatisfy { $0 >= 0 })
            let nearest = observed.map { geometry.tv($0, w) }.min()!
            #expect(abs(nearest - proposal.tvToNearest) < 1e-12)
            #expect(proposal.tvToNearest <= options.maxTV + 1e-9)
            #expect(proposal.referenceRun == analysis.referenceRun)
            // No factor below the reference run's prediction.
            let floors = try #require(analysis.referencePredicted)
            for j in 1...3 {
                #expect(proposal.predicted["theta_\(j)"]!.estimate >= floors["theta_\(j)"]! - 1e-9)
            }
            let interval = proposal.predicted["aggregate"]!
            #expect(interval.lower <= interval.upper)
            #expect(proposal.rankAmongObserved != nil)
            for q in previous { #expect(geometry.tv(q, w) > 0) }
            previous.append(w)
        }
        // The CSV is ready to launch: the input's columns, one row per proposal, each phase summing to 1.
        let csv = MixtureStudy.proposalsCSV(analysis, table: study.table)
        let back = try CSVReader.parse(csv, source: "proposals.csv")
        #expect(back.header == ["run"] + study.mixture.columnNames)
        #expect(back.rows.map { $0[0] } == (1...analysis.proposals.count).map { "proposal_\($0)" })
        for (row, proposal) in zip(back.rows, analysis.proposals) {
            let w = row.dropFirst().map { Double($0)! }
            #expect(w == study.weights(proposal))
            for p in 0..<2 { #expect(abs((p * 10..<(p + 1) * 10).reduce(0.0) { $0 + w[$1] } - 1) < 1e-9) }
        }
    }

    @Test func proposalsImproveTheTrueAggregate() throws {
        // The claim is a rate of at least 0.8 (measured over 50 seeds in release: METHOD §16). The
        // default suite runs 10 seeds and asks for at least 9 of 10: a procedure whose rate were
        // only 0.8 would pass with probability P(X ≥ 9 | 10, 0.8) = 0.38, so the check is stricter
        // than the claim, not looser.
        var improved = 0
        let seeds = 10
        for seed in 0..<UInt64(seeds) {
            let study = try SyntheticStudy(seed: 100 + seed, runs: 240, domains: 39)
            var options = Self.fast
            options.proposals = 1
            options.seed = seed
            let analysis = try study.run(options)
            guard let proposal = analysis.proposals.first else { continue }
            #expect(proposal.tvToNearest <= options.maxTV + 1e-9)
            if study.mixture.trueAggregate(study.weights(proposal)) > study.bestObservedTruth { improved += 1 }
        }
        #expect(improved >= 9, "\(improved) of \(seeds) proposals beat the best observed run's true aggregate")
    }

    @Test func fewerThanTwentyMatchedRunsIsRefusedWithTheCount() throws {
        let study = try SyntheticStudy(seed: 1, runs: 25, domains: 4)
        // Only 19 of the sweep's runs have a mixture row.
        let names = Array(study.mixture.runNames.prefix(19)) + ["other_1", "other_2"]
        let scores = study.scores.map { MixtureScore(name: $0.name, label: $0.label, values: Array($0.values.prefix(21)), noiseShare: nil) }
        #expect(throws: MixtureError.tooFewMatchedRuns(file: "mixture.csv", matched: 19, needed: 20)) {
            try MixtureStudy.run(table: study.table, runNames: names, scores: scores, options: Self.fast)
        }
        #expect(throws: MixtureError.tooFewMatchedRuns(file: "mixture.csv", matched: 0, needed: 20)) {
            try MixtureStudy.run(table: study.table, runNames: [], scores: scores.map {
                MixtureScore(name: $0.name, label: $0.label, values: [], noiseShare: nil)
            }, options: Self.fast)
        }
        #expect(throws: MixtureError.tooFewMatchedRuns(file: "mixture.csv", matched: 1, needed: 20)) {
            try MixtureStudy.run(table: study.table, runNames: ["run_00001"], scores: scores.map {
                MixtureScore(name: $0.name, label: $0.label, values: [1], noiseShare: nil)
            }, options: Self.fast)
        }
    }

    @Test func unmatchedRunsAreListedAndTheRestAnalyzed() throws {
        let study = try SyntheticStudy(seed: 2, runs: 30, domains: 4)
        let names = study.mixture.runNames.dropLast(3) + ["new_a", "new_b"]
        let scores = study.scores.map { s in
            MixtureScore(name: s.name, label: s.label, values: Array(s.values.dropLast(3)) + [0, 0], noiseShare: nil)
        }
        var options = Self.fast
        options.proposals = 0
        let analysis = try MixtureStudy.run(table: study.table, runNames: Array(names), scores: scores, options: options)
        #expect(analysis.matchedRuns == 27)
        #expect(analysis.unmatched.runsWithoutMixture == ["new_a", "new_b"])
        #expect(analysis.unmatched.mixturesWithoutRun == ["run_00028", "run_00029", "run_00030"])
        #expect(analysis.notes.contains { $0.contains("new_a") })
    }

    @Test func badOptionsAndNamesAreRefused() throws {
        let study = try SyntheticStudy(seed: 4, runs: 30, domains: 4)
        var options = Self.fast
        options.referenceRun = "nope"
        #expect(throws: MixtureError.unknownReferenceRun("nope")) { try study.run(options) }
        options = Self.fast
        options.objective = .factor(5)
        #expect(throws: MixtureError.invalidObjective("theta_5")) { try study.run(options) }
        options = Self.fast
        options.objective = .balanced
        #expect(throws: MixtureError.invalidObjective("balanced")) { try study.run(options) }
        for mutate in [{ (o: inout MixtureOptions) in o.folds = 1 }, { $0.maxTV = 0 }, { $0.maxTV = 1.5 },
                       { $0.proposals = -1 }, { $0.bootstrap = 1 }, { $0.folds = 31 }] {
            var o = Self.fast
            mutate(&o)
            #expect(throws: MixtureError.self) { try study.run(o) }
        }
        let short = [MixtureScore(name: "aggregate", label: "a", values: [1, 2], noiseShare: nil)]
        #expect(throws: MixtureError.self) {
            try MixtureStudy.run(table: study.table, runNames: study.mixture.runNames, scores: short, options: Self.fast)
        }
    }

    @Test func anUnpredictableObjectiveGetsNoProposal() throws {
        var rng = Xoshiro256StarStar(seed: 9)
        var normal = NormalSampler()
        let study = try SyntheticStudy(seed: 5, runs: 60, domains: 5)
        let noise = MixtureScore(name: "aggregate", label: "noise", values: (0..<60).map { _ in normal.next(using: &rng) }, noiseShare: nil)
        let analysis = try MixtureStudy.run(table: study.table, runNames: study.mixture.runNames,
                                            scores: [noise] + study.scores.dropFirst(), options: Self.fast)
        #expect(analysis.notPredictable.contains("aggregate"))
        #expect(analysis.proposals.isEmpty)
        #expect(analysis.notes.contains { $0.contains("No mixture is proposed") })
    }

    /// Guardrail (a) holds the predictable factors only: a floor on a factor the mixture does not
    /// move would steer the proposals by its surrogate's noise. The exemption is said.
    @Test func aFlaggedFactorIsNotAFloor() throws {
        var rng = Xoshiro256StarStar(seed: 77)
        var normal = NormalSampler()
        let null = MixtureScore(name: "theta_4", label: "noise", values: (0..<120).map { _ in normal.next(using: &rng) },
                                noiseShare: nil)
        let study = try SyntheticStudy(seed: 4, runs: 120, domains: 10, extra: [null])
        let analysis = try study.run(Self.fast)
        #expect(analysis.notPredictable == ["theta_4"])
        #expect(!analysis.proposals.isEmpty)
        #expect(analysis.notes.contains { $0.contains("except theta_4, not predictable from the mixture") })
        let floors = try #require(analysis.referencePredicted)
        for proposal in analysis.proposals {
            for j in 1...3 { #expect(proposal.predicted["theta_\(j)"]!.estimate >= floors["theta_\(j)"]! - 1e-9) }
        }
    }

    @Test func theSeedMakesTheStepReproducible() throws {
        let study = try SyntheticStudy(seed: 6, runs: 40, domains: 4)
        var options = Self.fast
        options.proposals = 2
        #expect(try study.run(options) == study.run(options))
    }

    @Test func encodesTheIssueKeys() throws {
        let study = try SyntheticStudy(seed: 8, runs: 40, domains: 4)
        let analysis = try study.run(Self.fast)
        let data = try JSONEncoder().encode(analysis)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        for key in ["matched_runs", "unmatched", "phases", "surrogates", "effects", "proposals", "not_predictable", "notes",
                    "partial_effects", "reference_run", "objective", "source", "dropped_constant_columns"] {
            #expect(object[key] != nil, "\(key)")
        }
        let surrogate = (object["surrogates"] as! [[String: Any]])[0]
        for key in ["family", "score", "oof_r2", "oof_spearman", "oof_rmse", "permutation_r2", "chosen"] {
            #expect(surrogate[key] != nil, "\(key)")
        }
        let unmatched = object["unmatched"] as! [String: Any]
        #expect(unmatched["runs_without_mixture"] != nil && unmatched["mixtures_without_run"] != nil)
        if let proposal = (object["proposals"] as! [[String: Any]]).first {
            for key in ["weights", "predicted", "nearest_run", "tv_to_nearest", "reference_run", "rank_among_observed"] {
                #expect(proposal[key] != nil, "\(key)")
            }
        }
        #expect(try JSONDecoder().decode(MixtureAnalysis.self, from: data) == analysis)
    }

    @Test func partialEffectsFollowTheLinearTruth() throws {
        let study = try SyntheticStudy(seed: 12, runs: 160, domains: 8)
        let analysis = try study.run(Self.fast)
        // For a linear truth the +1% move into c changes θ_j by 0.01 (b_c − Σ w b) on average.
        let truth = study.mixture.trueCoefficients
        for j in 0..<3 {
            var expected = [Double](repeating: 0, count: 16)
            for r in 0..<160 {
                let w = study.mixture.weights.row(r)
                for p in 0..<2 {
                    let block = p * 8..<(p + 1) * 8
                    let mean = block.reduce(0.0) { $0 + w[$1] * truth[$1, j] }
                    for c in block { expected[c] += 0.01 * (truth[c, j] - mean) / 160 }
                }
            }
            let estimated = study.mixture.columnNames.map { column in
                analysis.partialEffects.first { $0.score == "theta_\(j + 1)" && $0.column == column }!.estimate
            }
            #expect(pearson(estimated, expected) > 0.8)
        }
    }
}
