import Foundation
import IRTModel
import Testing

@Suite("CSVReader: RFC 4180 over UTF-8 bytes")
struct CSVReaderTests {
    private func parse(_ text: String) throws(AnalysisError) -> CSVTable {
        try CSVReader.parse(text, source: "t.csv")
    }

    /// The `AnalysisError` thrown by `body`, or `nil` when it did not throw one.
    private func error(_ body: () throws -> Void) -> AnalysisError? {
        do { try body() } catch { return error as? AnalysisError }
        return nil
    }

    @Test func plainFieldsWithTrailingNewline() throws {
        let t = try parse("a,b,c\n1,2,3\n4,5,6\n")
        #expect(t.header == ["a", "b", "c"])
        #expect(t.rows == [["1", "2", "3"], ["4", "5", "6"]])
        #expect(t.lines == [2, 3])
    }

    @Test func noTrailingNewline() throws {
        let t = try parse("a,b\n1,2")
        #expect(t.rows == [["1", "2"]])
        #expect(t.lines == [2])
    }

    @Test func quotedFieldsWithCommasAndEscapedQuotes() throws {
        let t = try parse("name,\"lm_eval/gsm8k/exact_match,flexible-extract\"\n\"say \"\"hi\"\"\",\"1,5\"\n")
        #expect(t.header == ["name", "lm_eval/gsm8k/exact_match,flexible-extract"])
        #expect(t.rows == [["say \"hi\"", "1,5"]])
    }

    @Test func quotedFieldWithNewlinesKeepsTheStartLineOfEachRow() throws {
        let t = try parse("a,b\n\"x\ny\nz\",1\n2,\"\"\"\"\n3,4\n")
        #expect(t.rows == [["x\ny\nz", "1"], ["2", "\""], ["3", "4"]])
        #expect(t.lines == [2, 5, 6])
    }

    @Test func crlfLineBreaks() throws {
        let t = try parse("a,b\r\n1,\"2\r\n3\"\r\n4,5\r\n")
        #expect(t.header == ["a", "b"])
        #expect(t.rows == [["1", "2\r\n3"], ["4", "5"]])
        #expect(t.lines == [2, 4])
    }

    @Test func byteOrderMarkIsDropped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("run_name,x\nr1,1\n".utf8)
        let t = try CSVReader.parse(bytes.span, source: "bom.csv")
        #expect(t.header == ["run_name", "x"])
        #expect(t.header[0].utf8.count == 8)
    }

    @Test func emptyCellsAreKept() throws {
        let t = try parse("a,b,c\n,,\n1,,\n,\"\",3")
        #expect(t.rows == [["", "", ""], ["1", "", ""], ["", "", "3"]])
    }

    @Test func utf8TextIsKept() throws {
        let t = try parse("run_name,note\nr1,größe → ✓\n")
        #expect(t.rows[0][1] == "größe → ✓")
    }

    @Test func blankTrailingLinesAreIgnored() throws {
        let t = try parse("a,b\n1,2\n\n\r\n")
        #expect(t.rows == [["1", "2"]])
    }

    @Test func blankLineBetweenRowsIsRagged() {
        let e = error { _ = try parse("a,b\n1,2\n\n3,4\n") }
        #expect(e == .raggedRow(file: "t.csv", line: 3, expected: 2, actual: 1))
    }

    @Test func emptyFile() {
        #expect(error { _ = try parse("") } == .emptyFile(file: "t.csv"))
        #expect(error { _ = try parse(" \n\r\n\t") } == .emptyFile(file: "t.csv"))
        #expect(error { _ = try CSVReader.parse([0xEF, 0xBB, 0xBF].span, source: "t.csv") } == .emptyFile(file: "t.csv"))
    }

    @Test func headerOnly() {
        let e = error { _ = try parse("a,b,c\n") }
        #expect(e == .headerOnly(file: "t.csv"))
        #expect(e?.description == "t.csv: the file has a header but no data rows; expected one row per run")
        #expect(error { _ = try parse("a,b,c\n\n") } == .headerOnly(file: "t.csv"))
    }

    @Test func raggedRowNamesItsLine() {
        let e = error { _ = try parse("a,b,c\n1,2,3\n\"x\ny\",2,3\n1,2\n") }
        #expect(e == .raggedRow(file: "t.csv", line: 5, expected: 3, actual: 2))
        #expect(e?.description == "t.csv:5: row has 2 fields, expected 3 (one per header column)")
        #expect(error { _ = try parse("a,b\n1,2,3") } == .raggedRow(file: "t.csv", line: 2, expected: 2, actual: 3))
    }

    @Test func unterminatedQuoteNamesTheLineItOpensOn() {
        let e = error { _ = try parse("a,b\n1,2\n3,\"open\n4,5\n") }
        guard case let .malformedCSV(file, line, reason) = e else {
            Issue.record("expected malformedCSV, got \(String(describing: e))")
            return
        }
        #expect(file == "t.csv")
        #expect(line == 3)
        #expect(reason.contains("never closed"))   // the reason is words only
    }

    @Test func textAfterClosingQuoteIsMalformed() {
        let e = error { _ = try parse("a,b\n1,\"2\"x\n") }
        guard case let .malformedCSV(_, line, _) = e else {
            Issue.record("expected malformedCSV, got \(String(describing: e))")
            return
        }
        #expect(line == 2)
    }

    @Test func duplicateHeader() {
        let e = error { _ = try parse("run_name,x,y,x\nr,1,2,3\n") }
        #expect(e == .duplicateColumn(file: "t.csv", column: "x"))
        #expect(e?.description == "t.csv:1: column \"x\" appears more than once in the header")
    }

    @Test func invalidUTF8NamesLineColumnAndByte() {
        let bytes: [UInt8] = Array("a,b\n1,2\n3,".utf8) + [0xC3, 0x28] + [0x0A]
        let e = error { _ = try CSVReader.parse(bytes.span, source: "bad.csv") }
        #expect(e == .invalidUTF8(file: "bad.csv", line: 3, column: 3, byte: 0xC3))
        #expect(e?.description == "bad.csv:3: not valid UTF-8 (byte 0xC3 at column 3); save the file as UTF-8")
    }

    @Test func unreadablePath() {
        let url = URL(fileURLWithPath: "/nonexistent/dir/sweep.csv")
        let e = error { _ = try CSVReader.read(contentsOf: url) }
        guard case let .unreadableFile(file, reason) = e else {
            Issue.record("expected unreadableFile, got \(String(describing: e))")
            return
        }
        #expect(file == "sweep.csv")
        #expect(reason.contains("/nonexistent/dir/sweep.csv"))   // the words name the full path a person looked for
    }
}
