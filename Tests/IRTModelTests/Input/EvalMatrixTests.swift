import Foundation
import IRTModel
import IRTSampleData
import Linalg
import Testing

@Suite("EvalMatrix: runs × columns as read")
struct EvalMatrixTests {
    /// The `AnalysisError` thrown by `body`, or `nil` when it did not throw one.
    private func error(_ body: () throws -> Void) -> AnalysisError? {
        do { try body() } catch { return error as? AnalysisError }
        return nil
    }

    static let small = """
        run_name,status,lm_eval/a/bpb,lm_eval/b/bpb,note
        r1,completed,1.5,2,x
        baseline_r2,completed,,nan,y
        r3,failed,NaN,-1e-3,z
        r4,completed,0.25, 3 ,
        """

    @Test func columnsRunsAndLines() throws {
        let m = try EvalMatrix(csv: Self.small, source: "s.csv")
        #expect(m.source == "s.csv")
        #expect(m.rowCount == 4)
        #expect(m.columnNames == ["run_name", "status", "lm_eval/a/bpb", "lm_eval/b/bpb", "note"])
        #expect(m.runNames == ["r1", "baseline_r2", "r3", "r4"])
        #expect(m.lines == [2, 3, 4, 5])
        #expect(m.hasColumn("note"))
        #expect(!m.hasColumn("missing"))
        #expect(m.strings("note") == ["x", "y", "z", ""])
        #expect(m.strings("missing") == nil)
        #expect((0..<4).map(m.isBaseline(run:)) == [false, true, false, false])
        #expect(EvalMatrix.isBaseline(run: "baseline_unimax"))
        #expect(!EvalMatrix.isBaseline(run: "run_00097"))
    }

    @Test func runNamesFallBackToRowNumbers() throws {
        let m = try EvalMatrix(csv: "x,y\n1,2\n3,4\n", source: "n.csv")
        #expect(m.runNames == ["row 1", "row 2"])
    }

    @Test func numbersWithMissingCells() throws {
        let m = try EvalMatrix(csv: Self.small, source: "s.csv")
        #expect(try m.numbers("lm_eval/a/bpb") == [1.5, nil, nil, 0.25])
        #expect(try m.numbers("lm_eval/b/bpb") == [2, nil, -0.001, 3])
    }

    @Test func numbersOfUnknownColumn() throws {
        let m = try EvalMatrix(csv: Self.small, source: "s.csv")
        let e = error { _ = try m.numbers("eval/none/bpb") }
        #expect(e == .missingColumn(file: "s.csv", column: "eval/none/bpb"))
        #expect(e?.description == "s.csv: no column named \"eval/none/bpb\"")
    }

    @Test func nonNumericCellNamesLineAndColumn() throws {
        let m = try EvalMatrix(csv: "run_name,t/bpb\nr1,1\n\"r\n2\",0.5x\nr3,oops\n", source: "bad.csv")
        let e = error { _ = try m.numbers("t/bpb") }
        #expect(e == .nonNumericCell(file: "bad.csv", line: 3, column: "t/bpb", value: "0.5x"))
        #expect(e?.description == "bad.csv:3: column \"t/bpb\": expected a decimal number (such as 0.81 or -1e-3), found \"0.5x\"")
        #expect(error { _ = try m.numericMatrix(columns: ["t/bpb"]) } == e)
    }

    @Test func numericMatrixIsColumnMajorInTheOrderAsked() throws {
        let m = try EvalMatrix(csv: "run_name,a,b,c\nr1,1,2,3\nr2,4,5,6\n", source: "m.csv")
        let x = try m.numericMatrix(columns: ["c", "a"])
        #expect(x.shape == Shape(rows: 2, columns: 2))
        #expect(x.elements == [3, 6, 1, 4])
    }

    @Test func missingTaskCellNamesTheFirstInRowOrder() throws {
        let m = try EvalMatrix(csv: Self.small, source: "s.csv")
        let e = error { _ = try m.numericMatrix(columns: ["lm_eval/b/bpb", "lm_eval/a/bpb"]) }
        #expect(e == .missingCell(file: "s.csv", line: 3, run: "baseline_r2", column: "lm_eval/b/bpb"))
        let unknown = error { _ = try m.numericMatrix(columns: ["lm_eval/a/bpb", "zzz"]) }
        #expect(unknown == .missingColumn(file: "s.csv", column: "zzz"))
    }

    @Test func filteringKeepsLinesNamesAndCellsTogether() throws {
        let m = try EvalMatrix(csv: Self.small, source: "s.csv")
        let odd = m.filteringRows { $0 % 2 == 1 }
        #expect(odd.runNames == ["baseline_r2", "r4"])
        #expect(odd.lines == [3, 5])
        #expect(odd.strings("note") == ["y", ""])
        #expect(odd.columnNames == m.columnNames)

        let done = m.completedRuns()
        #expect(done.runNames == ["r1", "baseline_r2", "r4"])
        #expect(done.lines == [2, 3, 5])
        #expect(try done.numbers("lm_eval/a/bpb") == [1.5, nil, 0.25])
        #expect(m.completedRuns(statusColumn: "note", value: "z").runNames == ["r3"])
        // No such column: nothing is filtered.
        #expect(m.completedRuns(statusColumn: "state").rowCount == 4)
    }

