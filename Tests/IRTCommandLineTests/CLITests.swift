import ArgumentParser
import Foundation
import IRTModel
@testable import IRTReport
@testable import IRTCommandLine
import IRTSampleData
import Testing

// MARK: - Helpers

/// The message argument-parser shows for `arguments` (empty when they parse); the
/// error must be a usage error (exit 2).
func validationMessage(_ arguments: [String]) -> String {
    do {
        _ = try AnalyzeCommand.parse(arguments)
        return ""
    } catch {
        #expect(AnalyzeCommand.exitCode(for: error) == .validationFailure)
        return AnalyzeCommand.message(for: error)
    }
}

/// A sweep whose third line has 3 fields under a 4-column header.
private let raggedCSV = "run_name,status,lm_eval/a/bpb,lm_eval/b/bpb\nr1,completed,1.0,2.0\nr2,completed,1.5\nr3,completed,1.2,2.2\n"

private let reportFiles = [
    ".irtkit-report", "horn.csv", "index.html", "leaderboard.csv", "loadings.csv", "model.json", "noise_floor.csv", "residuals.csv", "result.json", "snr.csv",
]

// MARK: - Parsing

@Suite("irt-report: argument parsing")
struct CLIParsingTests {
    @Test func defaults() throws {
        let command = try AnalyzeCommand.parse([])
        #expect(command.sweep == nil)
        #expect(command.noise == nil)
        #expect(command.out == "irt-report-output")
        #expect(command.json == nil)
        #expect(command.factors == nil)
        #expect(command.draws == 500)
        #expect(command.seed == 42)
        #expect(command.maxIterations == nil)
        #expect(command.emInit == nil)
        #expect(command.mStep == .nnls)
        #expect(command.heldOutMetrics.isEmpty)
        #expect(!command.plainEM && !command.referenceStop && !command.open && !command.quiet)
        // The defaults are the library's, with the reference sweep's leaderboard columns.
        #expect(command.analysisOptions() == AnalysisOptions(leaderboardColumns: ReferencePreset.leaderboardColumns))
        // No SWEEP: the bundled sample with its fixed-subset noise file.
        #expect(command.inputs == .init(sweep: SampleData.sweep, noise: SampleData.fixedSubsetNoise, isBundledSample: true))
        #expect(command.banner.hasPrefix("irt-report: no SWEEP given, analysing the bundled sample sweep_300m_replica.csv"))
    }

    @Test func everyOption() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(raggedCSV, to: "sweep.csv")
        let noise = try scratch.write(raggedCSV, to: "noise.csv")
        let initial = try scratch.write("[[0.1]]", to: "init.json")
        let command = try AnalyzeCommand.parse([
            sweep, "--noise", noise, "--out", scratch.path("out"), "--json", scratch.path("r.json"),
            "--factors", "3", "--draws", "77", "--seed", "9", "--max-iterations", "1234", "--em-init", initial,
            "--m-step", "nnls", "--validate", "a/b", "--validate", "c/d", "--plain-em", "--reference-stop",
            "--open", "-q",
        ])
        #expect(command.sweep == sweep)
        #expect(command.noise == noise)
        #expect(command.out == scratch.path("out"))
        #expect(command.json == scratch.path("r.json"))
        #expect(command.factors == 3)
        #expect(command.draws == 77)
        #expect(command.seed == 9)
        #expect(command.maxIterations == 1234)
        #expect(command.emInit == initial)
        #expect(command.mStep == .nnls)
        #expect(command.heldOutMetrics == ["a/b", "c/d"])
        #expect(command.plainEM && command.referenceStop && command.open && command.quiet)
        #expect(command.inputs.isBundledSample == false)
        #expect(command.inputs.noise?.path == noise)

