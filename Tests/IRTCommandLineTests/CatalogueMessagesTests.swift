import ArgumentParser
import Foundation
import IRTModel
import Testing
@testable import IRTCommandLine
@testable import IRTReport

/// Messages that said the wrong thing, options without bounds, duplicate JSON
/// keys and pipes as inputs.
@Suite("irt-report: messages, bounds and pipes")
struct CatalogueMessagesTests {
    /// Eight runs of four bits-per-byte tasks on one factor, plus noise.
    static let sweep: String = {
        var lines = ["run_name,lm_eval/a/bpb,lm_eval/b/bpb,lm_eval/c/bpb,lm_eval/d/bpb"]
        let f: [Double] = [0.1, -0.4, 0.9, -1.2, 0.3, 1.5, -0.7, 0.05, -0.2, 0.6]
        let e: [[Double]] = [[0.1, -0.2, 0.05, 0.3], [-0.3, 0.1, 0.2, -0.1], [0.2, 0.25, -0.15, 0.05], [-0.05, -0.3, 0.1, 0.2],
                             [0.3, 0.05, -0.25, -0.2], [-0.1, 0.2, 0.3, 0.1], [0.15, -0.1, -0.05, -0.3], [-0.25, 0.3, 0.15, 0.05],
                             [0.05, -0.15, -0.3, 0.25], [0.2, 0.1, 0.1, -0.15]]
        for (i, x) in f.enumerated() {
            lines.append("r\(i)," + (0..<4).map { j in String(1 + 0.5 * x + 0.3 * e[i][j]) }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test("--n-obs is bounded at 10⁹, with the reason")
    func nObsIsBounded() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let matrix = try scratch.write("a,b,c\n1,0.5,0.4\n0.5,1,0.3\n0.4,0.3,1\n", to: "m.csv")
        for n in ["1000000001", "1000000000000000", "9223372036854775807"] {
            let message = validationMessage(["--correlation", matrix, "--n-obs", n, "--out", scratch.path("o")])
            #expect(message.contains("--n-obs must be at most 1000000000") && message.contains("runs behind the matrix"), "\(message)")
        }
        #expect(validationMessage(["--correlation", matrix, "--n-obs", "1000000000", "--out", scratch.path("o")]).isEmpty)
    }

    @Test("Duplicate keys in --selection are refused, naming the key and line")
    func duplicateSelectionKeysAreRefused() throws {
        #expect(JSONCoding.duplicateKey(in: Data("{\"include\": [\"a*\"],\n \"include\": [\"b*\"]}".utf8))! == ("include", 2))
        #expect(JSONCoding.duplicateKey(in: Data("{\"include\": [\"a*\"], \"\\u0069nclude\": []}".utf8))?.key == "include")
        #expect(JSONCoding.duplicateKey(in: Data("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}, \"c\": [\"a\", \"a\"]}".utf8)) == nil)
        #expect(JSONCoding.duplicateKey(in: Data("{\"a\": \"{\\\"a\\\": 1, \\\"a\\\": 2}\"}".utf8)) == nil)   // keys inside a string
        #expect(JSONCoding.duplicateKey(in: Data()) == nil)
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(Self.sweep, to: "s.csv")
        let selection = try scratch.write("{\"include\": [\"lm_eval/a/*\"], \"exclude\": [], \"include\": [\"lm_eval/*\"]}", to: "sel.json")
        let message = validationMessage([sweep, "--selection", selection, "--out", scratch.path("o")])
        #expect(message.contains("key \"include\" appears twice"), "\(message)")
    }

    @Test("Each misleading message now says what is wrong")
    func misleadingMessagesSayWhatIsWrong() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(Self.sweep, to: "s.csv")
        // Negative numbers reach validation instead of "Missing value".
        let seed = validationMessage([sweep, "--seed", "-5"])
        #expect(seed.contains("a seed is a whole number") && !seed.contains("Missing value"), "\(seed)")
        let coverage = validationMessage([sweep, "--min-coverage", "-0.1"])
        #expect(coverage.contains("--min-coverage must be a share in [0, 1] (got -0.1)"), "\(coverage)")
        for command in [["score", "m.json", "r.csv", "--seed", "-1"], ["score", "m.json", "r.csv", "--rank-draws", "-1"]] {
            let message = IRTReportTool.message(for: catching { _ = try IRTReportTool.parseAsRoot(command) })
            #expect(!message.contains("Missing value"), "\(message)")
        }
        // A loop of symbolic links is a loop, not a missing file.
        try FileManager.default.createSymbolicLink(atPath: scratch.path("loop-a"), withDestinationPath: scratch.path("loop-b"))
        try FileManager.default.createSymbolicLink(atPath: scratch.path("loop-b"), withDestinationPath: scratch.path("loop-a"))
        #expect(validationMessage([scratch.path("loop-a")]).contains("loop of symbolic links"))
        // A dangling link says so.
        try FileManager.default.createSymbolicLink(atPath: scratch.path("dangling"), withDestinationPath: scratch.path("gone"))
        #expect(validationMessage([scratch.path("dangling")]).contains("symbolic link to nothing"))
        // --tasks naming the run column says it is the run column.
        let m = try EvalMatrix(csv: Self.sweep, source: "s.csv")
        do throws(AnalysisError) {
            _ = try TaskSelection.patterns(include: ["run_name"]).resolve(in: m)
            Issue.record("--tasks run_name accepted")
        } catch {
            #expect(error == .patternMatchesRunColumn(file: "s.csv", pattern: "run_name", column: "run_name"))
            #expect(error.description.contains("the column that names the runs"))
        }
        // score --csv '' and --json '' are usage errors, like analyze's --json ''.
        for option in ["--csv", "--json"] {
            let error = catching { _ = try ScoreCommand.parse([sweep, sweep, option, ""]) }
            #expect(ScoreCommand.exitCode(for: error) == .validationFailure)
            #expect(ScoreCommand.message(for: error).contains("\(option) needs a file path"))
        }
        // The poor-fit warning speaks of noise anchors only when there are some.
        let blocks = """
            a,b,c,d,e,f
            1,0.6,0.6,0,0,0
            0.6,1,0.6,0,0,0
            0.6,0.6,1,0,0,0
            0,0,0,1,0.6,0.6
            0,0,0,0.6,1,0.6
            0,0,0,0.6,0.6,1
            """
        var options = AnalysisOptions(draws: 20, threads: 1, fit: FitOptions(factors: 1))
        options.startCheck = 0
        let result = try Analysis.run(correlation: CorrelationInput(csv: blocks, source: "m.csv", observations: 500),
                                      options: options)
        let poor = try #require(result.warnings.first { $0.kind == .poorFit })
        #expect(!poor.message.contains("noise anchors"), "\(poor.message)")
    }

    @Test("--selection and score's MODEL.json may be pipes (process substitution)")
    func pipesAreInputs() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        guard let executable else { Issue.record("irt-report is not built"); return }
        _ = try scratch.write(Self.sweep, to: "s.csv")
        _ = try scratch.write("{\"include\": [\"lm_eval/*\"]}", to: "sel.json")
        func bash(_ script: String) throws -> ProcessOutput {
            try launch(["-c", script.replacingOccurrences(of: "IRT", with: "'\(executable.path)'")], in: scratch.url,
                       executable: URL(fileURLWithPath: "/bin/bash")).wait().output
        }
        let analysed = try bash("IRT s.csv --selection <(cat sel.json) --draws 20 --rank-draws 100 --factors 1 --no-start-check --out o -q")
        #expect(analysed.status == 0, "\(analysed.stderr)")
        #expect(!analysed.stderr.contains("permission"))
        let scored = try bash("IRT score <(cat o/model.json) s.csv")
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(scored.stdout.contains("r0"))
    }

