import Foundation
import IRTModel
import IRTSampleData
import Testing
@testable import IRTCommandLine
@testable import IRTReport

/// `irt-report score`: new runs against a saved model.json, in-process.
@Suite("irt-report score")
struct ScoreCommandTests {
    /// A report of the bundled sample written once into a temporary folder (20 draws).
    static let report: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("irt-score-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let out = folder.appendingPathComponent("report")
        precondition(IRTReportTool.exitCode(running: ["--draws", "20", "--out", out.path, "--quiet"]) == 0)
        return out
    }()

    static func temporary(_ name: String) -> String {
        report.deletingLastPathComponent().appendingPathComponent(name).path
    }

    @Test("analyze (the default subcommand) writes model.json beside the report; score reproduces its θ")
    func scoreTheSweep() throws {
        let model = Self.report.appendingPathComponent("model.json").path
        let json = Self.temporary("scores.json"), csv = Self.temporary("scores.csv")
        #expect(IRTReportTool.exitCode(running: ["score", model, SampleData.sweep.path, "--json", json, "--csv", csv, "-q"]) == 0)
        let scores = try JSONCoding.decoder().decode(ScoreReport.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        let result = try JSONCoding.decoder().decode(
            AnalysisResult.self, from: Data(contentsOf: Self.report.appendingPathComponent("result.json")))
        // The two failed rows are skipped and listed; the rest match the sweep's θ.
        #expect(scores.runNames == result.runNames)
        #expect(scores.skippedRuns.map(\.run) == ["run_failed_a", "run_failed_b"])
        #expect(maxDifference(scores.theta, result.theta) < 1e-10)
        #expect(scores.coverage.allSatisfy { $0 == 1 })
        // A sweep run's rank among the sweep is its own leaderboard rank.
        let rankOf = Dictionary(uniqueKeysWithValues: result.leaderboard.map { ($0.runName, $0.rank) })
        for (i, name) in scores.runNames.enumerated() {
            #expect(scores.rank[i] == rankOf[name]!)
            #expect(scores.rankInterval[i][0] <= scores.rank[i] + 1 && scores.rank[i] <= scores.rankInterval[i][1] + 1)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(Set(["run_names", "theta", "theta_sd", "aggregate", "aggregate_sd", "coverage", "rank", "rank_interval"])
            .isSubset(of: object.keys))
        let table = try CSVReader.parse(String(contentsOfFile: csv, encoding: .utf8), source: "scores.csv")
        #expect(table.rows.count == result.nRuns)
        #expect(Array(table.header.prefix(7)) == ["run_name", "aggregate", "aggregate_sd", "rank", "rank_low", "rank_high", "coverage"])
    }

    @Test("Runs with some tasks are scored from those, with coverage; the table says so")
    func partialRuns() throws {
        let model = try FittedModel(contentsOf: Self.report.appendingPathComponent("model.json"))
        let names = model.tasks.prefix(5).map(\.name)
        let csv = "run_name," + names.joined(separator: ",") + "\nnew_a,1.1,1.2,1.3,1.4,1.5\nnew_b,1.0,,,,\nnew_c,,,,,\n"
        let runs = Self.temporary("new.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: runs))
        var command = try ScoreCommand.parse([Self.report.appendingPathComponent("model.json").path, runs])
        let report = try command.score()
        #expect(report.runNames == ["new_a", "new_b"])
        #expect(report.coverage == [5 / Double(model.tasks.count), 1 / Double(model.tasks.count)])
        #expect(report.skippedRuns.map(\.run) == ["new_c"])
        #expect(report.aggregateSD[1] > report.aggregateSD[0])
        let table = ScoreCommand.table(report)
        #expect(table.contains("new_a") && table.contains("coverage") && table.contains("new_c"))
        command.quiet = true
        try command.run()
    }

    @Test("A result.json, a future schema or a missing file: exit 1 or 2 with one line")
    func badModels() throws {
        let runs = SampleData.fixedSubsetNoise.path
        #expect(IRTReportTool.exitCode(running: ["score", Self.report.appendingPathComponent("result.json").path, runs]) == 1)
        #expect(IRTReportTool.exitCode(running: ["score", Self.temporary("nope.json"), runs]) == 2)
        let future = Self.temporary("future.json")
        try Data(#"{"schema_version": 999, "irtkit_version": "9.0"}"#.utf8).write(to: URL(fileURLWithPath: future))
        #expect(throws: AnalysisError.self) { try ScoreCommand.parse([future, runs]).score() }
        #expect(IRTReportTool.exitCode(running: ["score", future, runs, "--rank-draws", "0"]) == 2)
        let model = Self.report.appendingPathComponent("model.json").path
        #expect(IRTReportTool.exitCode(running: ["score", model, runs, "--json", runs]) == 2)
    }

    @Test("Duplicate run names in a scored file are warned about; a file of only failed rows says so")
    func duplicateNamesAndStatus() throws {
        let model = try FittedModel(contentsOf: Self.report.appendingPathComponent("model.json"))
        let names = model.tasks.prefix(3).map(\.name)
        let csv = "run_name,status," + names.joined(separator: ",")
            + "\ndup,completed,1.1,1.2,1.3\nother,completed,1.0,1.1,1.2\ndup,completed,1.2,1.3,1.4\n"
        let runs = Self.temporary("dups.csv")
        try Data(csv.utf8).write(to: URL(fileURLWithPath: runs))
        let report = try ScoreCommand.parse([Self.report.appendingPathComponent("model.json").path, runs]).score()
        let w = try #require(report.warnings.first { $0.kind == .duplicateRunNames })
        #expect(w.subjects == ["dup"])
        #expect(ScoreCommand.table(report).contains("dup (2×)"))   // the table a person reads says how often

        let failed = Self.temporary("failed.csv")
        try Data(csv.replacingOccurrences(of: "completed", with: "failed").utf8).write(to: URL(fileURLWithPath: failed))
        #expect(throws: AnalysisError.rowsSkippedForStatus(file: "failed.csv", skipped: 3, rows: 3, statuses: ["failed": 3],
                                                           required: "completed", needed: 1)) {
            try ScoreCommand.parse([Self.report.appendingPathComponent("model.json").path, failed]).score()
        }
    }

    private func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
    }
}