        let options = command.analysisOptions(initialLoadings: [[0.1, 0.2, 0.3]])
        #expect(options.draws == 77)
        #expect(options.seed == 9)
        #expect(options.heldOutMetrics == ["a/b", "c/d"])
        #expect(options.fit.factors == 3)
        #expect(options.fit.mStep == .nnls)
        #expect(options.fit.acceleration == Acceleration.none)
        #expect(options.fit.stopRule == .step(tolerance: 1e-7))
        #expect(options.fit.maxIterations == 1234)
        #expect(options.fit.initialLoadings == [[0.1, 0.2, 0.3]])
    }

    @Test func referenceStopAloneTakesTheReferenceCap() throws {
        let options = try AnalyzeCommand.parse(["--reference-stop"]).analysisOptions()
        #expect(options.fit.stopRule == FitOptions.reference.stopRule)
        #expect(options.fit.maxIterations == 5000)
        #expect(options.fit.acceleration == FitOptions().acceleration)
    }

    @Test func factorsComeFromInitialLoadingsWhenNotGiven() throws {
        let options = try AnalyzeCommand.parse([]).analysisOptions(initialLoadings: [[0.1, 0.2], [0.3, 0.4]])
        #expect(options.fit.factors == 2)
    }

    @Test func noiseWithoutSweepUsesTheBundledSweep() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let noise = try scratch.write(raggedCSV, to: "noise.csv")
        let command = try AnalyzeCommand.parse(["--noise", noise])
        #expect(command.inputs == .init(sweep: SampleData.sweep, noise: URL(fileURLWithPath: noise), isBundledSample: true))
        #expect(command.banner.contains("bundled sample") && command.banner.contains(noise))
    }

    @Test func helpDocumentsEveryOptionAndItsDefault() {
        let help = AnalyzeCommand.helpMessage(columns: 200)
        for option in ["--noise", "--out", "--json", "--factors", "--draws", "--seed", "--max-iterations", "--em-init",
                       "--m-step", "--psi", "--validate", "--plain-em", "--reference-stop", "--open", "--quiet"] {
            #expect(help.contains(option), "\(option) missing from --help")
        }
        for text in ["(default: irt-report-output)", "(default: 500)", "(default: 42)", "default: nnls", "default: floor",
                     "default: 200000", "Examples:"] {
            #expect(help.contains(text), "\(text) missing from --help")
        }
    }
}

// MARK: - Validation

/// Usage errors are argument-parser's words, with no case to match: what each
/// message says (the option, the value, what is allowed) is the point.
@Suite("irt-report: validation messages")
struct CLIValidationTests {
    @Test(arguments: [
        (["--draws", "0"], "--draws must be at least 1 (got 0)"),
        (["--draws=-5"], "--draws must be at least 1 (got -5)"),
        (["--factors", "0"], "--factors must be at least 1 (got 0)"),
        (["--max-iterations", "0"], "--max-iterations must be at least 1 (got 0)"),
        // A negative value after a space is the option's value, not a flag: the range error, not "Missing value".
        (["--factors", "-1"], "--factors must be at least 1 (got -1)"),
        (["--draws", "-5"], "--draws must be at least 1 (got -5)"),
        (["--max-iterations", "-1"], "--max-iterations must be at least 1 (got -1)"),
        (["--seed", "-3"], "The value '-3' is invalid for '--seed <S>'"),
        (["--factors", "--draws", "5"], "The value '--draws' is invalid for '--factors <K>'"),
        (["/nonexistent/sweep.csv"], "SWEEP: no such file: /nonexistent/sweep.csv"),
        (["--noise", "/nonexistent/noise.csv"], "--noise: no such file: /nonexistent/noise.csv"),
        (["--em-init", "/nonexistent/init.json"], "--em-init: no such file: /nonexistent/init.json"),
        (["--validate", ""], "--validate needs a column name"),
        (["--json", "/nonexistent-dir/r.json"], "the directory /nonexistent-dir does not exist"),
        (["--out", "/"], "is the current directory or one of its parents"),
        (["--m-step", "newton"], "Please provide one of 'projected' and 'nnls'"),
        (["--seed", "-1"], "--seed"),
    ])
    func badValues(arguments: [String], expected: String) {
        let message = validationMessage(arguments)
        #expect(message.contains(expected), "\(arguments): \(message)")
    }

    @Test func errorMessagesStayOnOneLine() {
        // LF inside CRLF, or followed by a combining mark, is part of one Character: it must go too.
        #expect(AnalyzeCommand.oneLine("a\r\nb\n\u{301}c\u{0}d\u{2028}e\tf") == "a  b \u{301}c d e f")
    }

    @Test func usageErrorsExitWith2() {
        #expect(AnalyzeCommand.exitCode(running: ["--draws", "0"]) == 2)
        #expect(AnalyzeCommand.exitCode(running: ["--no-such-option"]) == 2)
    }

    @Test func outputPathsThatMustNotBeReplaced() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        // What is found at --out or --json is an output error (exit 1, OutputSafetyTests); these are usage errors.
        try FileManager.default.createDirectory(atPath: scratch.path("mine"), withIntermediateDirectories: true)
        _ = try scratch.write("<html>mine</html>", to: "mine/index.html")

