import ArgumentParser
import Foundation
import IRTModel
@testable import IRTReport
@testable import IRTCommandLine
import Testing

// MARK: - Helpers

/// The public leaderboard fixture of the model tests.
private let leaderboard = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("IRTModelTests/Fixtures/public/open_llm_leaderboard_20231031.csv")

private let benchmarks = ["ARC(25-shot)", "HellaSwag(10-shot)", "MMLU(5-shot)", "TruthfulQA(0-shot)"]

/// A scratch directory removed by `cleanup()`.
private struct Directory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("irt-selection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ text: String, to name: String) throws -> String {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
        return path(name)
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// The leaderboard with the cells of `models` (row indices) in ARC emptied.
private func leaderboardWithGaps(rows: Set<Int>) throws -> String {
    let lines = try String(contentsOf: leaderboard, encoding: .utf8).split(separator: "\n").map(String.init)
    return lines.enumerated().map { i, line in
        guard i > 0, rows.contains(i - 1) else { return line }
        var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[2] = i % 2 == 0 ? "" : "NA"
        return fields.joined(separator: ",")
    }.joined(separator: "\n") + "\n"
}

private func result(at path: String) throws -> AnalysisResult {
    try ResultJSON.decoder().decode(AnalysisResult.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
}

// MARK: - Parsing and validation

@Suite("irt-report: task selection, run column and gaps — options")
struct CLISelectionOptionTests {
    @Test func defaults() throws {
        let command = try AnalyzeCommand.parse([])
        #expect(command.tasks.isEmpty && command.exclude.isEmpty)
        #expect(command.higherIsBetter.isEmpty && command.lowerIsBetter.isEmpty)
        #expect(command.selection == nil && command.runColumn == nil && command.missingTokens.isEmpty)
        #expect(command.missing == .fit && command.minCoverage == 0.5)
        #expect(!command.choosesTasks)
        let options = command.analysisOptions()
        #expect(options.missing == .fit && options.minCoverage == 0.5 && options.runColumn == nil)
    }

    @Test func everyOptionParses() throws {
        let command = try AnalyzeCommand.parse([
            leaderboard.path, "--tasks", "ARC*", "--tasks", "MMLU*", "--exclude", "Average", "--higher-is-better", "ARC*",
            "--lower-is-better", "MMLU*", "--run-column", "Model", "--missing-token", "-1", "--missing-token", "n/a",
            "--missing", "drop-runs", "--min-coverage", "0.25",
        ])
        #expect(command.tasks == ["ARC*", "MMLU*"] && command.exclude == ["Average"])
        #expect(command.higherIsBetter == ["ARC*"] && command.lowerIsBetter == ["MMLU*"])
        #expect(command.runColumn == "Model" && command.missingTokens == ["-1", "n/a"])
        #expect(command.missing == .dropRuns && command.minCoverage == 0.25 && command.choosesTasks)
        let options = command.analysisOptions()
        #expect(options.missing == .dropRuns && options.minCoverage == 0.25)
        #expect(options.runColumn == "Model" && options.missingTokens == ["-1", "n/a"])
    }

    @Test func helpDocumentsTheNewOptions() {
        let help = AnalyzeCommand.helpMessage(columns: 200)
        for text in ["--tasks <PATTERN>", "--exclude <PATTERN>", "--higher-is-better <PATTERN>", "--lower-is-better <PATTERN>",
                     "--selection <FILE.json>", "--run-column <NAME>", "--missing-token <TOKEN>",
                     "--missing <fit|drop-runs|error>", "default: fit", "--min-coverage <F>", "(default: 0.5)"] {
            #expect(help.contains(text), "\(text) missing from --help")
        }
    }

    @Test(arguments: [
        (["--min-coverage", "1.5"], "--min-coverage must be a share in [0, 1] (got 1.5)"),
        (["--min-coverage=-0.1"], "--min-coverage must be a share in [0, 1] (got -0.1)"),
        (["--tasks", ""], "--tasks needs a column-name pattern"),
        (["--exclude", " "], "--exclude needs a column-name pattern"),
        (["--run-column", ""], "--run-column needs a column name"),
        (["--missing", "impute"], "Please provide one of 'fit', 'drop-runs' or 'error'"),
        (["--selection", "/nonexistent/s.json"], "--selection: no such file: /nonexistent/s.json"),
    ])
    func badValues(arguments: [String], expected: String) {
        do {
            _ = try AnalyzeCommand.parse(arguments)
            Issue.record("\(arguments) must not parse")
        } catch {
            #expect(AnalyzeCommand.exitCode(for: error) == .validationFailure)
            #expect(AnalyzeCommand.message(for: error).contains(expected), "\(AnalyzeCommand.message(for: error))")
        }
    }

    @Test(arguments: [
        (#"{"include": ["a"], "exlude": ["b"]}"#, "unknown key \"exlude\""),
        (#"{"preset": "ref"}"#, "unknown preset \"ref\""),
        (#"{"include": "arc*"}"#, "are lists of patterns"),
        (#"{}"#, "needs \"include\" patterns"),
        ("not json", "--selection"),
    ])
    func badSelectionFiles(json: String, expected: String) throws {
        let dir = try Directory()
        defer { dir.cleanup() }
        let file = try dir.write(json, to: "s.json")
        do {
            _ = try AnalyzeCommand.parse(["--selection", file])
            Issue.record("\(json) must not parse")
        } catch {
            let message = AnalyzeCommand.message(for: error)
            #expect(message.contains("--selection \(file)") && message.contains(expected), "\(message)")
        }
    }

    @Test(arguments: [("plain", "plain"), ("ARC(25-shot)", "'ARC(25-shot)'"), ("it's", "'it'\\''s'"), ("", "''")])
    func shellQuoting(text: String, quoted: String) {
        #expect(AnalyzeCommand.shellQuoted(text) == quoted)
    }
}

// MARK: - End to end

@Suite("irt-report: task selection, run column and gaps — end to end")
struct CLISelectionEndToEndTests {
    @Test func leaderboardWithTasksExcludeAndRunColumn() throws {
        let dir = try Directory()
        defer { dir.cleanup() }
        let arguments = [leaderboard.path, "--tasks", "*", "--exclude", "Average", "--exclude", "Parameters",
                         "--run-column", "Model", "--draws", "50", "--out", dir.path("report"), "--json", dir.path("r.json"), "-q"]
        #expect(AnalyzeCommand.exitCode(running: arguments) == 0)
        let r = try result(at: dir.path("r.json"))
        #expect(r.tasks == benchmarks && r.nRuns == 109)
        #expect(r.runNames.first == "ValiantLabs/ShiningValiant")
        #expect(r.horn.k95 == 2)
        // --selection with the same patterns gives the same result.
        let selection = try dir.write(#"{"include": ["*"], "exclude": ["Average", "Parameters"]}"#, to: "s.json")
        #expect(AnalyzeCommand.exitCode(running: [leaderboard.path, "--selection", selection, "--run-column", "Model",
                                                    "--draws", "50", "--out", dir.path("report2"), "--json", dir.path("r2.json"), "-q"]) == 0)
        #expect(try result(at: dir.path("r2.json")) == r)
    }

    @Test func selectionIsPrintedAfterTheBanner() throws {
        let dir = try Directory()
        defer { dir.cleanup() }
        let command = try AnalyzeCommand.parse([leaderboard.path, "--tasks", "ARC*", "--tasks", "MMLU*", "--tasks", "HellaSwag*",
                                                  "--lower-is-better", "MMLU*", "--run-column", "Model", "--out", dir.path("o")])
        let sweep = try command.analysisOptions().reading(EvalMatrix(contentsOf: leaderboard))
        let selection = try command.taskSelection(for: sweep)
        let prepared = try PreparedSweep(sweep: sweep, selection: selection, missing: .fit, minCoverage: 0.5)
        let summary = AnalyzeCommand.selectionSummary(prepared)
        let lines = summary.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Tasks: 3 chosen by include \"ARC*\", \"MMLU*\", \"HellaSwag*\", lower is better \"MMLU*\"; runs named by column \"Model\"")
        #expect(lines[1].hasPrefix("  ARC(25-shot)") && lines[1].hasSuffix("higher is better  default (higher is better)"))
        #expect(lines[3].contains("MMLU(5-shot)") && lines[3].contains("lower is better") && lines[3].contains("explicit rule lower-is-better \"MMLU*\""))
        #expect(lines.count == 4)
    }

    @Test(.enabled(if: executable != nil, "irt-report executable not built next to the tests"))
    func theExecutablePrintsTheSelectionAndExitsByTheRules() throws {
        let dir = try Directory()
        defer { dir.cleanup() }
        let ok = try runExecutable([leaderboard.path, "--tasks", "ARC*", "--tasks", "HellaSwag*", "--tasks", "MMLU*", "--tasks", "TruthfulQA*",
                          "--exclude", "Average", "--run-column", "Model", "--draws", "30", "--out", "report"], in: dir.url)
        #expect(ok.status == 0, "\(ok.stderr)")
        let lines = ok.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("irt-report: analysing "))
        #expect(lines[1] == "Tasks: 4 chosen by include \"ARC*\", \"HellaSwag*\", \"MMLU*\", \"TruthfulQA*\", exclude \"Average\"; runs named by column \"Model\"")
        for (i, name) in benchmarks.enumerated() { #expect(lines[2 + i].hasPrefix("  \(name)")) }
        #expect(ok.stdout.contains("Runs n = 109, tasks p = 4"))

        // A pattern that matches nothing: an input error naming it, with the near match.
        let typo = try runExecutable([leaderboard.path, "--tasks", "arc*", "--out", "typo"], in: dir.url)
        #expect(typo.status == 1)
        #expect(typo.stderr.hasPrefix("irt-report: error: open_llm_leaderboard_20231031.csv: include pattern \"arc*\" matches no column; did you mean \"ARC(25-shot)\"?"))

        // No bits-per-byte column and no selection: exit 2 listing the numeric columns and a command line.
        let none = try runExecutable([leaderboard.path, "--out", "none"], in: dir.url)
        #expect(none.status == 2)
        #expect(none.stdout.hasPrefix("irt-report: analysing "))   // the banner, then nothing
        #expect(none.stderr.contains("no task selection given, and the reference preset"))
        for name in ["Average"] + benchmarks + ["Parameters"] {
            #expect(none.stderr.split(separator: "\n").contains {
                $0.hasPrefix("  \(name) ") && $0.hasSuffix("higher is better (no loss/bpb/perplexity/ppl/nll/error/err/wer/cer/brier/bits per byte in the name)")
            }, "\(name)")
        }
        #expect(!none.stderr.contains("  URL  ") && !none.stderr.contains("  Model  "))
        #expect(none.stderr.contains("irt-report \(leaderboard.path) --tasks Average --tasks 'ARC(25-shot)'"))
        #expect(none.stderr.contains("--run-column Model"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("none")))

        // The bundled sample still takes the reference preset and says so.
        let sample = try runExecutable(["--draws", "20", "--out", "sample"], in: dir.url)
        #expect(sample.status == 0)
        #expect(sample.stdout.contains("\nTasks: 43 chosen by the reference preset (bits per byte, lower is better); runs named by column \"run_name\"\n"))
    }

    @Test func aFileWithoutNumbersSaysSo() throws {
        let dir = try Directory()
        defer { dir.cleanup() }
        let file = try dir.write("name,kind\na,x\nb,y\nc,z\n", to: "text.csv")
        let command = try AnalyzeCommand.parse([file, "--out", dir.path("o")])
        #expect(throws: SelectionUsageError.self) { try command.analyse() }
        do { _ = try command.analyse() } catch let error as SelectionUsageError {
            #expect(error.description.contains("The file has no numeric column"))
        }
        #expect(AnalyzeCommand.exitCode(running: [file, "--out", dir.path("o")]) == 2)
    }

    @Test func gapsUnderEachPolicy() throws {
        let dir = try Directory()
        defer { dir.cleanup() }
        let gappy = try dir.write(try leaderboardWithGaps(rows: [3, 10, 11, 50]), to: "gaps.csv")
        let base = [gappy, "--tasks", "*", "--exclude", "Average", "--exclude", "Parameters", "--draws", "20"]

        // drop-runs: the four runs go, the rest is analysed.
        #expect(AnalyzeCommand.exitCode(running: base + ["--missing", "drop-runs", "--out", dir.path("d"), "--json", dir.path("d.json"), "-q"]) == 0)
        let dropped = try result(at: dir.path("d.json"))
        #expect(dropped.nRuns == 105 && dropped.tasks == benchmarks)
        let report = dropped.selection
        #expect(report.droppedRuns.map(\.line) == [5, 12, 13, 52])
        #expect(report.droppedRuns.allSatisfy { $0.reason == .incomplete })
        #expect(report.missingPolicy == .dropRuns)
        #expect(dropped.warnings.filter { $0.kind == .runsDropped }.map(\.subjects) == [report.droppedRuns.map(\.name)])

        // error: the first gap, named.
        let errorCommand = try AnalyzeCommand.parse(base + ["--missing", "error", "--out", dir.path("e")])
        #expect(throws: AnalysisError.missingCell(file: "gaps.csv", line: 5, run: "Riiid/sheep-duck-llama-2-70b-v1.1",
                                                  column: "ARC(25-shot)")) { try errorCommand.analyse() }

        // fit (the default): every run is kept, gaps and all, and the fit says so.
        #expect(AnalyzeCommand.exitCode(running: base + ["--out", dir.path("f"), "--json", dir.path("f.json"), "-q"]) == 0)
        let fitted = try result(at: dir.path("f.json"))
        #expect(fitted.nRuns == 109 && fitted.selection.missingCells == 4)
        #expect(fitted.warnings.contains { $0.kind == .fittedWithGaps })
        #expect(fitted.horn.masked)
        let partial = fitted.leaderboard.filter { $0.coverage < 1 }
        #expect(partial.count == 4 && partial.allSatisfy { $0.coverage == 0.75 })

        // A user token: "-1" is missing, not a value.
        let token = try dir.write(try String(contentsOf: URL(fileURLWithPath: gappy), encoding: .utf8)
            .replacingOccurrences(of: ",,", with: ",-1,").replacingOccurrences(of: ",NA,", with: ",-1,"), to: "token.csv")
        let withToken = try AnalyzeCommand.parse([token, "--tasks", "*", "--exclude", "Average", "--exclude", "Parameters",
                                                    "--missing-token", "-1", "--missing", "drop-runs", "--draws", "20", "--out", dir.path("t")])
        #expect(try withToken.analyse().nRuns == 105)
    }
}
