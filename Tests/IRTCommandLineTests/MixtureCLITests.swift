import Foundation
import IRTMixture
import IRTModel
@testable import IRTReport
@testable import IRTCommandLine
import IRTSampleData
import Testing

// MARK: - Fixtures

private let exampleSweep = SampleData.mixtureExampleSweep.path
private let exampleMixtures = SampleData.mixtureExampleMixtures.path
private let exampleReplicates = SampleData.mixtureExampleReplicates.path

/// The public leaderboard fixture of the model tests: it has no mixtures.
private let leaderboard = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("IRTModelTests/Fixtures/public/open_llm_leaderboard_20231031.csv").path

/// Options that keep the analysis fast in a debug build.
private let fast = ["--draws", "30", "--rank-draws", "200", "--mixture-bootstrap", "50"]

/// The shipped example analysed with its mixtures by the executable, once: the
/// scratch folder (report in `report/`), and the run's output.
private let exampleRun: (scratch: Scratch, output: ProcessOutput)? = {
    guard executable != nil, let scratch = try? Scratch() else { return nil }
    let output = try? runExecutable([exampleSweep, "--noise", exampleReplicates, "--mixture", exampleMixtures,
                                     "--out", "report"] + fast, in: scratch.url)
    return output.map { (scratch, $0) }
}()

