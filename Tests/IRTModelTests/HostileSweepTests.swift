import Foundation
import Linalg
@testable import IRTModel
import Testing

/// Sweeps from the hostile-input review (issue #12) that used to give wrong
/// numbers or a silent decision: extreme scales, bad noise files, duplicate
/// run names, a held-out metric that is a task, rows all skipped for their
/// status, and more tasks than memory.
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
        let tolerance = 1e-9
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
}
