import Foundation
import IRTModel
@testable import IRTReport
import Testing

/// Inputs found by the libFuzzer targets in `Fuzz/` (`scripts/fuzz`), kept as
/// tests so that what they caught stays fixed. Each input is also in the
/// targets' seed corpus (`Fuzz/Corpus/<target>/regression-*`). The suite is
/// in IRTReportTests because the CSV writer is what these inputs exercise.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// From fuzz-task-selection: a header name holding `"` followed by the
    /// combining mark U+032A. `"` + U+032A is one `Character`, so quoting must
    /// double the quote per Unicode scalar (`replacingOccurrences(of: "\"", …)`
    /// skips it and the field ends early). The input's bytes: names split at
    /// LF, with CR runs and invalid UTF-8 (read as U+FFFD).
    @Test func aQuoteJoinedByACombiningMarkSurvivesQuoting() throws {
        let bytes: [UInt8] = [
            0x72, 0x26, 0x6E, 0x5F, 0x6E, 0x61, 0x6D, 0x65, 0x0A, 0x6C, 0x65, 0x0A, 0x6C, 0x6D, 0x5F, 0x65,
            0x76, 0x61, 0x6C, 0x6D, 0x32, 0x65, 0x76, 0x61, 0x6C, 0x26, 0x61, 0x2F, 0x62, 0x70, 0x62, 0x6C,
            0x6C, 0x6D, 0x32, 0x65, 0x76, 0x61, 0x6C, 0x0D, 0x0D, 0x0D, 0x0D, 0x0D, 0x0D, 0x0D, 0x2F, 0x61,
            0x2F, 0x62, 0x70, 0x62, 0x6C, 0x2F, 0x6D, 0x6D, 0x6C, 0x75, 0x5F, 0x35, 0x73, 0x68, 0x6F, 0x74,
            0x2F, 0x62, 0x70, 0x62, 0x65, 0xFF, 0xFF, 0x7E, 0xCC, 0xAA, 0x7A, 0xDE, 0x0D, 0xF8, 0x3A, 0x5B,
            0x72, 0x75, 0x6E, 0x22, 0x61, 0x6D, 0x5F, 0x65, 0x76, 0x61, 0x6C, 0x6D, 0x32, 0x65, 0x76, 0x61,
            0x6C, 0x26, 0x61, 0x2F, 0x62, 0x70, 0x62, 0x6C, 0x6C, 0x6D, 0x32, 0x65, 0x76, 0x61, 0x6C, 0x0D,
            0x0D, 0x0D, 0x0D, 0x0D, 0x0D, 0x0D, 0x2F, 0x61, 0x2F, 0x62, 0x70, 0x62, 0x6C, 0x2F, 0x6D, 0x6D,
            0x6C, 0x75, 0x5F, 0x35, 0x73, 0x68, 0x6F, 0x74, 0x2F, 0x62, 0x70, 0x62, 0x65, 0xFF, 0x87, 0x22,
            0xCC, 0xAA, 0x7A, 0xDE, 0x0D, 0xF8, 0x3A, 0x5B, 0x72, 0x75, 0x6E, 0x22, 0x61, 0x2F, 0x78,
        ]
        var seen = Set<String>()
        let names = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { seen.insert($0).inserted }
        #expect(names.contains { $0.unicodeScalars.contains("\u{32A}") })

        // Written as the report's CSV files write a text cell, then read back.
        var csv = names.map { CSVExport.field(CSVExport.text($0)) }.joined(separator: ",") + "\n"
        for r in 1...2 { csv += names.indices.map { "\(r * 1000 + $0)" }.joined(separator: ",") + "\n" }
        let sweep = try EvalMatrix(csv: csv, source: "fuzz.csv")
        #expect(sweep.columnNames == names.map(CSVExport.text))
        #expect(sweep.rowCount == 2)
    }
}

/// Found by `scripts/fuzz model-json`: a model.json whose decoding error had a
/// line break in its description (a corrupted key); every refusal is one line.
@Suite("Fuzz regressions: model.json")
struct ModelJSONFuzzRegressionTests {
    @Test func aCorruptedKeyIsRefusedOnOneLine() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/model-json/regression-multiline-message.json")
        let data = try Data(contentsOf: url)
        do {
            _ = try FittedModel(json: data, source: "model.json")
            Issue.record("a model.json without its theta key was accepted")
        } catch {
            guard case let .invalidModel(file, _) = error else { Issue.record("\(error)"); return }
            #expect(file == "model.json")
            #expect(!error.description.contains("\n"))   // the point: the message a person reads is one line
        }
    }
}
