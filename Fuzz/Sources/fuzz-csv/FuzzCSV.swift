// libFuzzer target: arbitrary bytes as a CSV file.
//
// Every input must either parse or throw an `AnalysisError`; nothing may trap.
// A parsed file is read back through both storages of `EvalMatrix` (strings
// only, and compact numbers with irregular text), which must agree cell for
// cell, and through every accessor the analysis uses.

import Foundation
@_spi(Testing) import IRTModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let span = Span(_unsafeElements: bytes)

    let table: CSVTable
    do {
        table = try CSVReader.parse(span, source: "fuzz.csv")
    } catch {
        // The streaming reader must fail the same way.
        do {
            _ = try EvalMatrix(csv: span, source: "fuzz.csv", compact: false)
            fatalError("EvalMatrix accepted what CSVReader refused (\(error))")
        } catch let second {
            precondition(second == error, "different errors: \(error) vs \(second)")
        }
        _ = error.description
        return 0
    }
    precondition(table.rows.allSatisfy { $0.count == table.header.count }, "ragged table")
    precondition(Set(table.header).count == table.header.count, "duplicate header")
    precondition(zip(table.lines, table.lines.dropFirst()).allSatisfy { $0 < $1 }, "lines not increasing")

    let plain: EvalMatrix, compact: EvalMatrix
    do {
        plain = try EvalMatrix(csv: span, source: "fuzz.csv", compact: false)
        compact = try EvalMatrix(csv: span, source: "fuzz.csv", compact: true)
    } catch {
        fatalError("EvalMatrix refused what CSVReader accepted: \(error)")
    }
    let fromTable = EvalMatrix(table: table, source: "fuzz.csv")
    for m in [plain, compact, fromTable] {
        precondition(m.columnNames == table.header)
        precondition(m.lines == table.lines)
        precondition(m.rowCount == table.rows.count)
    }
    for (j, name) in table.header.enumerated() {
        let column = table.rows.map { $0[j] }
        precondition(plain.strings(name) == column, "plain storage changed column \(name)")
        precondition(compact.strings(name) == column, "compact storage changed column \(name)")
        let a = Result { try plain.numbers(name) }
        let b = Result { try compact.numbers(name) }
        switch (a, b) {
        case let (.success(x), .success(y)):
            precondition(x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0?.isNaN == true && $1?.isNaN == true) },
                         "numbers differ in column \(name)")
            precondition(x.allSatisfy { $0?.isFinite ?? true }, "a non-finite number passed")
        case let (.failure(e), .failure(f)):
            precondition((e as? AnalysisError) == (f as? AnalysisError), "errors differ: \(e) vs \(f)")
        default:
            fatalError("one storage failed, the other did not, column \(name)")
        }
    }
    for m in [plain, compact] {
        let done = m.completedRuns()
        if let tasks = try? done.taskColumns() {
            _ = try? done.numericMatrix(columns: tasks)
        }
        _ = try? m.numericMatrix(columns: m.columnNames)
        _ = (0..<m.rowCount).map { m.isBaseline(run: $0) }
    }
    return 0
}

// SwiftPM links an executable target with `main` defined as `<module>_main`,
// so libFuzzer's own `main` is never used: start its driver from here.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("fuzz_csv_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzCSV)
}