/// The report folder's `result.json` as a dictionary, and its `mixture` block.
private func exampleResult() throws -> (result: [String: Any], mixture: [String: Any]) {
    let run = try #require(exampleRun)
    try #require(run.output.status == 0, "\(run.output.stderr)")
    let data = try Data(contentsOf: run.scratch.url.appendingPathComponent("report/result.json"))
    let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return (result, try #require(result["mixture"] as? [String: Any]))
}

/// The first `count` data rows of the example's mixture file, with its header.
private func exampleMixtureRows(_ count: Int) throws -> String {
    let lines = try String(contentsOfFile: exampleMixtures, encoding: .utf8).split(separator: "\n")
    return lines.prefix(count + 1).joined(separator: "\n") + "\n"
}

/// A mixture file of 3 runs of the example's sweep with `row` as the second data row's cells after the run name.
private func smallMixture(second row: String) -> String {
    "run_name,phase_1_a,phase_1_b,phase_2_a,phase_2_b\nrun_000,0.5,0.5,0.25,0.75\nrun_001,\(row)\nrun_002,0.1,0.9,0.6,0.4\n"
}

private let executableBuilt = executable != nil

/// The text of `<section id="id">…</section>` of a page.
private func htmlSection(_ html: String, _ id: String) -> String? {
    guard let start = html.range(of: "<section id=\"\(id)\">"),
          let end = html.range(of: "</section>", range: start.upperBound..<html.endIndex) else { return nil }
    return String(html[start.lowerBound..<end.upperBound])
}

private func occurrences(_ needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}

// MARK: - End to end on the shipped example

@Suite("irt-report --mixture: the shipped example", .serialized)
struct MixtureExampleTests {
    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func resultJSONHoldsTheMixtureBlock() throws {
        let (result, m) = try exampleResult()
        for key in ["matched_runs", "unmatched", "phases", "surrogates", "effects", "proposals", "objective",
                    "not_predictable", "notes", "dropped_constant_columns"] {
            #expect(m[key] != nil, "mixture.\(key)")
        }
        #expect(m["matched_runs"] as? Int == 96)
        let unmatched = try #require(m["unmatched"] as? [String: [String]])
        #expect(unmatched["runs_without_mixture"] == ["run_096", "run_097"])
        #expect(unmatched["mixtures_without_run"] == ["run_098"])
        #expect(m["dropped_constant_columns"] as? [String] == ["phase_2_synthetic"])
        let phases = try #require(m["phases"] as? [[String: Any]])
        #expect(phases.map { $0["name"] as? String } == ["phase_1", "phase_2"])
        #expect(phases.map { ($0["columns"] as? [String])?.count } == [6, 6])
        // One chosen surrogate per score: the aggregate and every factor.
        let k = try #require(result["k"] as? Int)
        let surrogates = try #require(m["surrogates"] as? [[String: Any]])
        let scores = ["aggregate"] + (1...k).map { "theta_\($0)" }
        for score in scores {
            let rows = surrogates.filter { $0["score"] as? String == score }
            #expect(rows.count >= 2, "\(score): two surrogate families")
            #expect(rows.filter { $0["chosen"] as? Bool == true }.count == 1, "\(score): one chosen")
            #expect(rows.allSatisfy { $0["ceiling_r2"] is Double }, "\(score): a ceiling from the replicates")
        }
        #expect(m["objective"] as? String == "aggregate")
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func proposalsCSVAgreesWithResultJSON() throws {
        let (_, m) = try exampleResult()
        let run = try #require(exampleRun)
        let proposals = try #require(m["proposals"] as? [[String: Any]])
        // Up to the 3 asked for; fewer are said in a note (the others were not diverse enough).
        #expect((1...3).contains(proposals.count))
        if proposals.count < 3 {
            #expect((m["notes"] as? [String] ?? []).contains { $0.contains("of the 3 proposals asked for") })
        }
        let csv = try CSVReader.read(contentsOf: run.scratch.url.appendingPathComponent("report/proposals.csv"))
        let input = try CSVReader.read(contentsOf: URL(fileURLWithPath: exampleMixtures))
        #expect(csv.header == ["run"] + input.header.dropFirst())
        #expect(csv.rows.map { $0[0] } == proposals.indices.map { "proposal_\($0 + 1)" })
        for (row, proposal) in zip(csv.rows, proposals) {
            let weights = try #require(proposal["weights"] as? [String: Double])
            for (j, column) in csv.header.enumerated().dropFirst() {
                let value = try #require(Double(row[j]), "\(column): \(row[j])")
                if column == "phase_2_synthetic" {
                    #expect(value == 0, "a dropped constant column keeps its constant")
                } else {
                    let expected = try #require(weights[column], "\(column)")
                    #expect(abs(value - expected) <= 1e-9 * max(1, abs(expected)), "\(column)")
                }
            }
            for phase in ["phase_1_", "phase_2_"] {
                let sum = csv.header.indices.filter { csv.header[$0].hasPrefix(phase) }.reduce(0.0) { $0 + Double(row[$1])! }
                #expect(abs(sum - 1) < 1e-6, "\(row[0]) \(phase) sums to \(sum)")
            }
            let tv = try #require(proposal["tv_to_nearest"] as? Double)
            #expect(tv <= 0.25 + 1e-9, "inside the trust region")
        }
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func tablesAndPageShowTheStudy() throws {
        let (_, m) = try exampleResult()
        let run = try #require(exampleRun)
        let folder = run.scratch.url.appendingPathComponent("report")
        let predictability = try CSVReader.read(contentsOf: folder.appendingPathComponent("mixture_predictability.csv"))
        #expect(predictability.rows.count == (m["surrogates"] as? [Any])?.count)
        let effects = try CSVReader.read(contentsOf: folder.appendingPathComponent("mixture_effects.csv"))
        #expect(effects.rows.count == (m["effects"] as? [Any])?.count)
        #expect(!effects.rows.isEmpty)
        let html = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        let mixture = try #require(htmlSection(html, "mixture"))
        #expect(mixture.contains("<svg"))
        #expect(mixture.contains("class=\"effect"))
        #expect(occurrences("<tr><td>proposal_", in: mixture) == (m["proposals"] as? [Any])?.count)
        #expect(html.contains("<a href=\"#mixture\">Mixture</a>"))
        #expect(html.contains("96 runs matched to a mixture"))
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func summarySaysEveryDecision() throws {
        let run = try #require(exampleRun)
        let out = run.output.stdout
        #expect(out.contains("96 runs matched to a mixture in mixture_example_mixtures.csv"))
        // The study's notes name every run left out and every column dropped.
        #expect(out.contains("2 run(s) of the sweep have no mixture row and are left out: run_096, run_097"))
        #expect(out.contains("1 mixture row(s) name no run of the sweep and are left out: run_098"))
        #expect(out.contains("constant weight column(s)") && out.contains("phase_2_synthetic"))
        #expect(out.contains("theta_3 is not predictable from the mixture — do not optimize it"))
        #expect(out.contains("NOT PREDICTABLE from the mixture — do not optimize it"))
        #expect(out.contains("Predictability (5-fold out-of-fold"))
        #expect(out.contains("proposal_1: predicted aggregate"))
        #expect(out.contains("as the surrogates predict it (the floors): aggregate "))
        #expect(out.contains("mixture_predictability.csv, mixture_effects.csv, proposals.csv"))
        #expect(run.output.stderr.isEmpty || !run.output.stderr.contains("error"))
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func theSubcommandOnTheSavedModelGivesTheSameStudy() throws {
        let (_, m) = try exampleResult()
        let run = try #require(exampleRun)
        let out = try runExecutable(["mixture", "report/model.json", exampleMixtures, "--mixture-bootstrap", "50",
                                     "--json", "mixture.json", "--proposals-csv", "next.csv"], in: run.scratch.url)
        try #require(out.status == 0, "\(out.stderr)")
        let data = try Data(contentsOf: run.scratch.url.appendingPathComponent("mixture.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["seed"] as? Int == 42, "the analysis' --seed, from model.json")
        let block = try #require(object["mixture"] as? [String: Any])
        #expect(NSDictionary(dictionary: block).isEqual(to: m), "the same scores and seed give the same study")
        let next = try String(contentsOf: run.scratch.url.appendingPathComponent("next.csv"), encoding: .utf8)
        let report = try String(contentsOf: run.scratch.url.appendingPathComponent("report/proposals.csv"), encoding: .utf8)
        #expect(next == report)
        #expect(out.stdout.contains("Predictability"))
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func theSubcommandAddsNewRunsAndListsThoseWithoutMixture() throws {
        let run = try #require(exampleRun)
        let out = try runExecutable(["mixture", "report/model.json", exampleMixtures, exampleReplicates,
                                     "--mixture-bootstrap", "50", "--proposals", "0", "--json", "new.json"], in: run.scratch.url)
        try #require(out.status == 0, "\(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: run.scratch.url.appendingPathComponent("new.json"))) as? [String: Any])
        let block = try #require(object["mixture"] as? [String: Any])
        #expect(block["matched_runs"] as? Int == 96)
        let unmatched = try #require(block["unmatched"] as? [String: [String]])
        #expect(unmatched["runs_without_mixture"] == ["run_096", "run_097"] + (0..<10).map { "run_000_seed_\($0)" })
        #expect(out.stdout.contains("10 run(s) of mixture_example_replicates.csv scored with the model and added"))
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func aNewRunNamedLikeASweepRunIsRefused() throws {
        let run = try #require(exampleRun)
        let replicates = try String(contentsOfFile: exampleReplicates, encoding: .utf8)
            .replacingOccurrences(of: "run_000_seed_3,", with: "run_005,")
        _ = try run.scratch.write(replicates, to: "clash.csv")
        let out = try runExecutable(["mixture", "report/model.json", exampleMixtures, "clash.csv"], in: run.scratch.url)
        #expect(out.status == 1)
        #expect(out.stderr == "irt-report: error: report/model.json and clash.csv: run \"run_005\" occurs 2 times; the mixture file is joined to the runs by name, so each run needs a name of its own\n")
    }
}

// MARK: - Refusals

@Suite("irt-report --mixture: refusals")
struct MixtureRefusalTests {
    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func fewerThan20MatchedRunsIsRefusedWithTheCount() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let mixture = try scratch.write(try exampleMixtureRows(15), to: "few.csv")
        let out = try runExecutable([exampleSweep, "--mixture", mixture, "--out", "report"] + fast, in: scratch.url)
        #expect(out.status == 1)
        #expect(out.stderr == "irt-report: error: few.csv: 15 run(s) have both a mixture and scores; the mixture step needs at least 20\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("report")), "nothing is written")
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func theOpenLLMLeaderboardHasNoMixtures() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let base = [leaderboard, "--tasks", "ARC*", "--tasks", "HellaSwag*", "--tasks", "MMLU*", "--tasks", "TruthfulQA*",
                    "--run-column", "Model", "--factors", "1", "--draws", "20", "--out", "report"]
        // The example's mixtures name none of its models.
        let none = try runExecutable(base + ["--mixture", exampleMixtures, "--mixture-run-column", "run_name"], in: scratch.url)
        #expect(none.status == 1)
        #expect(none.stderr == "irt-report: error: mixture_example_mixtures.csv: 0 run(s) have both a mixture and scores; the mixture step needs at least 20\n")
        // Its own numeric columns are no mixture: they do not sum to 1 (refused before the analysis).
        let itself = try runExecutable(base + ["--mixture", leaderboard], in: scratch.url)
        #expect(itself.status == 1)
        #expect(itself.stderr.hasPrefix("irt-report: error: open_llm_leaderboard_20231031.csv:2: run \"ValiantLabs/ShiningValiant\": the weights of phase \"all\" sum to"))
        #expect(itself.stderr.filter { $0 == "\n" }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("report")))
    }

    /// Bad mixture files: one line naming file, line and column, exit 1, before the analysis.
    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"), arguments: [
        (smallMixture(second: "0.5,0.5,-0.25,1.25"), "bad.csv:3: column \"phase_2_a\": weight -0.25 is negative"),
        (smallMixture(second: "0.5,0.5,NaN,0.5"), "bad.csv:3: column \"phase_2_a\": expected a finite mixture weight, found \"NaN\""),
        (smallMixture(second: "0.5,0.5,lots,0.5"), "bad.csv:3: column \"phase_2_a\": expected a mixture weight (a number such as 0.05), found \"lots\""),
        (smallMixture(second: "0.5,0.6,0.25,0.75"), "bad.csv:3: run \"run_001\": the weights of phase \"phase_1\" sum to"),
        ("run_name,phase_1_a,phase_1_b\nrun_000,0.5,0.5\n,0.4,0.6\n", "bad.csv:3: column \"run_name\": the run name is empty"),
        ("run_name,phase_1_a,phase_1_b,phase_2_a\nrun_000,0.5,0.5,1\nrun_001,0.4,0.6,1\n",
         "bad.csv:1: phase \"phase_2\" has one weight column (\"phase_2_a\")"),
        ("run_name,phase_1_a,phase_1_b\nrun_000,0.5,0.5\nrun_001,0.4,0.6\nrun_000,0.3,0.7\n",
         "bad.csv:4: run \"run_000\" appears again (first on line 2)"),
        ("run_name,note\nrun_000,hello\n", "bad.csv: no weight column"),
    ])
    func badMixtureFiles(text: String, expected: String) throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        _ = try scratch.write(text, to: "bad.csv")
        let out = try runExecutable([exampleSweep, "--mixture", "bad.csv", "--out", "report", "--draws", "20"], in: scratch.url)
        #expect(out.status == 1, "\(out.stderr)")
        #expect(out.stderr.hasPrefix("irt-report: error: " + expected), "\(out.stderr)")
        #expect(out.stderr.filter { $0 == "\n" }.count == 1, "one line")
        #expect(out.stdout.isEmpty, "refused before the analysis starts")
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func anUnknownRunColumnNamesIt() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let out = try runExecutable([exampleSweep, "--mixture", exampleMixtures, "--mixture-run-column", "model",
                                     "--out", "report"], in: scratch.url)
        #expect(out.status == 1)
        #expect(out.stderr == "irt-report: error: mixture_example_mixtures.csv:1: no run-name column \"model\"; name it with --mixture-run-column\n")
    }

    /// Usage errors found once k and the runs are known: exit 2, one line naming the option.
    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"), arguments: [
        (["--objective", "factor:9"], "irt-report: error: --objective: objective \"factor:9\": expected aggregate, balanced or factor:J with J a fitted factor"),
        (["--reference-run", "no_such_run"], "irt-report: error: --reference-run no_such_run: not among the runs with both a mixture and scores"),
    ])
    func usageErrorsAfterTheAnalysis(arguments: [String], expected: String) throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let out = try runExecutable([exampleSweep, "--noise", exampleReplicates, "--mixture", exampleMixtures,
                                     "--out", "report"] + fast + arguments, in: scratch.url)
        #expect(out.status == 2)
        #expect(out.stderr.hasPrefix(expected), "\(out.stderr)")
        #expect(out.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test(arguments: [
        (["--mixture", "/nonexistent/m.csv"], "--mixture: no such file: /nonexistent/m.csv"),
        (["--objective", "factor:2"], "--objective applies to the mixture step; give --mixture FILE.csv"),
        (["--max-tv", "0.3", "--proposals", "5"], "--max-tv, --proposals apply to the mixture step; give --mixture FILE.csv"),
        (["--mixture", exampleMixtures, "--objective", "best"], "--objective best: expected aggregate, balanced or factor:J"),
        (["--mixture", exampleMixtures, "--objective", "factor:0"], "--objective factor:0: expected aggregate, balanced or factor:J"),
        (["--mixture", exampleMixtures, "--max-tv", "0"], "--max-tv must be in (0, 1] (got 0.0)"),
        (["--mixture", exampleMixtures, "--max-tv", "-0.1"], "--max-tv must be in (0, 1] (got -0.1)"),
        (["--mixture", exampleMixtures, "--proposals", "-1"], "--proposals must be between 0 and 100 (got -1)"),
        (["--mixture", exampleMixtures, "--mixture-bootstrap", "0"], "--mixture-bootstrap must be between 1 and 10000 (got 0)"),
        (["--mixture", exampleMixtures, "--mixture-columns", " "], "--mixture-columns needs a column-name pattern"),
        (["--mixture", exampleMixtures, "--json", exampleMixtures], "is the --mixture file; writing there would overwrite your input"),
    ])
    func usageErrors(arguments: [String], expected: String) {
        let message = validationMessage([exampleSweep] + arguments)
        #expect(message.contains(expected), "\(arguments): \(message)")
    }

    @Test func aCorrelationMatrixHasNoRunsToJoin() {
        let message = validationMessage(["--correlation", exampleSweep, "--n-obs", "10", "--mixture", exampleMixtures])
        #expect(message.contains("--mixture joins mixtures to runs, and --correlation has no runs"), "\(message)")
    }

    @Test(.enabled(if: executableBuilt, "irt-report executable not built next to the tests"))
    func theMixtureFileIsNeverOverwrittenOrDeleted() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let text = try String(contentsOfFile: exampleMixtures, encoding: .utf8)
        let mixture = try scratch.write(text, to: "mixtures.csv")
        let clobber = try runExecutable([exampleSweep, "--mixture", "mixtures.csv", "--json", "mixtures.csv",
                                         "--out", "report", "--draws", "20"], in: scratch.url)
        #expect(clobber.status == 2)
        #expect(clobber.stderr.contains("--json mixtures.csv is the --mixture file; writing there would overwrite your input"))
        // Inside --out, it would be deleted with the earlier report.
        try FileManager.default.createDirectory(atPath: scratch.path("report"), withIntermediateDirectories: true)
        let inside = try scratch.write(text, to: "report/mixtures.csv")
        let deleted = try runExecutable([exampleSweep, "--mixture", inside, "--out", "report", "--draws", "20"], in: scratch.url)
        #expect(deleted.status == 2)
        #expect(deleted.stderr.contains("--mixture \(inside) is inside --out ") && deleted.stderr.contains("which is replaced on every run"))
        #expect(try String(contentsOfFile: mixture, encoding: .utf8) == text)
        #expect(try String(contentsOfFile: inside, encoding: .utf8) == text)
        // The subcommand's outputs may not name an input either.
        let sub = try runExecutable(["mixture", exampleSweep, "mixtures.csv", "--proposals-csv", "mixtures.csv"], in: scratch.url)
        #expect(sub.status == 2)
        #expect(sub.stderr.contains("--proposals-csv mixtures.csv is the MIXTURE.csv file; writing there would overwrite your input"))
        #expect(try String(contentsOfFile: mixture, encoding: .utf8) == text)
    }
}

