import IRTModel
import Testing

/// Every input error an `Analysis` can hit, through the public entry point
/// `Analysis(sweep:noise:options:).run()`, and the message a person reads.
@Suite("Analysis errors name file, line and column")
struct AnalysisErrorTests {
    /// Seven completed runs of three tasks; one failed run with empty cells.
    static let sweepCSV = """
        run_name,status,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb
        r1,completed,1.10,2.05,3.30
        r2,completed,1.20,2.00,3.10
        r3,completed,0.95,1.90,3.05
        r4,completed,1.05,2.15,3.20
        r5,completed,1.30,2.20,3.45
        r6,completed,1.00,1.95,3.00
        r7,failed,,,
        r8,completed,1.15,2.10,3.25
        """

    static let noiseCSV = """
        run_name,lm_eval/a/bpb,lm_eval/b/bpb
        n1,1.10,2.05
        n2,1.12,2.02
        n3,1.09,2.06
        """

    /// Fast options: few draws, one factor, and the `error` missing-data policy
    /// (these tests are about errors; `fit`, the default, keeps gaps).
    static func options(fit: FitOptions = FitOptions(factors: 1), draws: Int = 20) -> AnalysisOptions {
        AnalysisOptions(draws: draws, threads: 1, fit: fit, missing: .error).withoutFitChecks
    }

    /// The `AnalysisError` from analysing `sweep` (and `noise`), or `nil` when it succeeds.
    static func failure(
        sweep: String, noise: String? = nil, options: AnalysisOptions = options()
    ) throws -> AnalysisError? {
        let s = try EvalMatrix(csv: sweep, source: "sweep.csv")
        let n = try noise.map { try EvalMatrix(csv: $0, source: "noise.csv") }
        do {
            _ = try Analysis(sweep: s, noise: n, options: options).run()
            return nil
        } catch {
            return error
        }
    }

    @Test("The valid sweep runs; the failed run with empty cells is dropped silently")
    func failedRunWithMissingCellsIsDropped() throws {
        let s = try EvalMatrix(csv: Self.sweepCSV, source: "sweep.csv")
        let n = try EvalMatrix(csv: Self.noiseCSV, source: "noise.csv")
        let result = try Analysis(sweep: s, noise: n, options: Self.options()).run()
        #expect(result.nRuns == 7)
        #expect(!result.runNames.contains("r7"))
        #expect(result.tasksMissingFromNoise == ["eval/paloma/c/bpb"])
        // Without the status filter, and with missing cells refused, the same file fails on r7's first empty task cell.
        var all = Self.options()
        all.requiredStatus = nil
        all.missing = .error
        let e = try Self.failure(sweep: Self.sweepCSV, options: all)
        #expect(e == .missingCell(file: "sweep.csv", line: 8, run: "r7", column: "lm_eval/a/bpb"))
    }

    @Test("No task column")
    func noTaskColumns() throws {
        let csv = "run_name,status,eval/agentic_coding/x/bpb,eval/paloma/bpb,note\nr1,completed,1,2,a\nr2,completed,2,3,b\nr3,completed,3,1,c\n"
        let e = try #require(try Self.failure(sweep: csv))
        #expect(e == .noTaskColumns(file: "sweep.csv"))
    }