    @Test("Coverage of 1 in 356 is <1%; an emoji with a skin tone is never cut in half")
    func displayKeepsGraphemesAndCoverage() throws {
        #expect(NumberFormat.coverage(1.0 / 356) == "<1%")
        #expect(NumberFormat.coverage(355.0 / 356) == ">99%")
        #expect(NumberFormat.coverage(0) == "0%")
        #expect(NumberFormat.coverage(1) == "100%")
        #expect(NumberFormat.coverage(0.5) == "50%")
        #expect(NumberFormat.coverage(0.994) == "99%")
        // Widths in terminal columns; cuts between clusters.
        #expect(TerminalText.width("👍🏽1") == 3)
        #expect(TerminalText.width("abc") == 3)
        #expect(TerminalText.width("漢字") == 4)
        #expect(TerminalText.width("e\u{301}") == 1)
        #expect(TerminalText.width("") == 0)
        #expect(TerminalText.truncate("👍🏽👍🏽👍🏽", 4) == "👍🏽…")
        #expect(TerminalText.truncate("👍🏽1", 3) == "👍🏽1")
        #expect(TerminalText.truncate("abcdef", 4) == "abc…")
        #expect(TerminalText.pad("👍🏽1", 5) == "👍🏽1  ")
        #expect(TerminalText.padLeft("漢", 3) == " 漢")
        // The selection listing keeps the name whole and aligns the next column.
        let csv = "run_name,👍🏽1,acc_long_name\nr1,0.1,0.5\nr2,0.2,0.7\nr3,0.4,0.6\n"
        let prepared = try PreparedSweep(sweep: EvalMatrix(csv: csv, source: "s.csv"), selection: .patterns(include: ["*"]))
        let lines = prepared.selectionReport.summaryLines()
        let emoji = try #require(lines.first { $0.contains("👍🏽1") })
        #expect(!lines.contains { $0.hasPrefix("  👍 ") })
        let other = try #require(lines.first { $0.contains("acc_long_name") })
        #expect(TerminalText.width(String(emoji.prefix { $0 != "h" })) == TerminalText.width(String(other.prefix { $0 != "h" })))
    }
}

/// The error `body` throws (a placeholder error when it does not).
func catching(_ body: () throws -> Void) -> any Error {
    do { try body() } catch { return error }
    return CancellationError()
}
