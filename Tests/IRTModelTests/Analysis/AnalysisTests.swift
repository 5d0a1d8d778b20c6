import Foundation
import IRTModel
import Linalg
import Testing

/// The whole analysis on the bundled sample: rows kept, leaderboard, validation,
/// the result's JSON shape (METHOD.md §1, §8, §10).
@Suite("Analysis of the sample sweep")
struct AnalysisTests {
    static var result: AnalysisResult { SharedRuns.referencePath[.fixed]! }

    /// The sample's rows whose status is not `completed`, read straight from the CSV.
    static var notCompleted: [String] {
        let status = SharedRuns.sweep.strings("status")!
        return SharedRuns.sweep.runNames.indices.filter { status[$0] != "completed" }.map { SharedRuns.sweep.runNames[$0] }
    }

    @Test("Failed and running rows are dropped: 242 runs, in file order")
    func rowsKept() throws {
        let r = Self.result
        #expect(Self.notCompleted == ["run_failed_a", "run_failed_b"])
        #expect(SharedRuns.sweep.rowCount == 244)
        #expect(r.nRuns == 242)
        #expect(r.runNames.count == 242 && r.theta.count == 242)
        for name in Self.notCompleted {
            #expect(!r.runNames.contains(name))
            #expect(!r.leaderboard.contains { $0.runName == name })
        }
        let all = SharedRuns.sweep.runNames
        #expect(r.runNames == all.filter { !Self.notCompleted.contains($0) })
        // The same order as the reference's run_names.
        let ref = try ReferenceOutput.load(ReferenceCase.fixed.rawValue)
        #expect(r.runNames == ref.run_names)
        #expect(Set(r.runNames).count == 242)
    }

    @Test("Leaderboard: every run once, by aggregate descending, aggregate = mean θ of that run")
    func leaderboard() throws {
        let r = Self.result
        #expect(r.leaderboard.count == r.nRuns)
        #expect(Set(r.leaderboard.map(\.runName)) == Set(r.runNames))
        #expect(zip(r.leaderboard, r.leaderboard.dropFirst()).allSatisfy { $0.aggregate >= $1.aggregate })
        let row = Dictionary(uniqueKeysWithValues: r.runNames.enumerated().map { ($1, $0) })
        for entry in r.leaderboard {
            let i = try #require(row[entry.runName])
            #expect(entry.theta == r.theta[i])
            let mean = r.theta[i].reduce(0, +) / Double(r.k)
            #expect(abs(entry.aggregate - mean) <= 1e-15 * max(1, abs(mean)))
            #expect(entry.isBaseline == entry.runName.contains("baseline"))
        }
        #expect(r.leaderboard.contains { $0.isBaseline })
    }

    @Test("Leaderboard extras and held-out values are the sweep's cells of that run")
    func leaderboardColumns() throws {
        let r = Self.result
        let kept = SharedRuns.sweep.completedRuns()
        #expect(r.leaderboardExtra == ["is_qsplit240_core"])
        #expect(r.leaderboardHeldOut == AnalysisOptions.defaultHeldOutMetrics)
        let core = try #require(kept.strings("is_qsplit240_core"))
        let metrics = try r.leaderboardHeldOut.map { try kept.numbers($0) }
        let row = Dictionary(uniqueKeysWithValues: kept.runNames.enumerated().map { ($1, $0) })
        for entry in r.leaderboard {
            let i = try #require(row[entry.runName])
            #expect(entry.extra == [core[i]])
            #expect(entry.heldOut == metrics.map { $0[i] })
        }
    }

    @Test("Validation r equals Pearson's r recomputed from θ and the metric column")
    func validation() throws {
        let r = Self.result
        let kept = SharedRuns.sweep.completedRuns()
        #expect(Set(r.validation.keys) == Set(AnalysisOptions.defaultHeldOutMetrics))
        for (metric, correlations) in r.validation {
            #expect(correlations.count == r.k)
            let column = try kept.numbers(metric)
            let rows = column.indices.filter { column[$0] != nil }
            let x = rows.map { column[$0]! }
            for j in 0..<r.k {
                let theta = rows.map { r.theta[$0][j] }
                let mine = try #require(correlations[j])
                #expect(abs(mine - (try Statistics.pearson(x, theta))) < 1e-12, "\(metric) θ\(j + 1)")
                // And by hand.
                let mx = x.reduce(0, +) / Double(x.count), mt = theta.reduce(0, +) / Double(theta.count)
                let sxy = zip(x, theta).map { ($0 - mx) * ($1 - mt) }.reduce(0, +)
                let sxx = x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
                let stt = theta.map { ($0 - mt) * ($0 - mt) }.reduce(0, +)
                #expect(abs(mine - sxy / (sxx * stt).squareRoot()) < 1e-12, "\(metric) θ\(j + 1)")
            }
        }
    }

    @Test("JSON round trip gives an equal result")
    func jsonRoundTrip() throws {
        let r = Self.result
        let data = try JSONCoding.encoder().encode(r)
        let back = try JSONCoding.decoder().decode(AnalysisResult.self, from: data)
        // The fitted model travels in model.json, not result.json.
        #expect(back.model == nil && r.model != nil)
        // Remedies are the library's typed form; result.json says them in `message`.
        var withoutModel = r.mappingWarnings { AnalysisWarning($0.kind, $0.message, subjects: $0.subjects) }
        withoutModel.model = nil
        #expect(back == withoutModel)
    }

