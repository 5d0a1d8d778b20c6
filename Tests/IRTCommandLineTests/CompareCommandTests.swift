import Foundation
import IRTModel
import IRTSampleData
import Testing
@testable import IRTCommandLine
@testable import IRTReport

/// `irt-report compare`: two runs of a saved model's sweep or of a scored file.
@Suite("irt-report compare")
struct CompareCommandTests {
    /// A report of the bundled sample (with its noise file, so seed noise),
    /// written once into a scratch folder: 20 Horn draws and no bootstrap, so
    /// that it is quick and its `p_better` comes from the draws `compare` makes.
    static let scratch: Scratch = {
        let scratch = try! Scratch()
        precondition(IRTReportTool.exitCode(running: [
            "--draws", "20", "--bootstrap", "0", "--out", scratch.path("report"), "--quiet",
        ]) == 0)
        return scratch
    }()

    static var model: String { scratch.path("report/model.json") }

    static func result() throws -> AnalysisResult {
        try JSONCoding.decoder().decode(AnalysisResult.self, from: Data(contentsOf: URL(fileURLWithPath: scratch.path("report/result.json"))))
    }

    @Test("Two sweep runs: the p_better of result.json (same draws and seed), the sweep's aggregates and a table")
    func sweepRuns() throws {
        let result = try Self.result()
        let u = try #require(result.uncertainty)
        let top = u.pBetter.runs
        for (a, b) in [(0, 1), (2, 3), (3, 0)] {
            let report = try CompareCommand.parse([Self.model, top[a], top[b]]).compare()
            #expect(report.pBetter == u.pBetter.p[a][b], "\(top[a]) vs \(top[b])")
            #expect(report.a.origin == .sweep && report.b.origin == .sweep && report.source == nil)
            #expect(report.uncertaintySource == .seedReplicates && report.minDetectableDifference == u.minDetectableDifference)
            let i = try #require(result.runNames.firstIndex(of: top[a]))
            #expect(report.a.aggregate == result.leaderboard.first { $0.runName == top[a] }?.aggregate)
            #expect(report.a.name == result.runNames[i] && report.warnings.isEmpty)
            let expected: RunComparison.Verdict = report.pBetter >= 0.975 ? .aBetter : report.pBetter <= 0.025 ? .bBetter : .undecided
            #expect(report.verdict == expected)
        }
        let report = try CompareCommand.parse([Self.model, top[0], top[1]]).compare()
        let table = CompareCommand.table(report)
        #expect(table.contains(top[0]) && table.contains(top[1]) && table.contains("P(A > B) = "))
        #expect(table.contains("95% interval") && table.contains("Uncertainty: seed noise"))
        let verdict = CompareCommand.verdict(report)
        #expect(verdict.contains("at 95%") && verdict.contains("minimum detectable \(Summary.fixed(u.minDetectableDifference))"))
    }

    @Test("A sweep run against a run of the noise file: scored as `score` scores it, the draws' χ² scale shared")
    func sweepAgainstScored() throws {
        let noise = SampleData.fixedSubsetNoise.path
        let scores = try ScoreCommand.parse([Self.model, noise]).score()
        let replicate = try #require(scores.runNames.first)
        let report = try CompareCommand.parse([Self.model, "run_00097", replicate, noise]).compare()
        #expect(report.a.origin == .sweep && report.b.origin == .scored && report.source == scores.source)
        #expect(report.b.aggregate == scores.aggregate[0] && report.b.sd == scores.aggregateSD[0])
        // A seed of run_00097 against run_00097: one mixture, so not told apart.
        #expect(report.verdict == .undecided && report.pBetter > 0.025 && report.pBetter < 0.975)
        #expect(CompareCommand.table(report).contains("noise_baseline_run00097"))
        // Both replicates of one file: the same set, one draw.
        let pair = try CompareCommand.parse([Self.model, scores.runNames[0], scores.runNames[1], noise]).compare()
        #expect(pair.a.origin == .scored && pair.b.origin == .scored)
        #expect(abs(pair.difference - (scores.aggregate[0] - scores.aggregate[1])) < 1e-15)
    }

