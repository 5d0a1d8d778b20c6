import Foundation
import Linalg
@testable import IRTModel
import IRTSynthetic
import Testing

/// Hostile sweeps must give right numbers or a said decision, never a silent
/// one: extreme scales, bad noise files, duplicate run names, a held-out
/// metric that is a task, rows all skipped for their status, and more tasks
/// than memory.
@Suite("Analysis: hostile sweeps")
struct HostileSweepTests {
    /// A 2-factor synthetic sweep (120 runs × 10 tasks) and 8 replicate runs, as CSV
    /// text whose task values are multiplied by `factor` (text round-trips each product).
    static func synthetic(scaledBy factor: Double, gaps: Bool = false) -> (sweep: String, noise: String) {
        let s = SyntheticSweep(runs: 120, tasks: 10, factors: 2, seed: 7, noiseRuns: 8)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("irt-scale-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sweepURL = directory.appendingPathComponent("sweep.csv"), noiseURL = directory.appendingPathComponent("noise.csv")
        try! s.writeSweep(to: sweepURL)
        try! s.writeNoise(to: noiseURL)
        func scaled(_ url: URL) -> String {
            let text = try! String(contentsOf: url, encoding: .utf8)
            var lines = text.split(separator: "\n").map(String.init)
            let header = lines[0].split(separator: ",").map(String.init)
            for i in 1..<lines.count {
                var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                for j in cells.indices where header[j].hasSuffix("/bpb") {
                    // With gaps: every 7th cell of the sweep is empty.
                    let blank = gaps && url == sweepURL && (i * 3 + j) % 7 == 0
                    cells[j] = blank ? "" : "\(Double(cells[j])! * factor)"
                }
                lines[i] = cells.joined(separator: ",")
            }
            return lines.joined(separator: "\n")
        }
        return (scaled(sweepURL), scaled(noiseURL))
    }

    static let options = AnalysisOptions(draws: 20, threads: 1, fit: FitOptions(factors: 2), heldOutMetrics: [])
        .withoutFitChecks

    static func analyse(scaledBy factor: Double, gaps: Bool = false) throws -> AnalysisResult {
        let (sweep, noise) = synthetic(scaledBy: factor, gaps: gaps)
        let result = try Analysis(sweep: EvalMatrix(csv: sweep, source: "sweep.csv"),
                                  noise: EvalMatrix(csv: noise, source: "noise.csv"), options: options).run()
        // Scoring the sweep with its own model (irt-report score) gives its θ back at any scale.
        let model = try #require(result.model)
        let scores = try model.score(EvalMatrix(csv: sweep, source: "sweep.csv"))
        for i in 0..<scores.theta.rows {
            for j in 0..<scores.theta.columns {
                #expect(abs(scores.theta[i, j] - result.theta[i][j]) <= 1e-9, "scored θ at scale \(factor)")
            }
        }
        return result
    }

    @Test("A sweep multiplied by 1e300, 1e-100 or −100 gives the same loadings, θ, noise shares and SNR",
          arguments: [1e300, 1e155, 1e-100, 1e-300, -100], [false, true])
    func scaleInvariance(_ factor: Double, gaps: Bool) throws {
        let reference = try Self.analyse(scaledBy: 1, gaps: gaps)
        let scaled = try Self.analyse(scaledBy: factor, gaps: gaps)
        #expect(scaled.droppedTasks.isEmpty)
        #expect(scaled.tasks == reference.tasks)
        // The EM's own stop tolerance (estimated distance 1e-7): rounding of the scaled input moves
        // the floored ψ's fit along its slowest direction by up to 2e-8 (measured at 1e155).
        let tolerance = 1e-7
        for (a, b) in zip(reference.horn.eigenvalues, scaled.horn.eigenvalues) { #expect(abs(a - b) <= tolerance) }
        for (a, b) in zip(reference.loadings, scaled.loadings) {
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= tolerance, "loading \(x) vs \(y)") }
        }
        // Negating a bpb task turns it higher-is-better in effect: z, and so θ, change sign.
        let sign: Double = factor < 0 ? -1 : 1
        for (a, b) in zip(reference.theta, scaled.theta) {
            for (x, y) in zip(a, b) { #expect(abs(sign * x - y) <= tolerance, "θ \(x) vs \(y)") }
        }
        for (a, b) in zip(reference.noiseShare, scaled.noiseShare) {
            #expect(abs(a! - b!) <= tolerance * max(1, abs(a!)), "noise share \(a!) vs \(b!)")
        }
        let r = try #require(reference.snr), s = try #require(scaled.snr)
        #expect(abs(r.aggregate.snr - s.aggregate.snr) <= tolerance * r.aggregate.snr)
    }

    @Test("Constancy is relative: tasks of tiny values or scaled by −100 are kept, a spread of rounding is dropped")
    func constancyIsRelative() throws {
        var rows = ["run_name,lm_eval/tiny/bpb,lm_eval/negated/bpb,lm_eval/rounding/bpb,lm_eval/equal/bpb,lm_eval/plain/bpb"]
        for i in 0..<6 {
            let x = 1 + 0.1 * Double(i * i % 5)
            // tiny: sd ~1e-101, far below the old absolute 1e-12; rounding: a relative spread of 1e-15.
            rows.append("r\(i),\(x * 1e-100),\(x * -100),\(1e6 * (1 + 1e-15 * Double(i))),\(2.5e-200),\(x + 0.3 * Double(i % 2))")
        }
        let sweep = try EvalMatrix(csv: rows.joined(separator: "\n"), source: "sweep.csv")
        let prepared = try PreparedSweep(sweep: sweep, selection: .reference)
        #expect(prepared.tasks == ["lm_eval/tiny/bpb", "lm_eval/negated/bpb", "lm_eval/plain/bpb"])
        #expect(prepared.droppedTasks == ["lm_eval/rounding/bpb", "lm_eval/equal/bpb"])
        // The same decisions with gaps (judged on the observed cells).
        var gappy = rows
        gappy[1] = "r0,,,,,"
        let withGaps = try PreparedSweep(sweep: EvalMatrix(csv: gappy.joined(separator: "\n"), source: "sweep.csv"),
                                         selection: .reference, missing: .fit, minCoverage: 0)
        #expect(withGaps.tasks == prepared.tasks && withGaps.droppedTasks == prepared.droppedTasks)
    }

    // MARK: - Noise files

    typealias Cases = AnalysisErrorTests

    static func run(sweep: String = Cases.sweepCSV, noise: String?, options: AnalysisOptions = Cases.options()) throws -> AnalysisResult {
        try Analysis(sweep: EvalMatrix(csv: sweep, source: "sweep.csv"),
                     noise: noise.map { try EvalMatrix(csv: $0, source: "noise.csv") }, options: options).run()
    }

    @Test("Empty and NaN cells of the noise file are said, naming the tasks and how many cells")
    func missingNoiseCellsAreSaid() throws {
        let noise = """
            run_name,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb
            n1,1.10,2.05,3.2
            n2,,2.02,NaN
            n3,1.09,NaN,3.3
            n4,1.11,2.04,
            """
        let r = try Self.run(noise: noise)
        let w = try #require(r.warnings.first { $0.kind == .noiseCellsMissing })
        #expect(w.subjects == ["lm_eval/a/bpb", "lm_eval/b/bpb", "eval/paloma/c/bpb"])
        // The counts per task are said only in words: the message must carry them.
        #expect(w.message.contains("4 missing cell(s) in 3 task(s)"))
        #expect(w.message.contains("lm_eval/a/bpb (1), lm_eval/b/bpb (1), eval/paloma/c/bpb (2)"))
        // A complete noise file says nothing of the kind.
        #expect(try !Self.run(noise: Cases.noiseCSV).warnings.contains { $0.kind == .noiseCellsMissing })
    }

    @Test("A noise file's status column filters its rows like the sweep's; the skipped rows are said")
    func noiseStatusIsFiltered() throws {
        let noise = """
            run_name,status,lm_eval/a/bpb,lm_eval/b/bpb
            n1,completed,1.10,2.05
            n2,failed,9.00,9.00
            n3,completed,1.12,2.02
            n4,completed,1.09,2.06
            """
        let r = try Self.run(noise: noise)
        #expect(r.snr?.noiseRuns == 3)
        let w = try #require(r.warnings.first { $0.kind == .noiseRunsSkipped })
        #expect(w.subjects == ["n2"])
        // The failed row's outlying values are not in the noise floor: the same as the file without it.
        let without = try Self.run(noise: noise.replacingOccurrences(of: "n2,failed,9.00,9.00\n", with: ""))
        #expect(r.noiseShare == without.noiseShare)
    }

    @Test("A noise file with no completed row is a clear error")
    func noiseWithoutCompletedRows() throws {
        let noise = "run_name,status,lm_eval/a/bpb,lm_eval/b/bpb\nn1,failed,1.1,2.0\nn2,running,1.2,2.1\nn3,failed,1.0,2.2\n"
        let e = try Cases.failure(sweep: Cases.sweepCSV, noise: noise)
        #expect(e == .rowsSkippedForStatus(file: "noise.csv", skipped: 3, rows: 3, statuses: ["failed": 2, "running": 1],
                                           required: "completed", needed: 2))
        #expect(e?.description == "noise.csv: 0 usable run(s): 3 of 3 row(s) were skipped for their status (statuses seen: \"failed\" ×2, \"running\" ×1; only rows whose status is \"completed\" are analysed), and at least 2 are needed; check the status column")
    }

    @Test("The sweep passed as its own noise file is refused")
    func noiseIsTheSweep() throws {
        let e = try Cases.failure(sweep: Cases.sweepCSV, noise: Cases.sweepCSV)
        #expect(e == .noiseIsSweep(file: "noise.csv", sweep: "sweep.csv", runs: 7))
        // Reordered rows and fewer columns are still the sweep's runs.
        var lines = Cases.sweepCSV.split(separator: "\n").map(String.init)
        lines = [lines[0]] + lines.dropFirst().reversed()
        let reordered = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(4).joined(separator: ",") }
        #expect(try Cases.failure(sweep: Cases.sweepCSV, noise: reordered.joined(separator: "\n"))
            == .noiseIsSweep(file: "noise.csv", sweep: "sweep.csv", runs: 7))
        // One value changed: replicates that happen to share the names, analysed.
        let changed = Cases.sweepCSV.replacingOccurrences(of: "r8,completed,1.15", with: "r8,completed,1.16")
        #expect(try Cases.failure(sweep: Cases.sweepCSV, noise: changed) == nil)
    }

    // MARK: - Signal-to-noise

    /// The synthetic sweep with a "noise" file whose rows spread 1000× as far as
    /// the sweep's on half of the tasks (the other half stay free, so the factors are fitted).
    static func noiseAboveSignalResult() throws -> AnalysisResult {
        let (sweepText, _) = synthetic(scaledBy: 1)
        let sweep = try EvalMatrix(csv: sweepText, source: "sweep.csv")
        let tasks = Array(SyntheticSweep(runs: 1, tasks: 10, factors: 1, seed: 0).taskNames.prefix(5))
        var columns: [[Double]] = []
        for task in tasks {
            let x = try sweep.numbers(task).map { $0! }
            let mean = x.reduce(0, +) / Double(x.count)
            columns.append(x.prefix(8).map { mean + 1000 * ($0 - mean) })
        }
        let noise = (["run_name," + tasks.joined(separator: ",")]
            + (0..<8).map { i in "n\(i)," + columns.map { "\($0[i])" }.joined(separator: ",") }).joined(separator: "\n")
        return try Analysis(sweep: sweep, noise: EvalMatrix(csv: noise, source: "noise.csv"), options: options).run()
    }

    @Test("Noise larger than the sweep's spread: SNR below 0 is warned about, the raw ratio kept")
    func noiseAboveSignal() throws {
        let r = try Self.noiseAboveSignalResult()
        let snr = try #require(r.snr)
        #expect(snr.aggregate.snr < 0 && snr.aggregate.noiseShare > 1)
        let w = try #require(r.warnings.first { $0.kind == .noSignalAboveNoise })
        #expect(w.subjects.contains("the aggregate"))
        // The raw ratio is kept for programs.
        #expect(snr.aggregate.snr == (snr.aggregate.varSweep - snr.aggregate.varNoise) / snr.aggregate.varNoise)
    }

    @Test("A noise variance at rounding level is an unbounded SNR, said as such")
    func roundingLevelNoise() throws {
        // Replicates that differ only in the last digits.
        let noise = "run_name,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb\nn1,1.1,2,3.1\nn2,1.1000000000000003,2,3.1\nn3,1.1,2.0000000000000004,3.1"
        let r = try Self.run(noise: noise)
        let snr = try #require(r.snr)
        #expect(snr.aggregate.varNoise > 0 && snr.aggregate.snr > 1e12)
        #expect(r.warnings.contains { $0.kind == .unboundedSNR && $0.subjects.contains("the aggregate") })
    }

    // MARK: - Run names, held-out metrics, status

    @Test("Duplicate run names are warned about, naming a few and the count")
    func duplicateRunNames() throws {
        let sweep = Cases.sweepCSV.replacingOccurrences(of: "r2,", with: "r1,").replacingOccurrences(of: "r5,", with: "r4,")
            .replacingOccurrences(of: "r6,", with: "r4,")
        let r = try Self.run(sweep: sweep, noise: nil)
        let w = try #require(r.warnings.first { $0.kind == .duplicateRunNames })
        #expect(w.subjects == ["r1", "r4"])
        // How often each name repeats is said only in words: the message must carry it.
        #expect(w.message.hasPrefix("2 run name(s) occur more than once (5 rows): r1 (2×), r4 (3×)"))
        #expect(try !Self.run(noise: nil).warnings.contains { $0.kind == .duplicateRunNames })
        // Many names: all are subjects; the message, for people, names a few and counts the rest.
        let many = try #require(Analysis.duplicateRunNamesWarning((0..<20).map { "d\($0 % 7)" }))
        #expect(many.kind == .duplicateRunNames && many.subjects == (0..<7).map { "d\($0)" })
        #expect(many.message.contains("and 2 more"))
    }

    @Test("A held-out metric that is a task is refused; default ones that are tasks are left out with a warning")
    func heldOutMetricThatIsATask() throws {
        var options = Cases.options()
        options.heldOutMetrics = ["lm_eval/b/bpb"]
        let e = try Cases.failure(sweep: Cases.sweepCSV, options: options)
        #expect(e == .heldOutMetricIsTask(file: "sweep.csv", column: "lm_eval/b/bpb"))
        // The defaults, when a selection takes them as tasks.
        let sweep = Cases.sweepCSV.replacingOccurrences(of: "eval/paloma/c/bpb", with: "eval/paloma/macro_loss")
        var all = Cases.options()
        all.selection = .allNumeric()
        let r = try Self.run(sweep: sweep, noise: nil, options: all)
        #expect(r.tasks.contains("eval/paloma/macro_loss"))
        #expect(r.validation.isEmpty)
        #expect(r.warnings.contains { $0.kind == .heldOutMetricsAreTasks && $0.subjects == ["eval/paloma/macro_loss"] })
    }

    @Test("Every row skipped for its status: the error says how many and which statuses")
    func allRowsSkippedForStatus() throws {
        let sweep = "run_name,status,lm_eval/a/bpb,lm_eval/b/bpb\nr1,failed,1,2\nr2,running,2,3\nr3,FAILED,3,1\nr4,,2,2\n"
        let e = try Cases.failure(sweep: sweep)
        #expect(e == .rowsSkippedForStatus(file: "sweep.csv", skipped: 4, rows: 4,
                                           statuses: ["failed": 1, "FAILED": 1, "running": 1, "": 1],
                                           required: "completed", needed: 3))
        // How the statuses seen are listed (sorted, quoted, "(empty)") is the point here.
        let text = try #require(e?.description)
        #expect(text.hasPrefix("sweep.csv: 0 usable run(s): 4 of 4 row(s) were skipped for their status"))
        #expect(text.contains("\"FAILED\" ×1, \"failed\" ×1, \"running\" ×1") && text.contains("(empty) ×1"))
        // Two left of five: still the status error, not a bare "2 usable run(s)".
        let two = "run_name,status,lm_eval/a/bpb\nr1,completed,1\nr2,failed,2\nr3,completed,3\nr4,failed,2\nr5,failed,1\n"
        #expect(try Cases.failure(sweep: two) == .rowsSkippedForStatus(
            file: "sweep.csv", skipped: 3, rows: 5, statuses: ["failed": 3], required: "completed", needed: 3))
    }

    // MARK: - Memory

    @Test("The memory estimate: 100,000 tasks need hundreds of GB; the most tasks that fit are exact")
    func memoryEstimate() {
        let wide = MemoryEstimate(tasks: 100_000, runs: 5, draws: 500, threads: 2, gaps: false)
        // 8 p² main + 2 threads × p² at 8 bytes: 800 GB.
        #expect(wide.bytes > 7.9e11 && wide.bytes < 8.1e11)
        let limit = 1e9
        let most = wide.maximumTasks(within: limit)
        let at = MemoryEstimate(tasks: most, runs: 5, draws: 500, threads: 2, gaps: false)
        let over = MemoryEstimate(tasks: most + 1, runs: 5, draws: 500, threads: 2, gaps: false)
        #expect(at.bytes <= limit && over.bytes > limit)
        #expect(most > 3000 && most < 3600)
        #expect(MemoryEstimate(tasks: 43, runs: 242, draws: 500, threads: 64, gaps: true).bytes < 1e8)
        #expect(MemoryEstimate.text(bytes: 8.0e11) == "800 GB" && MemoryEstimate.text(bytes: 1.25e9) == "1.2 GB")
    }

    @Test("A 5-run × 60,000-task sweep is refused up front, saying how much memory and how many tasks fit")
    func tooManyTasks() throws {
        let p = 60_000
        var header = "run_name", rows = [String](repeating: "", count: 5)
        for j in 0..<p { header += ",lm_eval/t\(j)/bpb" }
        for i in 0..<5 {
            var row = "r\(i)"
            for j in 0..<p { row += ",\(1 + Double((i * 7 + j) % 11) / 10)" }
            rows[i] = row
        }
        let sweep = try EvalMatrix(csv: ([header] + rows).joined(separator: "\n"), source: "wide.csv")
        var options = Cases.options()
        options.memoryLimit = 2_000_000_000
        var failure: AnalysisError?
        do { _ = try Analysis(sweep: sweep, options: options).run() } catch { failure = error }
        let e = try #require(failure)
        let estimate = MemoryEstimate(tasks: p, runs: 5, draws: 20, threads: 1, gaps: false)
        #expect(e == .tooManyTasks(file: "wide.csv", tasks: p, runs: 5, bytes: estimate.bytes, limit: 2e9,
                                   maximumTasks: estimate.maximumTasks(within: 2e9)))
        // The sizes in words (GB, not bytes) are what a person reads.
        #expect(e.description.hasPrefix("wide.csv: 60000 tasks × 5 runs need about 259 GB for the p × p steps"))
    }
}
