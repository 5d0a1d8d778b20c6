import Foundation
import IRTModel
import Testing
@testable import IRTMixture

/// A mixture file from its text, as the CLI reads it.
func mixtureTable(_ text: String, runColumn: String = "run", pattern: String? = nil) throws(MixtureError) -> MixtureTable {
    let csv: CSVTable
    do throws(AnalysisError) { csv = try CSVReader.parse(text, source: "mix.csv") } catch { throw .input(error) }
    return try MixtureTable.parse(csv, source: "mix.csv", runColumn: runColumn, columnsPattern: pattern)
}

@Suite struct MixtureTableTests {
    let good = """
        run,phase_1_web,phase_1_code,phase_1_math,phase_2_web,phase_2_code,note,tokens
        a,0.5,0.3,0.2,0.6,0.4,first,100
        b,0.2,0.3,0.5,0.1,0.9,second,100
        c,0.4,0.3,0.3,0.5,0.5,,100
        """

    @Test func phasesFromColumnNames() throws {
        let t = try mixtureTable(good)
        #expect(t.runNames == ["a", "b", "c"])
        #expect(t.phases == [MixturePhase(name: "phase_1", columns: ["phase_1_web", "phase_1_math"]),
                             MixturePhase(name: "phase_2", columns: ["phase_2_web", "phase_2_code"])])
        // phase_1_code is 0.3 in every run: dropped and said; the text and the unphased number are not weights.
        #expect(t.droppedConstantColumns == ["phase_1_code"])
        #expect(t.droppedConstantValues == [0.3])
        #expect(t.columns == ["phase_1_web", "phase_1_math", "phase_2_web", "phase_2_code"])
        #expect(t.inputColumns == ["phase_1_web", "phase_1_code", "phase_1_math", "phase_2_web", "phase_2_code"])
        #expect(t.weights.row(1) == [0.2, 0.5, 0.1, 0.9])
        #expect(t.lines == [2, 3, 4])
    }

    @Test func withoutPhaseNamesEveryNumericColumnIsOnePhase() throws {
        let t = try mixtureTable("run,web,code\na,0.25,0.75\nb,1,0\n")
        #expect(t.phases == [MixturePhase(name: "all", columns: ["web", "code"])])
    }

    @Test func aPatternChoosesTheColumns() throws {
        let t = try mixtureTable("run,web,code,loss\na,0.25,0.75,3\nb,1,0,2\n", pattern: "web, code")
        #expect(t.columns == ["web", "code"])
        #expect(throws: MixtureError.noWeightColumns(file: "mix.csv")) {
            try mixtureTable("run,web,code\na,0.25,0.75\nb,1,0\n", pattern: "phase_*")
        }
    }

    @Test func everyBadInputNamesFileLineAndColumn() {
        let header = "run,phase_1_a,phase_1_b\n"
        let cases: [(String, MixtureError)] = [
            (header + "x,0.5,0.5\ny,-0.1,1.1\n", .negativeWeight(file: "mix.csv", line: 3, column: "phase_1_a", value: -0.1)),
            (header + "x,0.5,0.5\ny,NaN,0.5\n", .nonFiniteWeight(file: "mix.csv", line: 3, column: "phase_1_a", value: "NaN")),
            (header + "x,0.5,0.5\ny,0.5,inf\n", .nonFiniteWeight(file: "mix.csv", line: 3, column: "phase_1_b", value: "inf")),
            (header + "x,0.5,0.5\ny,0.5,0.5\nz,half,0.5\n", .nonNumericWeight(file: "mix.csv", line: 4, column: "phase_1_a", value: "half")),
            (header + "x,0.5,0.5\ny,0.5,\n", .nonNumericWeight(file: "mix.csv", line: 3, column: "phase_1_b", value: "")),
            (header + "x,0.5,0.5\ny,0.5,0.75\n", .phaseSum(file: "mix.csv", line: 3, run: "y", phase: "phase_1", sum: 1.25)),
            (header + "x,0.5,0.5\nx,0.4,0.6\n", .duplicateRun(file: "mix.csv", line: 3, run: "x", firstLine: 2)),
            (header + "x,0.5,0.5\n,0.4,0.6\n", .emptyRunName(file: "mix.csv", line: 3, column: "run")),
            ("run,phase_1_a,phase_2_a,phase_2_b\nx,1,0.5,0.5\n", .singleDomainPhase(file: "mix.csv", phase: "phase_1", column: "phase_1_a")),
            ("name,phase_1_a,phase_1_b\nx,0.5,0.5\n", .missingRunColumn(file: "mix.csv", column: "run")),
            ("run,note\nx,hello\n", .noWeightColumns(file: "mix.csv")),
            ("run,phase_1_a,phase_1_b\n", .input(.headerOnly(file: "mix.csv"))),
            ("run,a,a\nx,0.5,0.5\n", .input(.duplicateColumn(file: "mix.csv", column: "a"))),
            (header + "x,0.5,0.5\n", .constantWeights(file: "mix.csv", columns: ["phase_1_a", "phase_1_b"])),
            (header + "x,0.5,0.5\ny,0.5,0.5\n", .constantWeights(file: "mix.csv", columns: ["phase_1_a", "phase_1_b"])),
        ]
        for (text, expected) in cases {
            #expect(throws: expected) { try mixtureTable(text) }
            let message = expected.description
            #expect(!message.contains("\n"))
            #expect(message.hasPrefix("mix.csv"))
        }
    }

    @Test func theSumToleranceIsOneMillionth() throws {
        _ = try mixtureTable("run,phase_1_a,phase_1_b\nx,0.5,0.5000009\ny,0.4,0.6\n")
        #expect(throws: MixtureError.self) { try mixtureTable("run,phase_1_a,phase_1_b\nx,0.5,0.500002\ny,0.4,0.6\n") }
    }

    @Test func unphasedColumnsBesidePhasesAreAnErrorOnlyWhenChosen() throws {
        let text = "run,phase_1_a,phase_1_b,extra\nx,0.5,0.5,0.1\ny,0.4,0.6,0.2\n"
        #expect(try mixtureTable(text).columns == ["phase_1_a", "phase_1_b"])
        #expect(throws: MixtureError.self) { try mixtureTable(text, pattern: "*") }
    }

    @Test func errorMessagesAreOneLineAndNameTheColumn() {
        let e = MixtureError.nonNumericWeight(file: "mix.csv", line: 7, column: "phase_2_web", value: "n/a")
        #expect(e.description == "mix.csv:7: column \"phase_2_web\": expected a mixture weight (a number such as 0.05), found \"n/a\"")
        let s = MixtureError.phaseSum(file: "mix.csv", line: 3, run: "r1", phase: "phase_1", sum: 0.9)
        #expect(s.description.contains("r1") && s.description.contains("phase_1") && s.description.contains("0.9"))
    }

    @Test func readsAFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mixture-\(UUID().uuidString).csv")
        try Data(good.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let t = try MixtureTable.read(contentsOf: url, runColumn: "run", columnsPattern: nil)
        #expect(t.source == url.lastPathComponent)
        #expect(t.runNames.count == 3)
        let missing = url.deletingLastPathComponent().appendingPathComponent("absent-\(UUID().uuidString).csv")
        #expect(throws: MixtureError.self) { try MixtureTable.read(contentsOf: missing, runColumn: "run", columnsPattern: nil) }
    }
}
