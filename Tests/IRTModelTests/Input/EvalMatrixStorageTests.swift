import Foundation
import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// The compact storage of EvalMatrix keeps every cell's text exact, and the
/// synthetic sweep generator writes files the reader and the task preset accept.
@Suite("EvalMatrix compact storage and SyntheticSweep")
struct EvalMatrixStorageTests {
    /// Both storage forms: a small file (strings) and one past the 8 MB
    /// threshold (numbers as Double), padded by a long text column.
    @Test(arguments: [1, 9000])
    func irregularNumericTextIsKeptExactly(repeats: Int) throws {
        // Column a: numbers, one spelled non-canonically, one empty, one "nan".
        let cells = ["0.5", "0.50", "", "nan", "1e-05", "-0.0", " 3 ", "2", "1.0", "7"]
        let padding = String(repeating: "x", count: repeats > 1 ? 100 : 1)
        var csv = "run_name,status,a,pad\n"
        var expected: [String] = []
        for r in 0..<repeats {
            for (i, c) in cells.enumerated() { csv += "r\(r)_\(i),completed,\(c),\(padding)\n"; expected.append(c) }
        }
        let m = try EvalMatrix(csv: csv, source: "t.csv")
        #expect(m.strings("a") == expected)
        let numbers = try m.numbers("a")
        #expect(Array(numbers.prefix(10)) == [0.5, 0.5, nil, nil, 1e-05, -0.0, 3, 2, 1, 7])
        #expect(numbers.count == 10 * repeats)
        let kept = m.filteringRows { $0 < 10 && $0 % 2 == 1 }
        #expect(kept.strings("a") == ["0.50", "nan", "-0.0", "2", "7"])
        #expect(kept.runNames == ["r0_1", "r0_3", "r0_5", "r0_7", "r0_9"])
        #expect(kept.lines == [3, 5, 7, 9, 11])
        #expect(throws: AnalysisError.self) { try m.numericMatrix(columns: ["a"]) }
        let dense = m.filteringRows { $0 % 10 == 0 || $0 % 10 == 7 }
        #expect(try dense.numericMatrix(columns: ["a"]).column(0).prefix(2) == [0.5, 2])
    }

    @Test func mostlyTextColumnStaysText() throws {
        var csv = "run_name,flag\n"
        for i in 0..<40 { csv += "run_\(i),\(i % 7 == 0 ? "1" : "true")\n" }
        let m = try EvalMatrix(csv: csv, source: "t.csv")
        #expect(m.strings("flag")?.count == 40)
        #expect(m.strings("flag")?[0] == "1")
        #expect(m.strings("flag")?[1] == "true")
        #expect(throws: AnalysisError.self) { try m.numbers("flag") }
    }

    @Test func syntheticSweepRoundTrips() throws {
        let synthetic = SyntheticSweep(runs: 50, tasks: 12, factors: 3, seed: 7)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("irtkit-synthetic-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sweepURL = dir.appendingPathComponent("sweep.csv"), noiseURL = dir.appendingPathComponent("noise.csv")
        try synthetic.writeSweep(to: sweepURL)
        try synthetic.writeNoise(to: noiseURL)
        let sweep = try EvalMatrix(contentsOf: sweepURL)
        let noise = try EvalMatrix(contentsOf: noiseURL)
        #expect(sweep.rowCount == 50)
        #expect(noise.rowCount == 10)
        #expect(TaskSelection.reference.taskColumns(in: sweep.columnNames) == synthetic.taskNames)
        // bpb = base − scale · z, so −bpb z-scores to the same as z.
        let x = try sweep.numericMatrix(columns: synthetic.taskNames)
        let z = synthetic.signedScores()
        for t in 0..<12 {
            for r in 0..<50 {
                #expect(abs(x[r, t] - (synthetic.baselines[t] - synthetic.scales[t] * z[r, t])) < 1e-12)
            }
        }
        #expect(synthetic.loadings.elements.allSatisfy { $0 >= 0 })
        #expect(synthetic.psi.allSatisfy { $0 >= 0.1 - 1e-12 && $0 < 1 })
        let result = try Analysis(sweep: sweep, noise: noise, options: {
            var o = AnalysisOptions().withoutFitChecks; o.draws = 20; return o
        }()).run()
        #expect(result.nTasks == 12)
    }
}
