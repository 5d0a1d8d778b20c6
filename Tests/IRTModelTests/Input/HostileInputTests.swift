import Foundation
import IRTModel
import Testing

/// Hostile files: each must be read correctly or refused with a message that
/// names what is wrong.
@Suite("Reader: hostile input")
struct HostileInputTests {
    /// The `AnalysisError` thrown by `body`, or `nil` when it did not throw one.
    private func error(_ body: () throws -> Void) -> AnalysisError? {
        do { try body() } catch { return error as? AnalysisError }
        return nil
    }

    private func scratchFile(_ bytes: [UInt8], name: String = "sweep.csv") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("irt-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    // MARK: Line endings and header names

    @Test func bareCarriageReturnsSeparateRecords() throws {
        // Classic Mac OS line endings (bare CR) separate records: not one long header row.
        let t = try CSVReader.parse("run_name,status,lm_eval/a/bpb\rr1,completed,1.5\rr2,completed,2\r", source: "mac.csv")
        #expect(t.header == ["run_name", "status", "lm_eval/a/bpb"])
        #expect(t.rows == [["r1", "completed", "1.5"], ["r2", "completed", "2"]])
        #expect(t.lines == [2, 3])
        // Mixed with CRLF and LF, and inside a quoted field (kept as data, counted as a line).
        let mixed = try CSVReader.parse("a,b\r\n1,\"x\ry\"\r3,4\n5,6", source: "mixed.csv")
        #expect(mixed.rows == [["1", "x\ry"], ["3", "4"], ["5", "6"]])
        #expect(mixed.lines == [2, 4, 5])
        let m = try EvalMatrix(csv: "run_name,lm_eval/a/bpb\rr1,0.5\rr2,0.25", source: "mac.csv")
        #expect(try m.numbers("lm_eval/a/bpb") == [0.5, 0.25])
    }

    @Test func headerNamesAreTrimmed() throws {
        let m = try EvalMatrix(csv: "run_name, lm_eval/a/bpb ,\teval/paloma/c4/bpb\nr1,1,2\nr2,3,4\n", source: "s.csv")
        #expect(m.columnNames == ["run_name", "lm_eval/a/bpb", "eval/paloma/c4/bpb"])
        #expect(TaskSelection.reference.taskColumns(in: m.columnNames) == ["lm_eval/a/bpb", "eval/paloma/c4/bpb"])
        #expect(try m.numbers("lm_eval/a/bpb") == [1, 3])
        // Names equal once trimmed are the same column.
        #expect(error { _ = try CSVReader.parse("a, a\n1,2\n", source: "d.csv") } == .duplicateColumn(file: "d.csv", column: "a"))
    }

    // MARK: Encoding

    @Test func latin1IsNamedWithLineColumnAndByte() throws {
        // "café" saved as Latin-1: é is the single byte 0xE9.
        let bytes: [UInt8] = Array("run_name,lm_eval/a/bpb\nr1,1\ncaf".utf8) + [0xE9] + Array(",2\n".utf8)
        let e = error { _ = try EvalMatrix(csv: "", source: "x") }
        #expect(e == .emptyFile(file: "x"))
        let url = try scratchFile(bytes, name: "latin1.csv")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let failure = error { _ = try EvalMatrix(contentsOf: url) }
        #expect(failure == .invalidUTF8(file: "latin1.csv", line: 3, column: 4, byte: 0xE9))
        #expect(failure?.description == "latin1.csv:3: not valid UTF-8 (byte 0xE9 at column 4); save the file as UTF-8")
    }

    @Test func invalidUTF8ColumnCountsCharactersNotBytes() {
        // "é" (2 bytes) then "," then a stray continuation byte: character column 3.
        let bytes: [UInt8] = Array("a,b\n\u{E9},".utf8) + [0x80] + [0x0A]
        #expect(error { _ = try CSVReader.parse(bytes.span, source: "c.csv") }
            == .invalidUTF8(file: "c.csv", line: 2, column: 3, byte: 0x80))
        // In a quoted field with a doubled quote, on the field's second line; and after a BOM on line 1.
        let quoted: [UInt8] = Array("a,b\n1,\"x\"\"\ny".utf8) + [0xFF] + Array("\"\n".utf8)
        #expect(error { _ = try CSVReader.parse(quoted.span, source: "q.csv") }
            == .invalidUTF8(file: "q.csv", line: 3, column: 2, byte: 0xFF))
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF, UInt8(ascii: "a"), 0xE9] + Array("\n1\n".utf8)
        #expect(error { _ = try CSVReader.parse(bom.span, source: "b.csv") }
            == .invalidUTF8(file: "b.csv", line: 1, column: 2, byte: 0xE9))
    }

    // MARK: Numbers

    @Test(arguments: ["0x10", "0x1p-2", "0X1P3", "1_000", "nan(0x1)", "snan", "1e", "e5", ".", "-", "1.2.3", "١", "1e5x"])
    func onlyPlainDecimalNumbersAreNumbers(cell: String) {
        let e = error {
            _ = try EvalMatrix(csv: "run_name,t/bpb\nr1,1\nr2,\(cell)\n", source: "s.csv").numbers("t/bpb")
        }
        #expect(e == .nonNumericCell(file: "s.csv", line: 3, column: "t/bpb", value: cell))
    }

    @Test func decimalSpellings() {
        #expect(EvalMatrix.cell("1.5") == .number(1.5))
        #expect(EvalMatrix.cell(" -1e-3 ") == .number(-1e-3))
        #expect(EvalMatrix.cell("+.5") == .number(0.5))
        #expect(EvalMatrix.cell("5.") == .number(5))
        #expect(EvalMatrix.cell("2E+2") == .number(200))
        #expect(EvalMatrix.cell("") == .missing)
        #expect(EvalMatrix.cell("NaN") == .missing)
        #expect(EvalMatrix.cell("-nan") == .missing)
        #expect(EvalMatrix.cell("-Infinity") == .infinite)
        #expect(EvalMatrix.cell("INF") == .infinite)
        #expect(EvalMatrix.cell("1e400") == .infinite)
        #expect(EvalMatrix.cell("0x10") == .notDecimal)
    }

    // MARK: Files that are not regular files

    @Test func devNullIsAnEmptyFile() {
        let e = error { _ = try EvalMatrix(contentsOf: URL(fileURLWithPath: "/dev/null")) }
        #expect(e == .emptyFile(file: "null"))
    }

    @Test func aDirectoryIsNamedAsSuch() {
        let e = error { _ = try EvalMatrix(contentsOf: FileManager.default.temporaryDirectory) }
        guard case let .unreadableFile(_, reason) = e else {
            Issue.record("expected unreadableFile, got \(String(describing: e))")
            return
        }
        #expect(reason.hasSuffix("is a directory; expected a file"))   // the reason is words only
    }

    @Test func aFIFOIsReadAsAStream() throws {
        let url = try scratchFile([], name: "placeholder")
        let directory = url.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("sweep.fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let text = "run_name,lm_eval/a/bpb\nr1,0.5\nr2,0.75\n"
        let writer = Thread {
            // Opening for writing blocks until the reader opens its end.
            if let handle = FileHandle(forWritingAtPath: fifo.path) {
                handle.write(Data(text.utf8))
                handle.closeFile()
            }
        }
        writer.start()
        let m = try EvalMatrix(contentsOf: fifo)
        #expect(m.runNames == ["r1", "r2"])
        #expect(try m.numbers("lm_eval/a/bpb") == [0.5, 0.75])
    }
}