    /// METHOD.md §10's keys, then IRTKit's extras.
    static let methodKeys: Set<String> = [
        "n_runs", "n_tasks", "tasks", "dropped_tasks", "horn", "k", "em", "loadings", "psi", "communality",
        "noise_share", "h2_ceiling", "tasks_missing_from_noise", "snr", "validation", "run_names", "theta",
        "leaderboard",
    ]
    static let extraKeys: Set<String> = [
        "source", "noise_source", "leaderboard_held_out", "leaderboard_extra", "noise_theta", "warnings",
        "schema_version", "skipped_runs", "k_choice", "factor_labels", "rank_draws", "fit", "input", "selection",
        "uncertainty", "psi_model", "tasks_at_noise_floor", "aggregate_weights", "aggregate_definition",
    ]

    @Test("JSON keys are METHOD.md §10's snake_case names plus our extras")
    func jsonKeys() throws {
        let r = Self.result
        let object = try #require(try JSONSerialization.jsonObject(with: JSONCoding.encoder().encode(r)) as? [String: Any])
        #expect(Set(object.keys) == Self.methodKeys.union(Self.extraKeys))
        let horn = try #require(object["horn"] as? [String: Any])
        #expect(Set(["eigenvalues", "p95", "mean", "k95", "k_mean", "draws", "seed"]).isSubset(of: horn.keys))
        let em = try #require(object["em"] as? [String: Any])
        #expect(Set(["iterations", "converged", "m_step", "log_likelihood", "init"]).isSubset(of: em.keys))
        let snr = try #require(object["snr"] as? [String: Any])
        #expect(Set(["factors", "aggregate"]).isSubset(of: snr.keys))
        let snrKeys: Set = ["var_sweep", "var_noise", "snr", "noise_share"]
        let factors = try #require(snr["factors"] as? [[String: Any]])
        #expect(factors.count == r.k)
        #expect(factors.allSatisfy { snrKeys.union(["factor"]).isSubset(of: $0.keys) })
        let aggregate = try #require(snr["aggregate"] as? [String: Any])
        #expect(snrKeys.isSubset(of: aggregate.keys))
        let leaderboard = try #require(object["leaderboard"] as? [[String: Any]])
        #expect(leaderboard.allSatisfy {
            Set(["run_name", "aggregate", "theta", "theta_sd", "aggregate_sd", "rank_interval", "p_best", "coverage"])
                .isSubset(of: $0.keys)
        })
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.allSatisfy { Set(["kind", "message", "subjects"]) == Set($0.keys) })
        #expect((object["factor_labels"] as? [String])?.count == r.k)
        // Shapes: [p], [p][k], [n][k].
        #expect((object["tasks"] as? [Any])?.count == r.nTasks)
        #expect((object["loadings"] as? [[Any]])?.allSatisfy { $0.count == r.k } == true)
        #expect((object["theta"] as? [Any])?.count == r.nRuns)
        #expect((object["noise_share"] as? [Any])?.count == r.nTasks)
    }

    @Test("Without a noise file the keys are the same except the noise ones (absent, not empty)")
    func jsonKeysWithoutNoise() throws {
        let csv = """
            run_name,status,lm_eval/a/bpb,lm_eval/b/bpb,lm_eval/c/bpb
            r1,completed,1.10,2.05,3.30
            r2,completed,1.20,2.00,3.10
            r3,completed,0.95,1.90,3.05
            r4,completed,1.05,2.15,3.20
            r5,completed,1.30,2.20,3.45
            """
        let r = try Analysis(sweep: EvalMatrix(csv: csv, source: "small.csv"),
                             options: AnalysisOptions(draws: 20, threads: 1, fit: FitOptions(factors: 1)).withoutFitChecks).run()
        let object = try #require(try JSONSerialization.jsonObject(with: JSONCoding.encoder().encode(r)) as? [String: Any])
        let noiseOnly: Set = ["snr", "noise_source", "noise_theta"]
        #expect(Set(object.keys) == Self.methodKeys.union(Self.extraKeys).subtracting(noiseOnly))
        #expect(r.noiseShare == [nil, nil, nil] && r.tasksMissingFromNoise == r.tasks)
        var withoutModel = r
        withoutModel.model = nil
        // TLI is NaN here (df = 0), and NaN ≠ NaN: compare the JSON of the round trip instead.
        let back = try JSONCoding.decoder().decode(AnalysisResult.self, from: JSONCoding.encoder().encode(r))
        #expect(try JSONCoding.encoder().encode(back) == JSONCoding.encoder().encode(withoutModel))
    }

    @Test("The result crosses into a Task and an analysis runs inside one")
    func sendable() async throws {
        let r = Self.result
        let top = await Task.detached { r.leaderboard.first?.runName }.value
        #expect(top == r.leaderboard.first?.runName)
        let sweep = SharedRuns.sweep
        let inside = try await Task.detached { () throws -> AnalysisResult in
            try Analysis(sweep: sweep, options: AnalysisOptions(draws: 20, threads: 1, fit: FitOptions(factors: 2)).withoutFitChecks).run()
        }.value
        #expect(inside.nRuns == 242 && inside.k == 2)
        #expect(inside.runNames == r.runNames)
    }
}
