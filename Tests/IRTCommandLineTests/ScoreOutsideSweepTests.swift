import Foundation
import IRTModel
import IRTSampleData
import Testing
@testable import IRTCommandLine
@testable import IRTReport

/// `score` on runs far outside the sweep (values ×100) warns, naming them;
/// every number of the table stays bounded in width (a cell of 1e300).
@Suite("score: runs outside the sweep")
struct ScoreOutsideSweepTests {
    /// The sample sweep's text with every task cell of the first `rows` rows multiplied by `factor`.
    static func scaled(_ factor: Double, rows: Int) throws -> String {
        let sweep = try EvalMatrix(contentsOf: SampleData.sweep)
        let model = try FittedModel(contentsOf: ScoreCommandTests.report.appendingPathComponent("model.json"))
        let names = model.tasks.map(\.name)
        var text = "run_name," + names.joined(separator: ",") + "\n"
        let status = sweep.strings("status")!
        var written = 0
        for i in 0..<sweep.rowCount where status[i] == "completed" && written < rows {
            text += sweep.runNames[i] + "," + (try names.map { name throws(AnalysisError) in
                "\(factor * (try sweep.numbers(name)[i] ?? .nan))"
            }).joined(separator: ",") + "\n"
            written += 1
        }
        return text
    }

    @Test("Runs ×100 are named in a runs_outside_sweep warning; the sweep's own runs are not; a 1e300 cell prints in bounded width")
    func scoreWarnsOutsideSweep() throws {
        let model = ScoreCommandTests.report.appendingPathComponent("model.json").path
        for (factor, outside) in [(1.0, false), (100.0, true), (1e300, true)] {
            let runs = ScoreCommandTests.temporary("scaled-\(factor).csv")
            try Self.scaled(factor, rows: 3).write(toFile: runs, atomically: true, encoding: .utf8)
            let command = try ScoreCommand.parse([model, runs, "-q"])
            let report = try command.score()
            let warning = report.warnings.first { $0.kind == .runsOutsideSweep }
            #expect((warning != nil) == outside, "×\(factor)")
            if outside { #expect(warning?.subjects.count == 3) }
            let table = ScoreCommand.table(report)
            #expect(table.split(separator: "\n").allSatisfy { $0.count < 400 }, "×\(factor): \(table)")
            #expect(!table.contains("000000000000"), "×\(factor)")
        }
        #expect(NumberFormat.fixed(-3.864e300, decimals: 3, ascii: true) == "-3.864e300")
        #expect(NumberFormat.fixed(123_456_789.25, decimals: 3) == "123456789.250")
    }
}