    @Test("A name both in the sweep and in RUNS.csv is the scored run, said; skipped rows are said")
    func nameInBoth() throws {
        let report = try CompareCommand.parse([Self.model, "run_00125", "run_00207", SampleData.sweep.path]).compare()
        #expect(report.a.origin == .scored && report.a.shadowsSweepRun && report.b.shadowsSweepRun)
        #expect(report.warnings.contains { $0.kind == .duplicateRunNames && $0.subjects == ["run_00125", "run_00207"] })
        #expect(report.warnings.contains { $0.kind == .runsNotScored && $0.subjects == ["run_failed_a", "run_failed_b"] })
        #expect(CompareCommand.table(report).contains("Warnings:"))
        // Scored again with the same model, a sweep run keeps its aggregate.
        let sweep = try CompareCommand.parse([Self.model, "run_00125", "run_00207"]).compare()
        #expect(abs(report.a.aggregate - sweep.a.aggregate) < 1e-10)
    }

    @Test("An unknown name exits 2 with one line naming near matches; the same run twice exits 2")
    func badNames() throws {
        let runs = try Self.result().nRuns
        #expect(throws: RunComparisonError.unknownRun(
            name: "RUN_00125", nearMatches: ["run_00125"],
            searched: ["the model's sweep (sweep_300m_replica.csv), \(runs) run(s)"])) {
            try CompareCommand.parse([Self.model, "RUN_00125", "run_00207"]).compare()
        }
        #expect(IRTReportTool.exitCode(running: ["compare", Self.model, "RUN_00125", "run_00207"]) == 2)
        #expect(IRTReportTool.exitCode(running: ["compare", Self.model, "run_00125", "run_00125"]) == 2)
        #expect(IRTReportTool.exitCode(running: ["compare", Self.model, "run_00125", "run_00207", "--rank-draws", "0"]) == 2)
        #expect(IRTReportTool.exitCode(running: ["compare", Self.model, "run_00125", "run_00207", Self.scratch.path("nope.csv")]) == 2)
        // A row of RUNS.csv left out for its status is not unknown: exit 1, naming its line.
        #expect(IRTReportTool.exitCode(running: ["compare", Self.model, "run_failed_a", "run_00207", SampleData.sweep.path]) == 1)
        guard executable != nil else { return }
        let output = try runExecutable(["compare", Self.model, "run_0012", "run_00207"], in: Self.scratch.url)
        #expect(output.status == 2 && output.stdout.isEmpty)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("irt-report: error: no run named \"run_0012\""))
        #expect(lines[0].contains("did you mean \"run_0012"), "\(output.stderr)")
    }

    @Test("--json writes the documented keys atomically; a model without seed noise is model-based, with the warning")
    func jsonAndModelBased() throws {
        let json = Self.scratch.path("compare.json")
        #expect(IRTReportTool.exitCode(running: ["compare", Self.model, "run_00125", "run_00207", "--json", json, "-q"]) == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: json))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["schema_version", "model", "a", "b", "difference", "difference_interval", "p_better",
                                     "min_detectable_difference", "exceeds_min_detectable", "verdict", "uncertainty_source",
                                     "rank_draws", "seed", "skipped_runs", "warnings"])
        let a = try #require(object["a"] as? [String: Any])
        #expect(Set(a.keys) == ["name", "origin", "aggregate", "sd", "coverage", "shadows_sweep_run"])
        let decoded = try JSONCoding.decoder().decode(CompareReport.self, from: data)
        #expect(decoded == (try CompareCommand.parse([Self.model, "run_00125", "run_00207"]).compare()))
        #expect(try Self.scratch.entries().filter { $0.contains(".tmp-") }.isEmpty)
        #expect(IRTReportTool.exitCode(running: ["compare", Self.model, "run_00125", "run_00207", "--json", Self.model]) == 2)

        // The same model without its seed noise (as a model fitted without replicates).
        var model = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.model))) as? [String: Any])
        model.removeValue(forKey: "seed_noise")
        let bare = Self.scratch.path("bare-model.json")
        try JSONSerialization.data(withJSONObject: model).write(to: URL(fileURLWithPath: bare))
        let report = try CompareCommand.parse([bare, "run_00125", "run_00207"]).compare()
        #expect(report.uncertaintySource == .modelPosterior)
        let warning = try #require(report.warnings.first { $0.kind == .uncertaintyModelBased })
        #expect(warning.message.contains("--noise"))
        #expect(CompareCommand.table(report).contains("Uncertainty: model-based"))
    }

    @Test("p_better is printed as a share of the draws, never as a certainty")
    func probabilityWording() {
        #expect(CompareCommand.probability(0.756, draws: 2000) == "0.756")
        #expect(CompareCommand.probability(0.9995, draws: 2000) == "0.9995")
        #expect(CompareCommand.probability(1, draws: 2000) == "1 (in every one of 2000 draws)")
        #expect(CompareCommand.probability(0, draws: 50) == "0 (in none of 50 draws)")
    }
}
