import Foundation
@testable import IRTModel
import Testing

/// A column of numbers with text in a few cells is a data error; a column of
/// mostly text is a non-task, said in a warning.
@Suite("TaskSelection: text cells in numeric columns")
struct TextCellsTests {
    /// Five runs; `t2`'s third cell is `bad`; `notes` is text but for one number.
    static func csv(bad: String) -> String {
        """
        run_name,t1,t2,t3,notes
        r1,0.1,0.5,1.0,good
        r2,0.2,0.6,1.1,fine
        r3,0.3,"\(bad)",1.3,7
        r4,0.4,0.8,1.2,ok
        r5,0.5,0.9,1.4,
        """
    }

    @Test("One bad cell in a numeric column is an error naming file, line and column",
          arguments: ["0,5", "\u{0663}", "\u{FF13}", "0.7\u{0}", "n/a?"])
    func oneBadCellIsAnError(bad: String) throws {
        let m = try EvalMatrix(csv: Self.csv(bad: bad), source: "s.csv")
        do throws(AnalysisError) {
            _ = try TaskSelection.patterns(include: ["t*"]).resolve(in: m)
            Issue.record("\(bad.debugDescription) accepted")
        } catch {
            #expect(error == .textInNumericColumn(file: "s.csv", line: 4, column: "t2", value: bad, numbers: 4, textCells: 1))
            let message = error.description
            #expect(message.hasPrefix("s.csv:4: column \"t2\""))
            #expect(!message.contains("\n") && !message.contains("\u{0}"))
        }
        // Also when the pattern matches that column alone.
        #expect(throws: AnalysisError.self) { _ = try TaskSelection.patterns(include: ["t2*"]).resolve(in: m) }
        // Excluded, the column is no task and no error.
        let kept = try TaskSelection.patterns(include: ["t*"], exclude: ["t2"]).resolve(in: m)
        #expect(kept.tasks.map(\.name) == ["t1", "t3"])
    }

    @Test("The hints: a decimal comma, digits other than ASCII, control characters shown escaped")
    func badCellHints() {
        #expect(AnalysisError.shownCell("0,5") == "\"0,5\" (a decimal comma? write a point: 0.5)")
        // Groups of three: a thousands separator (with one comma and no point, either reading).
        #expect(AnalysisError.shownCell("1,000") == "\"1,000\" (a thousands separator? write 1000; a decimal comma? write 1.000)")
        #expect(AnalysisError.shownCell("12,345,678") == "\"12,345,678\" (a thousands separator? write 12345678)")
        #expect(AnalysisError.shownCell("-1,234.5") == "\"-1,234.5\" (a thousands separator? write -1234.5)")
        #expect(AnalysisError.shownCell("1,2345") == "\"1,2345\" (a decimal comma? write a point: 1.2345)")
        #expect(AnalysisError.shownCell("a,b") == "\"a,b\"")
        #expect(AnalysisError.shownCell(" 1,000 ") == "\" 1,000 \" (a thousands separator? write 1000; a decimal comma? write 1.000)")
        #expect(AnalysisError.shownCell("0,500") == "\"0,500\" (a decimal comma? write a point: 0.500)")
        #expect(AnalysisError.shownCell("\u{0663}").contains("only the ASCII digits"))
        #expect(AnalysisError.shownCell("1\u{0}") == "\"1\\u{0}\"")
        #expect(AnalysisError.shownCell("abc") == "\"abc\"")
    }

    @Test("A mostly-text column is no task, and a warning says so")
    func mostlyTextColumnIsWarned() throws {
        let m = try EvalMatrix(csv: Self.csv(bad: "0.7"), source: "s.csv")
        let resolution = try TaskSelection.patterns(include: ["*"]).resolve(in: m)
        #expect(resolution.tasks.map(\.name) == ["t1", "t2", "t3"])
        #expect(resolution.skippedNonNumeric == ["notes"])
        let prepared = try PreparedSweep(sweep: m, selection: .patterns(include: ["*"]))
        let warning = try #require(Analysis.selectionWarnings(prepared.selectionReport)
            .first { $0.kind == .textColumnsSkipped })
        #expect(warning.subjects == ["notes"])
        #expect(warning.message.contains("notes"))
    }

    @Test("The rule: a text column has at least half of its filled cells text",
          arguments: [(0, 0, true), (1, 1, true), (1, 2, true), (1, 3, false), (2, 4, true), (0, 5, false), (3, 5, true)])
    func textColumnRule(text: Int, filled: Int, isText: Bool) {
        #expect(TaskSelection.isTextColumn(text: text, filled: filled) == isText)
    }
}
