import Foundation
import IRTModel
import Linalg
import Testing

@Suite("EvalMatrix: missing cells, the observed mask and the run column")
struct MissingCellsTests {
    static func error(_ body: () throws -> Void) -> AnalysisError? {
        do { try body() } catch { return error as? AnalysisError }
        return nil
    }

    /// Both storage forms: strings (small file) and numbers (past the 8 MB threshold).
    static func csv(cell: String, repeats: Int) -> String {
        let padding = String(repeating: "x", count: repeats > 1 ? 100 : 1)
        var text = "run_name,t,pad\n"
        for r in 0..<repeats { text += "r\(r)a,1.5,\(padding)\nr\(r)b,\(cell),\(padding)\nr\(r)c,-2,\(padding)\n" }
        return text
    }

    @Test(arguments: ["", "  ", "NA", "N/A", "NaN", "nan", "NAN", "null", "None", " NA "], [1, 30_000])
    func standardTokensAreMissing(token: String, repeats: Int) throws {
        let m = try EvalMatrix(csv: Self.csv(cell: token, repeats: repeats), source: "t.csv")
        let values = try m.numbers("t")
        #expect(Array(values.prefix(3)) == [1.5, nil, -2])
        #expect(values.filter { $0 == nil }.count == repeats)
        #expect(m.isNumeric("t"))
        let (x, observed) = try m.numericMatrixWithMask(columns: ["t"])
        #expect(observed.missingCount == repeats)
        #expect(!observed[1, 0] && observed[0, 0] && observed[2, 0])
        #expect(x[0, 0] == 1.5 && x[1, 0].isNaN && x[2, 0] == -2)
        #expect(Self.error { _ = try m.numericMatrix(columns: ["t"]) }
                == .missingCell(file: "t.csv", line: 3, run: "r0b", column: "t"))
    }

    @Test(arguments: ["na", "NULL", "none", "n.a.", "-", "?"], [1, 30_000])
    func otherTextIsAnErrorNamingTheCell(text: String, repeats: Int) throws {
        let m = try EvalMatrix(csv: Self.csv(cell: text, repeats: repeats), source: "t.csv")
        let expected = AnalysisError.nonNumericCell(file: "t.csv", line: 3, column: "t", value: text)
        #expect(Self.error { _ = try m.numbers("t") } == expected)
        #expect(Self.error { _ = try m.numericMatrixWithMask(columns: ["t"]) } == expected)
        #expect(!m.isNumeric("t"))
        #expect(m.firstNonNumericCell("t")?.line == 3)
        #expect(m.firstNonNumericCell("t")?.text == text)
        // The user's own token makes it missing.
        let allowed = m.treatingAsMissing([text])
        #expect(try allowed.numbers("t").prefix(3) == [1.5, nil, -2])
        #expect(allowed.missingTokens == [text.trimmingCharacters(in: .whitespaces)])
    }

    @Test(arguments: [("-1", ["-1"]), ("-1.0", ["-1.0"]), ("-1", ["-1.0"]), ("999", ["999"])], [1, 30_000])
    func userTokensMatchTheTextAsWritten(example: (cell: String, tokens: [String]), repeats: Int) throws {
        let (cell, tokens) = example
        let m = try EvalMatrix(csv: Self.csv(cell: cell, repeats: repeats), source: "t.csv", missingTokens: tokens)
        let expectedMissing = tokens.contains(cell)
        let values = try m.numbers("t")
        #expect((values[1] == nil) == expectedMissing, "\(cell) with \(tokens)")
        if !expectedMissing { #expect(values[1] == Double(cell)) }
        #expect(try m.numericMatrixWithMask(columns: ["t"]).observed.missingCount == (expectedMissing ? repeats : 0))
    }

    @Test func infinitiesStayErrorsButCountAsNumeric() throws {
        let m = try EvalMatrix(csv: "run_name,t\nr1,1\nr2,inf\nr3,2\n", source: "t.csv")
        #expect(m.isNumeric("t"))
        #expect(Self.error { _ = try m.numericMatrixWithMask(columns: ["t"]) }
                == .nonFiniteCell(file: "t.csv", line: 3, column: "t", value: "inf"))
    }

    @Test func maskOfACompleteMatrixIsComplete() throws {
        let m = try EvalMatrix(csv: "run_name,a,b\nr1,1,2\nr2,3,4\n", source: "c.csv")
        let (x, observed) = try m.numericMatrixWithMask(columns: ["b", "a"])
        #expect(observed.isComplete && observed.rows == 2 && observed.columns == 2)
        #expect(x == (try m.numericMatrix(columns: ["b", "a"])))
        #expect(Self.error { _ = try m.numericMatrixWithMask(columns: ["zz"]) } == .missingColumn(file: "c.csv", column: "zz"))
        // Size 0: no columns asked for.
        let (empty, none) = try m.numericMatrixWithMask(columns: [])
        #expect(empty.columns == 0 && none.columns == 0 && none.isComplete)
    }

    @Test(arguments: [
        // (csv header + rows, expected run column, expected names)
        ("run_name,model,a\nr1,m1,1\nr2,m2,2\n", "run_name", ["r1", "r2"]),
        ("status,model,a\ncompleted,m1,1\ncompleted,m2,2\n", "model", ["m1", "m2"]),   // status is not a name
        ("a,model,b\n1,m1,1\n2,m2,2\n", "model", ["m1", "m2"]),                          // first non-numeric
        ("a,b\n1,NA\n2,3\n", nil, ["row 1", "row 2"]),                                     // numbers only
        ("status,a\ncompleted,1\ncompleted,2\n", nil, ["row 1", "row 2"]),
    ] as [(String, String?, [String])])
    func defaultRunColumn(csv: String, column: String?, names: [String]) throws {
        let m = try EvalMatrix(csv: csv, source: "r.csv")
        #expect(m.runColumn == column)
        #expect(m.defaultRunColumn == column)
        #expect(m.runNames == names)
    }

    @Test func explicitRunColumn() throws {
        let csv = "run_name,model,a\nr1,m1,1\nr2,m2,2\n"
        let m = try EvalMatrix(csv: csv, source: "r.csv", runColumn: "model")
        #expect(m.runColumn == "model" && m.runNames == ["m1", "m2"])
        #expect(try m.withRunColumn("a").runNames == ["1", "2"])
        #expect(try m.withRunColumn(nil).runColumn == "run_name")
        #expect(m.filteringRows { $0 == 1 }.runNames == ["m2"])
        #expect(Self.error { _ = try EvalMatrix(csv: csv, source: "r.csv", runColumn: "Model") }
                == .missingColumn(file: "r.csv", column: "Model"))
        // A token that turns a text column numeric moves the default run column on.
        let t = try EvalMatrix(csv: "a,code,name\n1,-,x\n2,3,y\n", source: "t.csv")
        #expect(t.runColumn == "code")
        #expect(t.treatingAsMissing(["-"]).runColumn == "name")
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstName() throws {
        let url = try #require(Bundle.module.url(forResource: "open_llm_leaderboard_20231031", withExtension: "csv",
                                                 subdirectory: "Fixtures/public"))
        let bytes = try Data(contentsOf: url)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let m = try EvalMatrix(contentsOf: url)
        #expect(m.columnNames.first == "Model")
        #expect(m.columnNames == ["Model", "Average", "ARC(25-shot)", "HellaSwag(10-shot)", "MMLU(5-shot)",
                                  "TruthfulQA(0-shot)", "Parameters", "URL"])
        #expect(m.runColumn == "Model")
        #expect(m.rowCount == 109)
        #expect(m.runNames.first == "ValiantLabs/ShiningValiant")
    }

    @Test func maskCountsAndCoverage() {
        var mask = ObservedMask(rows: 3, columns: 2)
        #expect(mask.isComplete && mask.coverage(row: 0) == 1)
        mask[0, 1] = false
        mask[2, 0] = false
        mask[2, 0] = false   // twice: counted once
        #expect(mask.missingCount == 2)
        #expect(mask.observedCount(row: 0) == 1 && mask.observedCount(column: 0) == 2)
        #expect(mask.coverage(column: 1) == 2.0 / 3)
        #expect(mask.missingCells.map { [$0.row, $0.column] } == [[2, 0], [0, 1]])
        #expect(mask.selecting(rows: [2, 0], columns: [1]) == ObservedMask(rows: 2, columns: 1, columnMajor: [true, false]))
        #expect(mask.indicator.elements == [1, 1, 0, 0, 1, 1])
        // Sizes 0 and 1.
        #expect(ObservedMask(rows: 0, columns: 4).coverage(column: 2) == 1)
        #expect(ObservedMask(rows: 1, columns: 0).coverage(row: 0) == 1)
        #expect(ObservedMask(rows: 1, columns: 1, observed: false).missingCount == 1)
    }

    @Test func maskJSONListsTheMissingCells() throws {
        var mask = ObservedMask(rows: 3, columns: 2)
        mask[0, 1] = false
        let data = try JSONEncoder().encode(mask)
        #expect(String(decoding: data, as: UTF8.self).contains(#""missing":[[0,1]]"#))
        #expect(try JSONDecoder().decode(ObservedMask.self, from: data) == mask)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ObservedMask.self, from: Data(#"{"rows": 2, "columns": 2, "missing": [[2, 0]]}"#.utf8))
        }
    }
}
