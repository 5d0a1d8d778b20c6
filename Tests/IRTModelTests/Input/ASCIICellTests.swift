import Foundation
@testable import IRTModel
import Testing

/// The reader's ASCII fast path and its general path decide every cell as an
/// independent reading of the grammar does (a regular expression, then `Double`):
/// Foundation's trimming, the missing tokens, then the grammar.
@Suite("Reader: ASCII cells")
struct ASCIICellTests {
    /// The grammar of ``EvalMatrix/cell(_:)``, written independently: a regular expression
    /// over the trimmed text, then `Double`.
    private func grammar(_ text: String) -> EvalMatrix.CellText {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .missing }
        let word = (trimmed.hasPrefix("+") || trimmed.hasPrefix("-") ? String(trimmed.dropFirst()) : trimmed).lowercased()
        if word == "nan" { return .missing }
        if word == "inf" || word == "infinity" { return .infinite }
        guard trimmed.wholeMatch(of: /[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?/) != nil,
              let value = Double(trimmed) else { return .notDecimal }
        return value.isFinite ? .number(value) : .infinite
    }

    /// The general path for a file's cell: trim Unicode spaces, compare with the tokens, read the grammar.
    private func general(_ text: String, extra: Set<String>) -> EvalMatrix.CellText {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if EvalMatrix.standardMissingTokens.contains(trimmed) || extra.contains(trimmed) { return .missing }
        return grammar(trimmed)
    }

    private static let hand: [String] = [
        "", " ", "\t", " \t ", "0", "1.5", " -1e-3 ", "+.5", "5.", ".", "-", "+", "e5", "1e", "1e+", "1e+5",
        "2E+2", "1.2.3", "1..2", "--1", "+-1", "0x10", "0x1p-2", "1_000", "1,5", "NA", " NA ", "N/A", "n/a",
        "NaN", "nan", "NAN", "-nan", "+NaN", "nan(0x1)", "snan", "null", "NULL", "None", "none", "inf", "-Inf",
        "INF", "Infinity", "-infinity", "infinit", "1e400", "-1e400", "1e-400", "4.9e-324", "\t2.5\t", "1.5\r",
        "\r", "\n1", "1\u{0B}", "1\u{0C}", "00012", "-0", "-0.0", "9007199254740993", "-1", "-1.0",
        "0.1000000000000000055511151231257827", "1 2", "abc", "run_0001",
    ]

    @Test("hand-picked cells: cell(_:) and a file's cells match the general path")
    func handPicked() {
        for text in Self.hand {
            #expect(EvalMatrix.asciiCell(text, standardTokens: false) == grammar(text), "\(text.debugDescription)")
            #expect(EvalMatrix.unicodeCell(text) == grammar(text), "\(text.debugDescription)")
            #expect(EvalMatrix.cell(text) == grammar(text), "\(text.debugDescription)")
            for extra: Set<String> in [[], ["-1"], ["-1", "n/a", "x"]] {
                #expect(EvalMatrix.asciiCell(text, standardTokens: true, extraMissing: extra) == general(text, extra: extra),
                        "\(text.debugDescription) with \(extra)")
            }
        }
    }

    @Test("random ASCII cells match the general path")
    func randomCells() {
        let alphabet = Array("0123456789+-.eEnaNAifIFty \t/lLuo\r,x")
        var rng = Xoshiro256StarStar(seed: 20_261_207)
        for _ in 0..<20_000 {
            let length = Int(rng.next() % 9)
            let text = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            #expect(EvalMatrix.asciiCell(text, standardTokens: false) == grammar(text), "\(text.debugDescription)")
            #expect(EvalMatrix.unicodeCell(text) == grammar(text), "\(text.debugDescription)")
            #expect(EvalMatrix.asciiCell(text, standardTokens: true, extraMissing: ["-1", "1e"])
                    == general(text, extra: ["-1", "1e"]), "\(text.debugDescription)")
        }
    }

    @Test("non-ASCII cells are left to the general path")
    func nonASCII() {
        for text in ["\u{00A0}1.5", "1.5\u{3000}", "\u{FF11}", "NA\u{0301}", "é", "\u{2009}nan"] {
            #expect(EvalMatrix.asciiCell(text, standardTokens: true) == nil)
        }
        #expect(EvalMatrix.cell("\u{00A0}1.5\u{2009}") == .number(1.5))
        #expect(EvalMatrix.cell("\u{FF11}") == .notDecimal)
    }

    @Test("a file's cells: spaces, tokens and numbers read as before")
    func fileCells() throws {
        let csv = "run_name,a,b\nr1, 1.5 ,NA\nr2,\t-2e1,None\nr3,\u{00A0}3\u{00A0},-1\nr4,nan, \n"
        let sweep = try EvalMatrix(csv: csv, source: "s.csv", missingTokens: ["-1"])
        #expect(try sweep.numbers("a") == [1.5, -20, 3, nil])
        #expect(try sweep.numbers("b") == [nil, nil, nil, nil])
        #expect(sweep.isNumeric("a") && sweep.isNumeric("b") && !sweep.isNumeric("run_name"))
    }
}
