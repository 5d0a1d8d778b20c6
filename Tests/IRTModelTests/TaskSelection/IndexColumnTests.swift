import Foundation
@testable import IRTModel
import Testing

/// pandas' `df.to_csv()` writes its index as a first column without a name:
/// that column, and a first column of row numbers 0…n−1, is never a task.
@Suite("TaskSelection: index columns")
struct IndexColumnTests {
    static let pandas = """
        ,run_name,acc,f1,em
        0,r1,0.61,0.52,0.30
        1,r2,0.66,0.57,0.35
        2,r3,0.58,0.49,0.29
        3,r4,0.70,0.60,0.40
        """

    @Test("An unnamed column and a 0…n−1 first column are no tasks of '*', and a warning says so")
    func indexColumnIsNoTask() throws {
        let m = try EvalMatrix(csv: Self.pandas, source: "df.csv")
        #expect(m.runColumn == "run_name")
        let all = TaskSelection.patterns(include: ["*"])
        let resolution = try all.resolve(in: m)
        #expect(resolution.tasks.map(\.name) == ["acc", "f1", "em"])
        #expect(resolution.skippedIndexColumns == [""])
        let prepared = try PreparedSweep(sweep: m, selection: all)
        let warning = try #require(Analysis.selectionWarnings(prepared.selectionReport).first { $0.kind == .indexColumnsSkipped })
        #expect(warning.subjects == [""])
        #expect(warning.message.contains("a column without a name"))

        // Named "Unnamed: 0" (pandas read it back and wrote it again), or any name holding 0…n−1.
        for header in ["Unnamed: 0", "row"] {
            let named = try EvalMatrix(csv: Self.pandas.replacingOccurrences(of: ",run_name", with: "\(header),run_name"),
                                       source: "df.csv")
            #expect(try all.resolve(in: named).tasks.map(\.name) == ["acc", "f1", "em"], "\(header)")
            #expect(TaskSelection.indexColumns(of: named) == [header])
        }
        // A first column of other integers is data; named exactly, the index column is taken.
        let data = try EvalMatrix(csv: Self.pandas.replacingOccurrences(of: "\n3,", with: "\n7,")
            .replacingOccurrences(of: ",run_name", with: "shots,run_name"), source: "df.csv")
        #expect(TaskSelection.indexColumns(of: data).isEmpty)
        #expect(try all.resolve(in: data).tasks.map(\.name) == ["shots", "acc", "f1", "em"])
        let named = try EvalMatrix(csv: Self.pandas.replacingOccurrences(of: ",run_name", with: "row,run_name"), source: "df.csv")
        #expect(try TaskSelection.patterns(include: ["row", "acc"]).resolve(in: named).tasks.map(\.name) == ["row", "acc"])
    }

    @Test("Edge cases: one row, no index, the run column itself")
    func indexColumnEdgeCases() throws {
        let one = try EvalMatrix(csv: "idx,run_name,a\n0,r1,0.5\n", source: "one.csv")
        #expect(TaskSelection.indexColumns(of: one) == ["idx"])
        let none = try EvalMatrix(csv: "a,b\n0.5,1\n0.7,2\n", source: "none.csv")
        #expect(TaskSelection.indexColumns(of: none).isEmpty)
    }
}
