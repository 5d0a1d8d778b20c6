import Foundation
import IRTModel
import IRTSynthetic
import Testing
@testable import IRTCommandLine
@testable import IRTReport

/// What people read about hostile inputs: signal-to-noise ratios that are
/// negative, at rounding level or infinite, and the CLI's refusals.
@Suite("Report and CLI: hostile inputs")
struct HostileReportTests {
    @Test("Ratios never print more than four digits; SNR ≤ 0 is 0×; noise shares above 1 are >100%")
    func ratioFormatting() {
        #expect(NumberFormat.ratio(95074430393802856327957786394624) == ">10⁶×")
        #expect(NumberFormat.ratio(95074430393802856327957786394624, ascii: true) == ">1e6×")
        #expect(NumberFormat.ratio(1e14) == ">10⁶×")
        #expect(NumberFormat.ratio(999_999) == ">10⁶×")
        #expect(NumberFormat.ratio(949_999) == "950000×")
        #expect(NumberFormat.ratio(12_345) == "12000×")
        #expect(NumberFormat.ratio(1484.4) == "1484×")
        #expect(NumberFormat.ratio(3.21) == "3.2×")
        #expect(NumberFormat.ratio(.infinity) == "∞×")
        #expect(NumberFormat.signalToNoise(-1.0000000724) == "0×")
        #expect(NumberFormat.signalToNoise(0) == "0×")
        #expect(NumberFormat.signalToNoise(.nan) == "n/a")
        #expect(NumberFormat.noiseShare(13_812_446.06) == ">100%")
        #expect(NumberFormat.noiseShare(.infinity) == ">100%")
        #expect(NumberFormat.noiseShare(1e-32) == "<0.0001%")
        #expect(NumberFormat.noiseShare(0.0234) == "2.3%")
        #expect(NumberFormat.noiseShare(.nan) == "n/a")
    }