        // An input that happens to carry a report file's name, inside a report folder.
        try FileManager.default.createDirectory(atPath: scratch.path("old"), withIntermediateDirectories: true)
        _ = try scratch.write("<html>", to: "old/index.html")
        let sweep = try scratch.write(raggedCSV, to: "old/loadings.csv")
        #expect(validationMessage([sweep, "--out", scratch.path("old")]).contains("is inside --out"))

        // --json must neither land inside --out nor overwrite an input.
        #expect(validationMessage(["--out", scratch.path("old"), "--json", scratch.path("old/r.json")]).contains("is inside --out"))
        let input = try scratch.write(raggedCSV, to: "input.csv")
        #expect(validationMessage([input, "--out", scratch.path("o2"), "--json", input]).contains("would overwrite your input"))
        // … also where a link followed by `..` reads elsewhere to the kernel: the writers drop
        // `l/..` from the text, so `l/../input.csv` is the input itself.
        try FileManager.default.createDirectory(atPath: scratch.path("elsewhere/sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path("l"), withDestinationPath: scratch.path("elsewhere/sub"))
        #expect(validationMessage([input, "--out", scratch.path("o2"), "--json", scratch.path("l/../input.csv")])
                    .contains("would overwrite your input"))
        #expect(validationMessage(["--draws", "2000000"]).contains("at most"))
        #expect(validationMessage([scratch.url.path]).contains("is a directory; expected a file"))
    }
}

// MARK: - --em-init

@Suite("irt-report: --em-init")
struct InitialLoadingsTests {
    /// The file and reason of the `.initialLoadings` error parsing `json` throws (nil, recorded, when it parses).
    private func refusal(_ json: String, factors: Int? = nil) -> (file: String, reason: String)? {
        do throws(ReportError) {
            _ = try InitialLoadings.parse(Data(json.utf8), file: "init.json", factors: factors)
            Issue.record("\(json) was accepted")
        } catch {
            if case let .initialLoadings(file, reason) = error { return (file, reason) }
            Issue.record("\(error)")
        }
        return nil
    }

    /// The file and reason of the `.initialLoadings` error `command` fails with.
    private func refusal(_ command: AnalyzeCommand) -> (file: String, reason: String)? {
        do {
            try command.run()
            Issue.record("expected an error")
        } catch let ReportError.initialLoadings(file, reason) {
            return (file, reason)
        } catch {
            Issue.record("\(error)")
        }
        return nil
    }

    @Test func readsRows() throws {
        let rows = try InitialLoadings.parse(Data("[[0.1, 0], [2, 0.5]]".utf8), file: "init.json", factors: 2)
        #expect(rows == [[0.1, 0], [2, 0.5]])
    }

    @Test(arguments: [
        ("{\"a\": 1}", nil, "not an array of arrays of numbers"),
        ("[[0.1, \"x\"]]", nil, "not an array of arrays of numbers"),
        ("not json", nil, "not an array of arrays of numbers"),
        ("[]", nil, "the array is empty"),
        ("[[]]", nil, "row 1 is empty"),
        ("[[0.1, 0.2], [0.3]]", nil, "row 2 has 1 number(s), row 1 has 2"),
        ("[[0.1, -0.2]]", nil, "row 1, column 2 is -0.2; loadings must be finite and non-negative"),
        ("[[0.1, 0.2]]", 3, "has 2 column(s) per row but --factors is 3"),
        // Finite but huge loadings are refused here, not left to fail in the E-step as "not positive definite".
        ("[[0.1, 1e300]]", nil, "row 1, column 2 is 1e+300; loadings are on the scale of the standardized tasks"),
        ("[[1000000.5]]", nil, "must be at most 1000000.0"),
    ] as [(String, Int?, String)])
    func rejects(json: String, factors: Int?, expected: String) throws {
        let r = try #require(refusal(json, factors: factors))
        #expect(r.file == "init.json")
        // The reason is words only: it must say which row, column or value is wrong.
        #expect(r.reason.contains(expected), "\(json): \(r.reason)")
    }

    @Test func theBoundItselfIsAccepted() throws {
        #expect(try InitialLoadings.parse(Data("[[1e6, 0]]".utf8), file: "i.json", factors: nil) == [[1e6, 0]])
    }

