import Foundation
@testable import IRTModel
import Linalg
import Testing

/// A diverged run 10⁶ sd away is named, with its task, in an `outlying_runs` warning.
@Suite("Outlying runs")
struct OutlyingRunsTests {
    /// 60 runs × 6 tasks of a one-factor model; `outlier` (row, task, value) overwrites one cell.
    static func sweep(outlier: (row: Int, task: Int, value: Double)?) throws -> EvalMatrix {
        var rng = Xoshiro256StarStar(seed: 3)
        var normal = NormalSampler()
        var text = "run_name," + (1...6).map { "task\($0)" }.joined(separator: ",") + "\n"
        for r in 0..<60 {
            let theta = normal.next(using: &rng)
            var cells = (0..<6).map { _ in 0.5 + 0.1 * (0.8 * theta + 0.6 * normal.next(using: &rng)) }
            if let outlier, outlier.row == r { cells[outlier.task] = outlier.value }
            text += "run_\(r)," + cells.map { "\($0)" }.joined(separator: ",") + "\n"
        }
        return try EvalMatrix(csv: text, source: "sweep.csv")
    }

    static let options = AnalysisOptions(selection: .allNumeric(), requiredStatus: nil, draws: 30, threads: 1,
                                         heldOutMetrics: []).withoutFitChecks

    @Test("One run 10⁶ sd away on task4: named with its task and robust z; a clean sweep has no such warning")
    func outlyingRunNamedInWarning() throws {
        let result = try Analysis(sweep: Self.sweep(outlier: (17, 3, 0.5 + 1e5)), options: Self.options).run()
        let warning = try #require(result.warnings.first { $0.kind == .outlyingRuns })
        #expect(warning.subjects == ["run_17"])
        #expect(warning.message.contains("run_17 (task4, robust z = "))
        let clean = try Analysis(sweep: Self.sweep(outlier: nil), options: Self.options).run()
        #expect(!clean.warnings.contains { $0.kind == .outlyingRuns })
    }

    @Test("The robust z against a direct computation; ties (MAD = 0) fall back to the mean absolute deviation")
    func robustZ() throws {
        // Values 1…9 and one at 1000: median 5.5, MAD = median |x − 5.5| = 2.5.
        let values = (1...9).map(Double.init) + [1000]
        var text = "run_name,a,b,c\n"
        for (i, v) in values.enumerated() { text += "r\(i),\(v),\(Double(i % 3)),\(Double(i * i))\n" }
        let prepared = try PreparedSweep(sweep: EvalMatrix(csv: text, source: "x.csv"), selection: .allNumeric())
        let cells = OutlyingRuns.find(prepared)
        #expect(cells.map(\.run) == ["r9"] && cells[0].task == "a")
        #expect(abs(cells[0].z - (1000 - 5.5) / (1.4826 * 2.5)) < 1e-9)
        #expect(OutlyingRuns.median([1, 2, 3, 4]) == 2.5 && OutlyingRuns.median([7]) == 7)
    }
}