    /// A synthetic sweep whose "noise" rows spread 1000× as far as the sweep's on
    /// half the tasks: every score varies less across the sweep than across them.
    static func noiseAboveSignal() throws -> AnalysisResult {
        let s = SyntheticSweep(runs: 120, tasks: 10, factors: 2, seed: 7, noiseRuns: 8)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("irt-snr-\(UUID().uuidString).csv")
        try s.writeSweep(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let sweep = try EvalMatrix(contentsOf: url)
        let tasks = Array(s.taskNames.prefix(5))
        var columns: [[Double]] = []
        for task in tasks {
            let x = try sweep.numbers(task).map { $0! }
            let mean = x.reduce(0, +) / Double(x.count)
            columns.append(x.prefix(8).map { mean + 1000 * ($0 - mean) })
        }
        let noise = (["run_name," + tasks.joined(separator: ",")]
            + (0..<8).map { i in "n\(i)," + columns.map { "\($0[i])" }.joined(separator: ",") }).joined(separator: "\n")
        let options = AnalysisOptions(draws: 20, threads: 1, fit: FitOptions(factors: 2), heldOutMetrics: []).withoutFitChecks
        return try Analysis(sweep: sweep, noise: EvalMatrix(csv: noise, source: "noise.csv"), options: options).run()
    }

    @Test("Noise above the sweep's spread: 0×, no signal above noise, >100% — in the terminal, the page and the warning")
    func negativeSNRDisplay() throws {
        let r = try Self.noiseAboveSignal()
        let snr = try #require(r.snr)
        #expect(snr.aggregate.snr < 0)
        let lines = Summary.signalToNoise(r)
        let aggregate = try #require(lines.first { $0.contains("aggregate") })
        #expect(aggregate.contains("0×, no signal above noise (noise = >100%)"), "\(aggregate)")
        // No negative ratio and no runaway percentage reaches a person.
        for line in lines.dropFirst() {
            #expect(!line.contains("-"), "\(line)")
            #expect(line.range(of: #"\d{6,}"#, options: .regularExpression) == nil, "\(line)")
        }
        #expect(SNRBars.label(snr.aggregate).hasPrefix("0×, no signal above noise (noise = >100%)"))
        let html = HTMLReport.render(r)
        #expect(html.contains("no signal above noise"))
        #expect(Summary.text(r, reportPath: "/x").contains("vary less across the sweep than across the replicate runs"))
        // Programs keep the raw numbers.
        #expect(CSVExport.snr(r).contains("\(snr.aggregate.snr)"))
    }

    @Test("A rounding-level noise variance: the terminal and the page show a bound, never 30 digits")
    func hugeSNRDisplay() throws {
        let noise = "run_name,eval/paloma/a/bpb,eval/paloma/b/bpb,eval/paloma/c/bpb\nn1,1.5,1.2,1.9\nn2,1.5000000000000002,1.2,1.9\nn3,1.5,1.2000000000000002,1.9"
        let r = try Analysis(sweep: EvalMatrix(csv: smallSweepCSV, source: "s.csv"),
                             noise: EvalMatrix(csv: noise, source: "noise.csv"),
                             options: AnalysisOptions(draws: 20, threads: 1, fit: FitOptions(factors: 1)).withoutFitChecks).run()
        let snr = try #require(r.snr)
        #expect(snr.aggregate.snr > 1e12 && snr.aggregate.snr.isFinite)
        let summary = Summary.signalToNoise(r).joined(separator: "\n")
        #expect(summary.contains(">1e6×"), "\(summary)")
        #expect(summary.range(of: #"\d{8,}"#, options: .regularExpression) == nil, "\(summary)")
        #expect(r.warnings.contains { $0.kind == .unboundedSNR })
        let svg = try #require(SNRBars.svg(r))
        #expect(svg.contains("&gt;10⁶×"))
        #expect(!svg.contains("inf") && !svg.contains("nan"))
        // The axis stops at the cap instead of spanning 30 decades.
        #expect(!svg.contains("10¹⁰") && !svg.contains("1e10"))
    }

    // MARK: - The command line

    @Test("--validate naming a task column is refused")
    func validateTaskColumn() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(smallSweepCSV, to: "s.csv")
        let command = try AnalyzeCommand.parse([sweep, "--validate", "eval/paloma/b/bpb", "--draws", "5",
                                                  "--out", scratch.path("o"), "-q"])
        #expect(throws: AnalysisError.heldOutMetricIsTask(file: "s.csv", column: "eval/paloma/b/bpb")) { try command.run() }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("o")))
    }

    @Test("The sweep passed again as --noise is refused")
    func sweepAsNoise() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let sweep = try scratch.write(smallSweepCSV, to: "s.csv")
        let command = try AnalyzeCommand.parse([sweep, "--noise", sweep, "--draws", "5", "--out", scratch.path("o"), "-q"])
        #expect(throws: AnalysisError.noiseIsSweep(file: "s.csv", sweep: "s.csv", runs: 7)) { try command.run() }
    }

    @Test("5 runs × 60,000 tasks: one line saying the memory needed and how many tasks fit, exit 1",
          .enabled(if: executable != nil, "irt-report executable not built next to the tests"),
          .enabled(if: ProcessInfo.processInfo.physicalMemory < 400_000_000_000, "enough memory to try"))
    func wideSweep() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        var text = "run_name" + (0..<60_000).map { ",lm_eval/t\($0)/bpb" }.joined() + "\n"
        for i in 0..<5 { text += "r\(i)" + (0..<60_000).map { ",\(1 + Double((i * 7 + $0) % 11) / 10)" }.joined() + "\n" }
        _ = try scratch.write(text, to: "wide.csv")
        let output = try runExecutable(["wide.csv", "--draws", "5", "-q", "--out", "o"], in: scratch.url)
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("irt-report: error: wide.csv: 60000 tasks × 5 runs need about "), "\(output.stderr)")
        #expect(output.stderr.contains("tasks fit: select fewer tasks"))
        #expect(output.stderr.filter { $0 == "\n" }.count == 1)
    }
}