    @Test("Fewer than 3 runs after the status filter")
    func tooFewRuns() throws {
        let csv = """
            run_name,status,lm_eval/a/bpb,lm_eval/b/bpb
            r1,completed,1,2
            r2,running,2,3
            r3,failed,3,1
            r4,completed,2,2
            """
        let e = try #require(try Self.failure(sweep: csv))
        // The status filter left too few: the error says that the filter did it, not just a count.
        #expect(e == .rowsSkippedForStatus(file: "sweep.csv", skipped: 2, rows: 4, statuses: ["running": 1, "failed": 1],
                                           required: "completed", needed: 3))
        // Too few rows to begin with: the plain count.
        let short = "run_name,lm_eval/a/bpb,lm_eval/b/bpb\nr1,1,2\nr2,2,3\n"
        let f = try #require(try Self.failure(sweep: short))
        #expect(f == .tooFewRuns(file: "sweep.csv", needed: 3, actual: 2))
        #expect(f.description == "sweep.csv: 2 usable run(s), the analysis needs at least 3")
    }

    @Test("A missing task cell in a kept run names line, run and column (--missing error)")
    func missingCell() throws {
        var refuse = Self.options()
        refuse.missing = .error
        let csv = Self.sweepCSV.replacingOccurrences(of: "r4,completed,1.05,2.15,", with: "r4,completed,1.05,,")
        let e = try #require(try Self.failure(sweep: csv, options: refuse))
        #expect(e == .missingCell(file: "sweep.csv", line: 5, run: "r4", column: "lm_eval/b/bpb"))
        // The title's point: the words name the line, the run and the task.
        #expect(e.description.hasPrefix("sweep.csv:5: run \"r4\" has no value for task \"lm_eval/b/bpb\""))
        // NaN spelled out is missing too.
        let nan = Self.sweepCSV.replacingOccurrences(of: "r5,completed,1.30,2.20,3.45", with: "r5,completed,1.30,2.20,NaN")
        #expect(try Self.failure(sweep: nan, options: refuse)
            == .missingCell(file: "sweep.csv", line: 6, run: "r5", column: "eval/paloma/c/bpb"))
    }

    @Test("A non-numeric task cell names line, column and value")
    func nonNumeric() throws {
        let csv = Self.sweepCSV.replacingOccurrences(of: "r2,completed,1.20,", with: "r2,completed,1.2O,")
        let e = try #require(try Self.failure(sweep: csv))
        #expect(e == .nonNumericCell(file: "sweep.csv", line: 3, column: "lm_eval/a/bpb", value: "1.2O"))
        #expect(e.description == "sweep.csv:3: column \"lm_eval/a/bpb\": expected a decimal number (such as 0.81 or -1e-3), found \"1.2O\"")
        // In the noise file, it is the noise file's line.
        let noise = Self.noiseCSV.replacingOccurrences(of: "n2,1.12,", with: "n2,x,")
        let f = try #require(try Self.failure(sweep: Self.sweepCSV, noise: noise))
        #expect(f == .nonNumericCell(file: "noise.csv", line: 3, column: "lm_eval/a/bpb", value: "x"))
    }

    @Test("A noise file sharing no task with the sweep")
    func noiseSharesNoTask() throws {
        let noise = "run_name,lm_eval/z/bpb,eval/paloma/macro_loss\nn1,1,2\nn2,2,3\nn3,3,4\n"
        let e = try #require(try Self.failure(sweep: Self.sweepCSV, noise: noise))
        #expect(e == .noiseSharesNoTask(file: "noise.csv"))
    }

    @Test("A noise file with one replicate")
    func tooFewNoiseRuns() throws {
        let noise = "run_name,lm_eval/a/bpb,lm_eval/b/bpb\nn1,1.1,2.0\n"
        let e = try #require(try Self.failure(sweep: Self.sweepCSV, noise: noise))
        #expect(e == .tooFewNoiseRuns(file: "noise.csv", needed: 2, actual: 1))
        #expect(e.description == "noise.csv: 1 replicate run(s), a noise estimate needs at least 2")
    }

    @Test("More factors than tasks (or none)", arguments: [4, 10, 0])
    func tooManyFactors(_ k: Int) throws {
        let e = try #require(try Self.failure(sweep: Self.sweepCSV, options: Self.options(fit: FitOptions(factors: k))))
        #expect(e == .tooManyFactors(requested: k, tasks: 3))
        // No file to name: the message ends on what is expected.
        #expect(e.description.hasSuffix("expected 1...3"))
    }

    @Test("Initial loadings of the wrong shape, negative or not finite", arguments: [
        ([[0.1], [0.1]], "initial loadings must be 3 rows of 1 numbers (tasks × factors), got 2 rows of 1"),
        ([[0.1, 0.2], [0.1, 0.2], [0.1, 0.2]], "initial loadings must be 3 rows of 1 numbers (tasks × factors), got 3 rows of 2"),
        ([[0.1], [-0.1], [0.1]], "initial loadings must be finite and non-negative"),
        ([[0.1], [.nan], [0.1]], "initial loadings must be finite and non-negative"),
        ([[0.1], [.infinity], [0.1]], "initial loadings must be finite and non-negative"),
    ])
    func invalidInitialLoadings(_ loadings: [[Double]], _ message: String) throws {
        let fit = FitOptions(factors: 1, initialLoadings: loadings)
        let e = try #require(try Self.failure(sweep: Self.sweepCSV, options: Self.options(fit: fit)))
        #expect(e == .invalidInitialLoadings(reason: String(message.dropFirst("initial loadings ".count))))
        #expect(e.description == message)
    }

    @Test("Zero Monte Carlo draws")
    func zeroDraws() throws {
        let e = try #require(try Self.failure(sweep: Self.sweepCSV, options: Self.options(draws: 0)))
        #expect(e == .invalidOption("draws must be at least 1, got 0"))
    }

    @Test("Reader errors through the file entry point name the file and line")
    func readerErrors() throws {
        let ragged = "run_name,lm_eval/a/bpb\nr1,1\nr2,2,3\n"
        do {
            _ = try EvalMatrix(csv: ragged, source: "ragged.csv")
            Issue.record("no error")
        } catch {
            #expect(error == .raggedRow(file: "ragged.csv", line: 3, expected: 2, actual: 3))
        }
    }

    /// The file and line an error carries, as its message must begin: `file:line: `,
    /// or `file: ` for an error about the whole file.
    static func location(_ e: AnalysisError) -> String? {
        switch e {
        case let .invalidUTF8(file, line, _, _), let .malformedCSV(file, line, _), let .raggedRow(file, line, _, _),
             let .nonNumericCell(file, line, _, _), let .nonFiniteCell(file, line, _, _), let .missingCell(file, line, _, _),
             let .textInNumericColumn(file, line, _, _, _, _):
            return "\(file):\(line): "
        case let .duplicateColumn(file, _):
            return "\(file):1: "
        case let .unreadableFile(file, _), let .emptyFile(file), let .headerOnly(file), let .allTasksConstant(file, _),
             let .noTaskColumns(file), let .tooFewRuns(file, _, _), let .noiseSharesNoTask(file),
             let .tooFewNoiseRuns(file, _, _), let .missingColumn(file, _), let .invalidCorrelation(file, _),
             let .noModelTask(file, _), let .invalidModel(file, _), let .unmatchedPattern(file, _, _, _, _),
             let .nonNumericPattern(file, _, _), let .conflictingDirections(file, _, _, _),
             let .patternMatchesRunColumn(file, _, _),
             let .insufficientCoverage(file, _), let .rowsSkippedForStatus(file, _, _, _, _, _),
             let .noiseIsSweep(file, _, _), let .heldOutMetricIsTask(file, _), let .tooManyTasks(file, _, _, _, _, _):
            return "\(file): "
        default:   // tooManyFactors, invalidOption, numerical, invalidInitialLoadings: no file
            return nil
        }
    }

    /// Errors the suites of bad input provoke, once more: the rule their messages keep.
    @Test("Every error about a file begins with the file (and the line, when there is one)", arguments: [
        AnalysisError.noTaskColumns(file: "sweep.csv"),
        .rowsSkippedForStatus(file: "sweep.csv", skipped: 2, rows: 4, statuses: ["running": 1, "failed": 1],
                              required: "completed", needed: 3),
        .tooFewRuns(file: "sweep.csv", needed: 3, actual: 2),
        .missingCell(file: "sweep.csv", line: 5, run: "r4", column: "lm_eval/b/bpb"),
        .nonNumericCell(file: "noise.csv", line: 3, column: "lm_eval/a/bpb", value: "x"),
        .noiseSharesNoTask(file: "noise.csv"),
        .tooFewNoiseRuns(file: "noise.csv", needed: 2, actual: 1),
        .raggedRow(file: "ragged.csv", line: 3, expected: 2, actual: 3),
        .duplicateColumn(file: "d.csv", column: "a"),
        .nonFiniteCell(file: "sweep.csv", line: 4, column: "lm_eval/a/bpb", value: "inf"),
        .allTasksConstant(file: "sweep.csv", tasks: ["lm_eval/a/bpb", "lm_eval/b/bpb"]),
        .noiseIsSweep(file: "noise.csv", sweep: "sweep.csv", runs: 7),
        .heldOutMetricIsTask(file: "sweep.csv", column: "lm_eval/b/bpb"),
        .malformedCSV(file: "t.csv", line: 3, reason: "a quoted field is never closed"),
        .textInNumericColumn(file: "s.csv", line: 4, column: "t2", value: "0,5", numbers: 9, textCells: 1),
        .patternMatchesRunColumn(file: "s.csv", pattern: "run_name", column: "run_name"),
    ])
    func messagesBeginWithTheLocation(_ e: AnalysisError) throws {
        let location = try #require(Self.location(e))
        #expect(e.description.hasPrefix(location), "\(e.description)")
        #expect(!e.description.contains("\n"))
    }
}