    @Test func unreadablePath() {
        let url = URL(fileURLWithPath: "/no/such/dir/sweep_300m.csv")
        let e = error { _ = try EvalMatrix(contentsOf: url) }
        guard case let .unreadableFile(file, _) = e else {
            Issue.record("expected unreadableFile, got \(String(describing: e))")
            return
        }
        #expect(file == "sweep_300m.csv")
    }

    // MARK: - The replica

    @Test func replicaRowsAndCompletedRuns() throws {
        let sweep = try EvalMatrix(contentsOf: SampleData.sweep)
        #expect(sweep.source == "sweep_300m_replica.csv")
        #expect(sweep.rowCount == 244)
        #expect(sweep.columnNames.count == 359)
        #expect(sweep.lines.first == 2 && sweep.lines.last == 245)
        let done = sweep.completedRuns()
        #expect(done.rowCount == 242)
        #expect(!done.runNames.contains("run_failed_a") && !done.runNames.contains("run_failed_b"))
        #expect(sweep.runNames[120] == "run_failed_a")
        #expect(sweep.lines[120] == 122)
        #expect(done.runNames.filter(EvalMatrix.isBaseline(run:)).count == 4)
    }

    @Test func replicaTaskMatrix() throws {
        let sweep = try EvalMatrix(contentsOf: SampleData.sweep)
        let tasks = TaskSelection.reference.taskColumns(in: sweep.columnNames)
        // The two unfinished runs have empty task cells: the first is named.
        let e = error { _ = try sweep.numericMatrix(columns: tasks) }
        #expect(e == .missingCell(file: "sweep_300m_replica.csv", line: 122, run: "run_failed_a",
                                  column: "eval/paloma/4chan/bpb"))
        let x = try sweep.completedRuns().numericMatrix(columns: tasks)
        #expect(x.shape == Shape(rows: 242, columns: 43))
        #expect(x.elements.allSatisfy { $0.isFinite })
    }

    /// Cells compared bit for bit with Python's `float` of the same text.
    @Test func replicaNumbersParseExactly() throws {
        let sweep = try EvalMatrix(contentsOf: SampleData.sweep)
        let cases: [(row: Int, column: String, text: String, bits: UInt64)] = [
            (0, "eval/paloma/4chan/bpb", "1.2757750041450346", 0x3ff4_6993_0cfd_b70b),
            (1, "lm_eval/mmlu_5shot/bpb", "2.072990740861303", 0x4000_957c_2b67_47e6),
            (243, "teacher_forced/humaneval_10shot_canonical_solution/bpb", "0.6193293888634311",
             0x3fe3_d18b_ddd3_d7e3),
            (99, "eval/paloma/macro_loss", "3.584938287734986", 0x400c_adf4_2000_0001),
            (49, "eval/agentic_coding/coderforge_r2e_gym_fail/bpb", "0.8012728507240434", 0x3fe9_a406_f621_09e2),
        ]
        for c in cases {
            #expect(sweep.strings(c.column)?[c.row] == c.text)
            let value = try #require(try sweep.numbers(c.column)[c.row])
            #expect(value.bitPattern == c.bits, "\(c.column) row \(c.row)")
        }
    }

    /// Hard cases for correct rounding, against Python's `float`.
    @Test func numbersRoundCorrectly() throws {
        let texts = ["9007199254740993",
                     "1.00000000000000011102230246251565404236316680908203125",
                     "1.00000000000000011102230246251565404236316680908203126",
                     "2.2250738585072011e-308", "0.1", "-1e-3"]
        let bits: [UInt64] = [0x4340_0000_0000_0000, 0x3ff0_0000_0000_0000, 0x3ff0_0000_0000_0001,
                              0x000f_ffff_ffff_ffff, 0x3fb9_9999_9999_999a, 0xbf50_624d_d2f1_a9fc]
        let m = try EvalMatrix(csv: "x\n" + texts.joined(separator: "\n"), source: "r.csv")
        let values = try m.numbers("x")
        #expect(values.map { $0?.bitPattern } == bits)
    }

    @Test func noiseFileWithQuotedHeaders() throws {
        let noise = try EvalMatrix(contentsOf: SampleData.fixedSubsetNoise)
        #expect(noise.rowCount == 10)
        #expect(noise.columnNames.count == 1246)
        #expect(noise.hasColumn("lm_eval/gsm8k/exact_match,flexible-extract"))
        let legacy = try EvalMatrix(contentsOf: SampleData.legacyNoise)
        #expect(legacy.rowCount == 10)
        #expect(legacy.columnNames.count == 283)
    }
}
