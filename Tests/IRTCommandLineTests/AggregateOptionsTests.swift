import ArgumentParser
import Foundation
@testable import IRTCommandLine
import IRTModel
import IRTReport
import IRTSampleData
import Testing

/// `--aggregate`, `--aggregate-weights` and `--task-group`: parsing, usage
/// errors (exit 2, one line), and what they change in result.json and model.json.
@Suite("irt-report: aggregate options")
struct AggregateOptionsTests {
    @Test("Bad values are one-line usage errors naming the option", arguments: [
        (["--aggregate-weights", "1,x,2"], "weight 2 (\"x\") is not a finite number"),
        (["--aggregate-weights", "1,,2"], "weight 2 (\"\") is not a finite number"),
        (["--aggregate-weights", "-1,0.5"], "sum to -0.5"),
        (["--aggregate-weights", "0,0"], "sum to 0.0"),
        (["--aggregate-weights", "1,inf"], "not a finite number"),
        (["--aggregate-weights", "1,1", "--aggregate", "balanced"], "both define the aggregate"),
        (["--aggregate", "median"], "--aggregate"),
        (["--task-group", "paloma"], "--task-group paloma: task group rule \"paloma\" has no \"=\""),
        (["--task-group", "=x"], "needs a pattern and a name"),
        (["--correlation", "c.csv", "--n-obs", "10", "--aggregate", "balanced"], "--correlation has no runs"),
    ])
    func badValues(arguments: [String], expected: String) {
        let message = validationMessage(arguments)
        #expect(message.contains(expected), "\(arguments): \(message)")
        #expect(!message.contains("\n"))
    }

    @Test("Options reach the library: weights, balanced, groups; none given is the mean")
    func options() throws {
        #expect(try AnalyzeCommand.parse([]).analysisOptions().aggregate == AggregateOptions())
        let weights = try AnalyzeCommand.parse(["--aggregate-weights", " 1, 2 ,3", "--task-group", "eval/paloma/*=paloma",
                                                "--task-group", "a=b=c"]).analysisOptions().aggregate
        #expect(weights.definition == .weights([1, 2, 3]))
        #expect(weights.taskGroups.rules.map(\.name) == ["paloma", "c"] && weights.taskGroups.rules[1].pattern.pattern == "a=b")
        #expect(try AnalyzeCommand.parse(["--aggregate", "balanced"]).analysisOptions().aggregate.definition == .balanced)
    }

    @Test("Weights of another count than k are a usage error (exit 2) once k is known, and nothing is written")
    func wrongCount() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let out = scratch.path("o")
        let arguments = ["--factors", "2", "--draws", "5", "--no-start-check", "--aggregate-weights", "1,2,3", "--out", out, "-q"]
        #expect(AnalyzeCommand.exitCode(running: arguments) == 2)
        let command = try AnalyzeCommand.parse(arguments)
        #expect(throws: SelectionUsageError("--aggregate-weights: 3 weight(s) given, but the model has k = 2 factor(s) (θ1…θ2); give one weight per factor, e.g. --aggregate-weights 1,1")) {
            try command.run()
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("Given weights define the leaderboard's aggregate, result.json says so, and score uses model.json's weights")
    func weightsEndToEnd() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let out = scratch.url.appendingPathComponent("o")
        try AnalyzeCommand.parse(["--factors", "2", "--draws", "5", "--no-start-check", "--aggregate-weights", "3,1",
                                  "--out", out.path, "-q"]).run()
        let result = try ResultJSON.decoder().decode(AnalysisResult.self,
                                                     from: Data(contentsOf: out.appendingPathComponent("result.json")))
        let d = try #require(result.aggregateDefinition)
        #expect(d.kind == .weights && d.factorWeights == [0.75, 0.25])
        for e in result.leaderboard { #expect(abs(e.aggregate - (0.75 * e.theta[0] + 0.25 * e.theta[1])) < 1e-14) }
        let made = try #require(result.aggregateWeights)
        #expect(made.tasks.count == result.nTasks && abs(made.tasks.reduce(0) { $0 + $1.share } - 1) < 1e-12)
        let model = try FittedModel(contentsOf: out.appendingPathComponent("model.json"))
        #expect(model.aggregateDefinition.factorWeights == [0.75, 0.25])
        #expect(model.tasks.allSatisfy { $0.aggregateWeight != nil })
        let scored = try model.score(EvalMatrix(contentsOf: SampleData.sweep))
        for (i, name) in scored.runNames.enumerated() {
            guard let e = result.leaderboard.first(where: { $0.runName == name }) else { continue }
            #expect(abs(scored.aggregate[i] - e.aggregate) < 1e-12)
        }
        let json = try String(contentsOf: out.appendingPathComponent("result.json"), encoding: .utf8)
        #expect(json.contains("\"aggregate_weights\"") && json.contains("\"effective_tasks\"") && json.contains("\"by_group\""))
        #expect(json.contains("\"balanced_comparison\""))
        let summary = Summary.text(result, reportPath: "index.html")
        #expect(summary.contains("Top 10 of \(result.leaderboard.count) runs by aggregate (0.75·θ1 + 0.25·θ2, given weights;"))
        #expect(summary.contains("\nAggregate: 0.75·θ1 + 0.25·θ2, given weights (factor weights 0.750, 0.250)\n  Made of: "))
        #expect(summary.contains("effective tasks") && summary.contains("\n  By group: "))
        #expect(summary.contains("against the mean of θ: Spearman ρ = "))
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<section id=\"makeup\">") && html.contains("<a href=\"#makeup\">"))
        #expect(html.contains("What the aggregate is made of"))
    }
}
