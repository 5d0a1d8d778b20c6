import Foundation
import IRTModel
import IRTSampleData
import Linalg
import Testing

@Suite("PreparedSweep with gaps: coverage rule, policies, moments over observed cells")
struct PreparedSweepGapsTests {
    /// 7 runs × 4 tasks (two lower-is-better by name, two higher):
    /// r6 sees 1 of 4 tasks (25%), `d_acc` is seen by 2 of the 6 other runs (33%).
    static let csv = """
        run_name,a/bpb,b_loss,c_acc,d_acc,note
        r1,1.0,2.0,0.50,0.1,x
        r2,1.2,,0.55,,x
        r3,0.9,2.2,NA,,x
        r4,1.1,2.1,0.60,0.3,x
        r5,,1.9,0.52,,x
        r6,1.3,,,,x
        r7,1.05,2.05,0.58,,x
        """
    static let selection = TaskSelection.patterns(include: ["*_*", "*/*"], exclude: ["note"])

    static func matrix(_ text: String = csv) throws -> EvalMatrix { try EvalMatrix(csv: text, source: "g.csv") }

    static func error(_ body: () throws -> Void) -> AnalysisError? {
        do { try body() } catch { return error as? AnalysisError }
        return nil
    }

    @Test func coverageRuleDropsRunsThenTasksAndRecordsThem() throws {
        let p = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection, missing: .fit, minCoverage: 0.5)
        let report = p.selectionReport
        #expect(report.droppedRuns == [.init(name: "r6", line: 7, coverage: 0.25, reason: .lowCoverage)])
        #expect(report.droppedTasks == [.init(name: "d_acc", coverage: 2.0 / 6, reason: .lowCoverage)])
        #expect(p.tasks == ["a/bpb", "b_loss", "c_acc"])
        #expect(p.runNames == ["r1", "r2", "r3", "r4", "r5", "r7"])
        #expect(p.lines == [2, 3, 4, 5, 6, 8])
        #expect(p.rowIndices == [0, 1, 2, 3, 4, 6])
        #expect(p.signs == [-1, -1, 1])
        #expect(report.tasks.map(\.reason) == [.nameToken("bpb"), .nameToken("loss"), .defaultHigher])
        #expect(report.runsRead == 7 && report.runsKept == 6 && report.missingCells == 3)
        #expect(report.missingPolicy == .fit && report.minCoverage == 0.5)
        #expect(p.hasGaps)
        let fiveSixths: Double = 5.0 / 6
        #expect(p.coverage == [fiveSixths, fiveSixths, fiveSixths])
        #expect(report.tasks.map(\.coverage) == p.coverage)
        #expect(abs(report.observedShare - 15.0 / 18) < 1e-15)
    }

    @Test func fitKeepsGapsWithMomentsOverObservedCells() throws {
        let p = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection, missing: .fit, minCoverage: 0.5)
        // Independent: the kept runs' cells as written, per task.
        let cells: [[Double?]] = [
            [1.0, 1.2, 0.9, 1.1, nil, 1.05],
            [2.0, nil, 2.2, 2.1, 1.9, 2.05],
            [0.50, 0.55, nil, 0.60, 0.52, 0.58],
        ]
        let signs: [Double] = [-1, -1, 1]
        for j in 0..<3 {
            let observed = cells[j].compactMap { $0 }.map { signs[j] * $0 }
            let mean = observed.reduce(0, +) / Double(observed.count)
            let sd = (observed.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(observed.count)).squareRoot()
            #expect(abs(p.standardization.means[j] - mean) <= 1e-15 * abs(mean))
            #expect(abs(p.standardization.standardDeviations[j] - sd) <= 1e-13 * sd)
            for i in 0..<6 {
                if let x = cells[j][i] {
                    #expect(p.observed[i, j])
                    #expect(abs(p.z[i, j] - (signs[j] * x - mean) / sd) <= 1e-12)
                    #expect(p.raw[i, j] == x)
                } else {
                    #expect(!p.observed[i, j])
                    #expect(p.z[i, j] == 0)   // a gap cannot poison products
                    #expect(p.raw[i, j].isNaN)
                }
            }
        }
    }

    @Test func dropRunsIsListwiseDeletionAfterTheCoverageRule() throws {
        let m = try Self.matrix()
        let p = try PreparedSweep(sweep: m, selection: Self.selection, missing: .dropRuns, minCoverage: 0.5)
        #expect(p.runNames == ["r1", "r4", "r7"])
        #expect(!p.hasGaps)
        #expect(p.selectionReport.droppedRuns.map(\.name) == ["r6", "r2", "r3", "r5"])
        #expect(p.selectionReport.droppedRuns.dropFirst().allSatisfy { $0.reason == .incomplete && $0.coverage == 2.0 / 3 })
        // The same as the complete-data path on the file without those rows: bit for bit.
        let complete = try PreparedSweep(sweep: m.filteringRows { [0, 3, 6].contains($0) },
                                         selection: .patterns(include: ["a/bpb", "b_loss", "c_acc"]))
        #expect(p.z.elements.map(\.bitPattern) == complete.z.elements.map(\.bitPattern))
        #expect(p.tasks == complete.tasks)
        #expect(p.keptRows(of: m).runNames == ["r1", "r4", "r7"])
    }

    @Test func errorPolicyIsTodaysBehaviour() throws {
        let e = Self.error { _ = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection, missing: .error, minCoverage: 0.5) }
        #expect(e == .missingCell(file: "g.csv", line: 3, run: "r2", column: "b_loss"))
        let legacy = Self.error { _ = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection) }
        #expect(legacy == e)
    }

    @Test("Complete data: every policy is bit-identical to the complete-data path",
          arguments: MissingPolicy.allCases)
    func completeDataIsUnchanged(policy: MissingPolicy) throws {
        let sweep = try EvalMatrix(contentsOf: SampleData.sweep).completedRuns()
        let legacy = try PreparedSweep(sweep: sweep, selection: .reference)
        let p = try PreparedSweep(sweep: sweep, selection: .reference, missing: policy, minCoverage: 0.5)
        #expect(p.z.elements.map(\.bitPattern) == legacy.z.elements.map(\.bitPattern))
        #expect(p.standardization == legacy.standardization)
        #expect(p.tasks.count == 43 && !p.hasGaps && p.coverage.allSatisfy { $0 == 1 })
        #expect(p.selectionReport.tasks.allSatisfy { $0.reason == .referencePreset && $0.direction == .lowerIsBetter })
        #expect(p.selectionReport.droppedRuns.isEmpty && p.selectionReport.droppedTasks.isEmpty)
        #expect(p.selectionReport.runColumn == "run_name")
    }

    @Test(arguments: [
        // (minCoverage, runs kept, tasks kept)
        (0.0, ["r1", "r2", "r3", "r4", "r5", "r6", "r7"], ["a/bpb", "b_loss", "c_acc", "d_acc"]),
        (0.25, ["r1", "r2", "r3", "r4", "r5", "r6", "r7"], ["a/bpb", "b_loss", "c_acc", "d_acc"]),
        (0.75, ["r1", "r4", "r7"], ["a/bpb", "b_loss", "c_acc"]),   // r5 sees 2 of 4; d_acc 2 of 3
        (1.0, ["r1", "r4"], ["a/bpb", "b_loss", "c_acc", "d_acc"]),
    ])
    func minimumCoverageAtItsEdges(minCoverage: Double, runs: [String], tasks: [String]) throws {
        let p = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection, missing: .fit,
                                  minCoverage: minCoverage, minimumRuns: 2)
        #expect(p.runNames == runs)
        #expect(p.tasks == tasks)
    }

    @Test(arguments: [-0.1, 1.5, Double.nan, .infinity])
    func minimumCoverageOutsideTheUnitIntervalIsAnOptionError(minCoverage: Double) throws {
        let e = Self.error { _ = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection, missing: .fit, minCoverage: minCoverage) }
        #expect(e == .invalidOption("minimum coverage must be in [0, 1], got \(minCoverage)"))
    }

    @Test func tooLittleLeftIsAnErrorThatSaysWhy() throws {
        let runs = Self.error { _ = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection, missing: .dropRuns, minCoverage: 1) }
        guard case let .insufficientCoverage(file, reason) = runs else { Issue.record("\(String(describing: runs))"); return }
        #expect(file == "g.csv")
        // The reason is words only, and saying why is this test's point.
        #expect(reason.contains("2 run(s) left after dropping 5 run(s)") && reason.contains("at least 3"))
        // A task column with no value at all goes for coverage, even at 0.
        let empty = try EvalMatrix(csv: "run_name,a_acc,b_acc\nr1,1,\nr2,2,\nr3,4,\n", source: "e.csv")
        let p = try PreparedSweep(sweep: empty, selection: .allNumeric(), missing: .fit, minCoverage: 0)
        #expect(p.tasks == ["a_acc"])
        #expect(p.selectionReport.droppedTasks == [.init(name: "b_acc", coverage: 0, reason: .lowCoverage)])
        let none = try EvalMatrix(csv: "run_name,a_acc\nr1,\nr2,\nr3,\n", source: "n.csv")
        let e = Self.error { _ = try PreparedSweep(sweep: none, selection: .allNumeric(), missing: .fit, minCoverage: 0) }
        guard case .insufficientCoverage = e else { Issue.record("\(String(describing: e))"); return }
    }

    @Test func aTaskConstantOnItsObservedCellsIsDroppedAndListed() throws {
        let text = "run_name,a_acc,b_acc\nr1,1,5\nr2,,5\nr3,3,\nr4,4,5\n"
        let p = try PreparedSweep(sweep: Self.matrix(text), selection: .allNumeric(), missing: .fit, minCoverage: 0.5)
        #expect(p.tasks == ["a_acc"] && p.droppedTasks == ["b_acc"])
        #expect(p.selectionReport.droppedTasks == [.init(name: "b_acc", coverage: 0.75, reason: .constant)])
    }

    @Test func reportIsReadableAndEncodesSnakeCase() throws {
        let p = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection, missing: .fit, minCoverage: 0.5)
        // Lines for people: their wording is the point (not the flag a front end names the policy by).
        let lines = p.selectionReport.summaryLines()
        #expect(lines[0] == "Tasks: 3 chosen by include \"*_*\", \"*/*\", exclude \"note\"; runs named by column \"run_name\"")
        #expect(lines.contains { $0.contains("b_loss") && $0.contains("lower is better") && $0.contains("name token \"loss\"") && $0.contains("coverage 83.3%") })
        #expect(lines.contains { $0.hasPrefix("Missing cells: 3 of 18 kept (16.7%); gaps kept as gaps") && $0.hasSuffix("min coverage 50%") })
        #expect(lines.contains("  dropped run \"r6\" (line 7): coverage 25% < 50%"))
        #expect(lines.contains("  dropped task \"d_acc\": coverage 33.3% < 50%"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(p.selectionReport), as: UTF8.self)
        for key in ["\"dropped_runs\"", "\"dropped_tasks\"", "\"missing_policy\":\"fit\"", "\"min_coverage\":0.5",
                    "\"runs_read\":7", "\"runs_kept\":6", "\"skipped_non_numeric\"", "\"reason\":\"low_coverage\""] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        #expect(try JSONDecoder().decode(SelectionReport.self, from: Data(json.utf8)) == p.selectionReport)
    }

    @Test func noiseFloorUsesTheObservedSpreadOfTheSweep() throws {
        let p = try PreparedSweep(sweep: Self.matrix(), selection: Self.selection, missing: .fit, minCoverage: 0.5)
        let noise = try EvalMatrix(csv: "run_name,a/bpb,b_loss\nn1,1.0,2.0\nn2,1.02,2.01\nn3,0.99,2.03\n", source: "n.csv")
        let floor = try NoiseFloor(sweep: p, noise: noise)
        let sweepA = [1.0, 1.2, 0.9, 1.1, 1.05]
        let noiseA = [1.0, 1.02, 0.99]
        let expected = try Statistics.variance(noiseA, ddof: 1) / Statistics.variance(sweepA, ddof: 1)
        let share = try #require(floor.noiseShare[0])
        #expect(abs(share - expected) <= 1e-12 * expected)
        #expect(floor.noiseShare[2] == nil && floor.tasksMissingFromNoise == ["c_acc"])
    }
}