    @Test func unreadableFile() {
        #expect(throws: ReportError.self) { try InitialLoadings.read(path: "/nonexistent/init.json", factors: nil) }
    }

    @Test func aSingularStartNamesTheOption() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        // Two identical columns of 10⁶: within bounds, but with ψ anchored (down to 1e-3) the
        // first E-step is singular. (Floored ψ start at 1, where the same start is harmless.)
        let rows = Array(repeating: "[1e6, 1e6]", count: 43).joined(separator: ", ")
        let initial = try scratch.write("[\(rows)]", to: "init.json")
        let command = try AnalyzeCommand.parse(["--em-init", initial, "--psi", "anchored", "--draws", "5",
                                                "--out", scratch.path("out"), "-q"])
        let r = try #require(refusal(command))
        #expect(r.file == initial && r.reason.hasPrefix("the analysis failed starting from these loadings"))
        #expect(try scratch.entries() == ["init.json"])
    }

    @Test func wrongNumberOfRowsNamesTheFileAndP() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let initial = try scratch.write("[[0.1, 0.2], [0.3, 0.4]]", to: "init.json")
        let command = try AnalyzeCommand.parse(["--em-init", initial, "--draws", "5", "--out", scratch.path("out"), "-q"])
        let r = try #require(refusal(command))
        #expect(r.file == initial && r.reason.hasPrefix("initial loadings must be 43 rows of 2 numbers"))
        #expect(try scratch.entries() == ["init.json"])
    }
}

// MARK: - End to end, in-process