// MARK: - Scores

@Suite("irt-report --mixture: the scores")
struct MixtureScoresTests {
    @Test func aggregateAndFactorsAndTheirNoiseShares() throws {
        let theta: [[Double]] = [[1, 0], [0, 2], [2, 1], [-1, -1]]
        let noise = try #require(SeedNoise(theta: [[0.1, 0], [-0.1, 0.2], [0, -0.2]],
                                           posteriors: Array(repeating: [[0, 0], [0, 0]], count: 3)))
        let scores = MixtureScores.scores(theta: theta, aggregate: [0.25, 0.75], aggregateFormula: "f",
                                          factorLabels: ["a", "b"], balanced: [0.5, 0.5], seedNoise: noise)
        #expect(scores.map(\.name) == ["aggregate", "theta_1", "theta_2", "balanced"])
        #expect(scores[0].values == [0.25, 1.5, 1.25, -1])
        #expect(scores[1].values == [1, 0, 2, -1] && scores[2].values == [0, 2, 1, -1])
        #expect(scores[3].values == [0.5, 1, 1.5, -1])
        #expect(scores[1].label == "a" && scores[0].label == "f")
        // Noise share = wᵀΣ̂w / Var(s), Σ̂ from the three deviations by hand.
        let s11 = (0.01 + 0.01 + 0) / 2, s22 = (0 + 0.04 + 0.04) / 2, s12 = (0 - 0.02 + 0) / 2
        func variance(_ x: [Double]) -> Double {
            let m = x.reduce(0, +) / Double(x.count)
            return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
        }
        #expect(abs(scores[1].noiseShare! - s11 / variance([1, 0, 2, -1])) < 1e-14)
        #expect(abs(scores[2].noiseShare! - s22 / variance([0, 2, 1, -1])) < 1e-14)
        let c = [0.25, 0.75]
        let aggregateNoise = c[0] * c[0] * s11 + 2 * c[0] * c[1] * s12 + c[1] * c[1] * s22
        #expect(abs(scores[0].noiseShare! - aggregateNoise / variance(scores[0].values)) < 1e-14)
    }

    @Test func withoutSeedNoiseThereIsNoShareAndATinySpreadCapsAt1() throws {
        let none = MixtureScores.scores(theta: [[1], [2], [3]], aggregate: [1], aggregateFormula: "f",
                                        factorLabels: ["a"], balanced: nil, seedNoise: nil)
        #expect(none.map(\.name) == ["aggregate", "theta_1"])
        #expect(none.allSatisfy { $0.noiseShare == nil })
        let loud = try #require(SeedNoise(theta: [[10], [-10]], posteriors: [[[0]], [[0]]]))
        let capped = MixtureScores.scores(theta: [[1], [2], [3]], aggregate: [1], aggregateFormula: "f",
                                          factorLabels: ["a"], balanced: nil, seedNoise: loud)
        #expect(capped.allSatisfy { $0.noiseShare == 1 })
        let constant = MixtureScores.scores(theta: [[1], [1]], aggregate: [1], aggregateFormula: "f",
                                            factorLabels: ["a"], balanced: nil, seedNoise: loud)
        #expect(constant.allSatisfy { $0.noiseShare == nil }, "no spread: no share")
        #expect(MixtureScores.scores(theta: [], aggregate: [1], aggregateFormula: "f", factorLabels: ["a"],
                                     balanced: nil, seedNoise: loud).allSatisfy { $0.values.isEmpty && $0.noiseShare == nil })
    }

    @Test func balancedWeightsComeFromTheDefinitionTheComparisonOrTheta() throws {
        let mean = AggregateDefinition.mean(factors: 2)
        #expect(try MixtureScores.balancedWeights(definition: mean, comparison: [0.3, 0.7], theta: [], note: nil) == [0.3, 0.7])
        // Uncorrelated factors with sds 1 and 2: weights ∝ 1/sd, i.e. (2/3, 1/3).
        let theta: [[Double]] = [[1, 2], [-1, 2], [1, -2], [-1, -2]]
        let computed = try MixtureScores.balancedWeights(definition: mean, comparison: nil, theta: theta, note: nil)
        #expect(abs(computed[0] - 2.0 / 3) < 1e-8 && abs(computed[1] - 1.0 / 3) < 1e-8)
        #expect(throws: MixtureError.self) {
            try MixtureScores.balancedWeights(definition: mean, comparison: nil, theta: [[1, 1], [2, 2], [3, 3]], note: "singular")
        }
    }

    @Test func repeatedRunNamesAreFound() {
        #expect(MixtureStep.repeatedName([]) == nil)
        #expect(MixtureStep.repeatedName(["a"]) == nil)
        #expect(MixtureStep.repeatedName(["a", "b", "c"]) == nil)
        let repeated = MixtureStep.repeatedName(["a", "b", "a", "b", "a"])
        #expect(repeated?.name == "a" && repeated?.count == 3)
    }
}