@Suite("irt-report: end to end")
struct CLIEndToEndTests {
    @Test func bundledSampleWritesAllSevenFiles() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let command = try AnalyzeCommand.parse(["--draws", "30", "--out", scratch.path("report"), "--quiet"])
        try command.run()
        #expect(try scratch.entries() == ["report"])
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.path("report")).sorted()
        #expect(names == reportFiles)
        for name in names {
            let size = try FileManager.default.attributesOfItem(atPath: scratch.path("report/\(name)"))[.size] as? Int
            #expect((size ?? 0) > 0, "\(name) is empty")
        }
    }

    @Test func jsonEqualsTheLibraryResult() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let command = try AnalyzeCommand.parse([
            "--draws", "30", "--out", scratch.path("report"), "--json", scratch.path("result.json"), "-q",
        ])
        try command.run()
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch.path("result.json")))
        let decoded = try ResultJSON.decoder().decode(AnalysisResult.self, from: data)
        // The copy inside the report directory is the same bytes.
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("report/result.json"))) == data)

        let library = try Analysis(sweepURL: SampleData.sweep, noiseURL: SampleData.fixedSubsetNoise,
                                   options: AnalysisOptions(draws: 30)).run()
        #expect(decoded.k == library.k)
        #expect(decoded.tasks == library.tasks)
        #expect(decoded.nRuns == library.nRuns)
        #expect(decoded.loadings.count == library.loadings.count)
        for (a, b) in zip(decoded.loadings, library.loadings) {
            #expect(a.count == b.count)
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-12) }
        }
        #expect(decoded.leaderboard.map(\.runName) == library.leaderboard.map(\.runName))

        // Snake-case keys, sorted, slashes unescaped.
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"n_runs\" : 242"))
        #expect(text.contains("\"lm_eval/"))
        #expect(!text.contains("\\/"))

        // The summary a person reads.
        let summary = Summary.text(decoded, reportPath: "/x/index.html")
        #expect(summary.contains("Runs n = 242 (2 row(s) skipped), tasks p = 43"))
        #expect(summary.contains("k95 = \(decoded.horn.k95), k_mean = \(decoded.horn.kMean)"))
        #expect(summary.contains("Fitted k = \(decoded.k) from Horn's k95"))
        #expect(summary.contains("skipped 2 of 244 row(s)"))
        for label in decoded.factorLabels { #expect(summary.contains(label)) }
        #expect(summary.contains("EM: \(decoded.em.iterations) iterations, converged"))
        #expect(summary.contains("Top 10 of 242 runs"))
        #expect(summary.contains("× (noise = "))
        #expect(summary.hasSuffix("Report: /x/index.html"))
    }

    @Test func nonFiniteValuesDoNotBreakTheEncoder() throws {
        // JSON has no NaN: the encoder writes "NaN"/"Infinity" strings and the decoder reads them back.
        let encoder = ResultJSON.encoder()
        let data = try encoder.encode([Double.nan, .infinity, -.infinity, 1.5])
        #expect(String(decoding: data, as: UTF8.self).contains("\"NaN\""))
        let back = try ResultJSON.decoder().decode([Double].self, from: data)
        #expect(back[0].isNaN && back[1] == .infinity && back[2] == -.infinity && back[3] == 1.5)
        #expect(Summary.times(.nan) == "n/a")
        #expect(Summary.percent(.infinity) == "n/a")
    }

    @Test func raggedSweepFailsAndLeavesTheOutputUntouched() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(raggedCSV, to: "ragged.csv")
        // A previous report (with its screenshot) whose bytes must survive.
        let report = scratch.url.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: report, withIntermediateDirectories: true)
        _ = try scratch.write("<html>old</html>", to: "report/index.html")
        _ = try scratch.write("old,loadings\n", to: "report/loadings.csv")
        _ = try scratch.write("png", to: "report/index.png")
        _ = try scratch.write("marker", to: "report/\(ReportFiles.marker)")
        let before = try snapshot(report)
        #expect(before.count == 4)

        let command = try AnalyzeCommand.parse([sweep, "--draws", "5", "--out", report.path,
                                                  "--json", scratch.path("r.json"), "-q"])
        do {
            try command.run()
            Issue.record("a ragged CSV must fail")
        } catch let error as AnalysisError {
            #expect(error == .raggedRow(file: "ragged.csv", line: 3, expected: 4, actual: 3))
            #expect(error.description == "ragged.csv:3: row has 3 fields, expected 4 (one per header column)")
        }
        #expect(try snapshot(report) == before)
        // No temporary directory or JSON left behind, no JSON written.
        #expect(try scratch.entries() == ["ragged.csv", "report"])
    }

    @Test func anEarlierReportIsReplacedWholly() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let report = scratch.url.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: report, withIntermediateDirectories: true)
        _ = try scratch.write("{}", to: "report/result.json")
        _ = try scratch.write("stale screenshot", to: "report/index.png")
        _ = try scratch.write("marker", to: "report/\(ReportFiles.marker)")
        let command = try AnalyzeCommand.parse(["--draws", "5", "--factors", "2", "--out", report.path, "-q"])
        try command.run()
        #expect(try FileManager.default.contentsOfDirectory(atPath: report.path).sorted() == reportFiles)
        #expect(try scratch.entries() == ["report"])
        let result = try ResultJSON.decoder().decode(
            AnalysisResult.self, from: Data(contentsOf: report.appendingPathComponent("result.json")))
        #expect(result.k == 2)
    }

    @Test func unknownValidateColumnIsAnInputError() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let command = try AnalyzeCommand.parse(["--validate", "eval/nope", "--draws", "5", "--out", scratch.path("o"), "-q"])
        #expect(throws: ReportError.heldOutMetric(file: "sweep_300m_replica.csv", column: "eval/nope")) { try command.run() }
        #expect(try scratch.entries().isEmpty)
    }

    @Test func validateReplacesTheDefaultMetrics() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let command = try AnalyzeCommand.parse([
            "--validate", "eval/paloma/macro_loss", "--draws", "5", "--out", scratch.path("o"),
            "--json", scratch.path("r.json"), "-q",
        ])
        try command.run()
        let result = try ResultJSON.decoder().decode(
            AnalysisResult.self, from: Data(contentsOf: URL(fileURLWithPath: scratch.path("r.json"))))
        #expect(Array(result.validation.keys) == ["eval/paloma/macro_loss"])
    }
}

// MARK: - The executable, as a subprocess

@Suite("irt-report: the executable")
struct CLIExecutableTests {
    @Test(.enabled(if: executable != nil, "irt-report executable not built next to the tests"))
    func aBinaryCopiedAwayFromItsSampleSaysWhatIsMissing() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let copy = scratch.url.appendingPathComponent("irt-report")
        try FileManager.default.copyItem(at: executable!, to: copy)
        _ = try scratch.write(smallSweepCSV, to: "s.csv")

        // Bundle.module would stop the process with fatalError here.
        let bare = try launch(["--draws", "5", "-q"], in: scratch.url, executable: copy).wait().output
        #expect(bare.status == 2)
        let bundle = scratch.url.appendingPathComponent(SampleData.bundleName).standardizedFileURL.path
        #expect(bare.stderr.hasPrefix("Error: the bundled sample is not installed next to this binary (looked for \(bundle)"),
                "\(bare.stderr)")
        #expect(bare.stderr.contains("); pass SWEEP.csv\n"))

        // With a sweep it works as ever.
        let withSweep = try launch(["s.csv", "--draws", "5", "-q"], in: scratch.url, executable: copy).wait().output
        #expect(withSweep.status == 0, "\(withSweep.stderr)")
        #expect(withSweep.stdout.hasSuffix("/irt-report-output/index.html\n"))

        // Installed beside it, the sample is found again.
        try FileManager.default.copyItem(at: SampleData.directory!.deletingLastPathComponent(),
                                         to: scratch.url.appendingPathComponent(SampleData.bundleName))
        let installed = try launch(["--draws", "5", "-q", "--out", "sample"], in: scratch.url, executable: copy).wait().output
        #expect(installed.status == 0, "\(installed.stderr)")
    }

    // Skipped only when the executable was not built (e.g. a test-only build of
    // another layout); `swift test` builds every product, so it normally runs.
    @Test(.enabled(if: executable != nil && FileManager.default.isExecutableFile(atPath: "/bin/bash"), "needs the executable and bash"))
    func pipesAndDevicesAsInputs() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        _ = try scratch.write(smallSweepCSV, to: "s.csv")
        // A process substitution (/dev/fd/N, a pipe) is read as a stream, not refused for permission.
        let substitution = try launch(["-c", "exec \"$0\" <(cat s.csv) --noise <(head -n 4 s.csv | sed 's/^r/seed_r/') --draws 5 -q", executable!.path],
                                      in: scratch.url, executable: URL(fileURLWithPath: "/bin/bash")).wait().output
        #expect(substitution.status == 0, "\(substitution.stderr)")
        let null = try runExecutable(["/dev/null", "--draws", "5", "-q", "--out", "o"], in: scratch.url)
        #expect(null.status == 1)
        #expect(null.stderr == "irt-report: error: null: the file is empty; expected a CSV with a header row and one row per run\n")
        // A quoted cell with CRLF in it: the error is still one line.
        _ = try scratch.write("run_name,eval/paloma/a/bpb,eval/paloma/b/bpb\nr1,\"1\r\n2\",1\nr2,1,2\nr3,2,1\nr4,3,5\n", to: "crlf.csv")
        let crlf = try runExecutable(["crlf.csv", "--draws", "5", "-q", "--out", "o"], in: scratch.url)
        #expect(crlf.status == 1)
        #expect(crlf.stderr.filter { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }.count == 1, "\(crlf.stderr.debugDescription)")
        #expect(crlf.stderr.hasSuffix("\n") && !crlf.stderr.contains("\r"))
        #expect(crlf.stderr.contains("expected a decimal number"), "\(crlf.stderr)")
    }

    @Test(.enabled(if: executable != nil, "irt-report executable not built next to the tests"))
    func exitCodesAndStreams() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        _ = try scratch.write(raggedCSV, to: "ragged.csv")

        let ragged = try runExecutable(["ragged.csv", "--out", "report"], in: scratch.url)
        #expect(ragged.status == 1)
        #expect(ragged.stderr == "irt-report: error: ragged.csv:3: row has 3 fields, expected 4 (one per header column)\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("report")))

        let usage = try runExecutable(["--draws", "0"], in: scratch.url)
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--draws must be at least 1"))

        let help = try runExecutable(["--help"], in: scratch.url)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: irt-report"))
        #expect(help.stderr.isEmpty)

        // --quiet: stdout is the report path only, and no progress.
        let quiet = try runExecutable(["--draws", "20", "--quiet"], in: scratch.url)
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty)
        let reportPath = scratch.url.appendingPathComponent("irt-report-output/index.html").standardizedFileURL.path
        #expect(quiet.stdout == reportPath + "\n" || quiet.stdout.hasSuffix("/irt-report-output/index.html\n"))
        #expect(quiet.stdout.split(separator: "\n").count == 1)

        // Without --quiet the first line says the bundled sample is analysed.
        // stderr is no terminal: at most a whole progress line every 10 s (none in a short run).
        let loud = try runExecutable(["--draws", "20"], in: scratch.url)
        #expect(loud.status == 0)
        #expect(loud.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("irt-report: progress ") })
        #expect(loud.stdout.hasPrefix("irt-report: no SWEEP given, analysing the bundled sample"))
        #expect(loud.stdout.contains("Report: "))
    }
}
