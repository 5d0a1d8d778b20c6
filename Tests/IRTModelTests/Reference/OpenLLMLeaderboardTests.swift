import Foundation
import IRTModel
import Linalg
import Testing

/// The library on a real public matrix that is nothing like the reference
/// sweep: 109 models, four accuracies in percent (higher is better), no
/// `run_name`, a UTF-8 BOM (Fixtures/public/README.md).
@Suite("Open LLM Leaderboard (public fixture): patterns, run column, gaps")
struct OpenLLMLeaderboardTests {
    static let benchmarks = ["ARC(25-shot)", "HellaSwag(10-shot)", "MMLU(5-shot)", "TruthfulQA(0-shot)"]
    static let selection = TaskSelection.patterns(include: ["ARC*", "HellaSwag*", "MMLU*", "TruthfulQA*"])

    static var url: URL {
        get throws {
            try #require(Bundle.module.url(forResource: "open_llm_leaderboard_20231031", withExtension: "csv",
                                           subdirectory: "Fixtures/public"))
        }
    }

    static func options(missing: MissingPolicy = .fit) -> AnalysisOptions {
        AnalysisOptions(selection: selection, draws: 100, threads: 1, runColumn: "Model", missing: missing)
    }

    /// The file's text with `count` task cells emptied, chosen with `seed`; also the emptied (row, task) pairs.
    static func masked(count: Int, seed: UInt64) throws -> (csv: String, cells: Set<[Int]>) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let taskColumns = benchmarks.map { name in header.firstIndex { $0.hasSuffix(name) }! }
        let rows = lines.count - 1 - (lines.last == "" ? 1 : 0)
        var cells = (0..<rows).flatMap { r in (0..<4).map { [r, $0] } }
        var rng = Xoshiro256StarStar(seed: seed)
        for i in stride(from: cells.count - 1, to: 0, by: -1) { cells.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let chosen = Set(cells.prefix(count))
        for cell in chosen {
            var fields = lines[cell[0] + 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[taskColumns[cell[1]]] = ""
            lines[cell[0] + 1] = fields.joined(separator: ",")
        }
        return (lines.joined(separator: "\n"), chosen)
    }

    @Test func patternsChooseTheFourBenchmarksHigherIsBetter() throws {
        let sweep = try EvalMatrix(contentsOf: Self.url, runColumn: "Model")
        let resolved = try Self.selection.resolve(in: sweep)
        #expect(resolved.tasks.map(\.name) == Self.benchmarks)
        #expect(resolved.tasks.allSatisfy { $0.direction == .higherIsBetter && $0.reason == .defaultHigher })
        // A bare benchmark name ("ARC" for "ARC(25-shot)") does not match: the error points at the real one.
        let bare = Self.error { _ = try TaskSelection.patterns(include: ["ARC"]).resolve(in: sweep) }
        guard case let .unmatchedPattern(_, _, _, near, _) = bare else { Issue.record("\(String(describing: bare))"); return }
        #expect(near == ["ARC(25-shot)"])
        // Every numeric column: Model and URL are text.
        #expect(sweep.numericColumnNames == ["Average"] + Self.benchmarks + ["Parameters"])
    }

    @Test func analysisRanksModelsLikeTheirAverage() throws {
        let options = Self.options()
        let sweep = try options.reading(EvalMatrix(contentsOf: Self.url))
        let result = try Analysis(sweep: sweep, options: options).run()
        #expect(result.nRuns == 109 && result.tasks == Self.benchmarks)
        #expect(result.runNames.first == "ValiantLabs/ShiningValiant")
        #expect(result.horn.k95 >= 1 && result.horn.countedRanks == 4)
        // Two factors stand above noise (HellaSwag/MMLU with ARC, and TruthfulQA with ARC), but a
        // 2-factor model of 4 tasks with free ψ has negative degrees of freedom: k is capped at
        // Ledermann's bound, 1, with a warning. That one factor is mostly HellaSwag (λ ≈ 0.97),
        // with MMLU and ARC; TruthfulQA does not load on it.
        #expect(result.horn.k95 == 2 && result.k == 1 && result.kChoice.capped == 2)
        #expect(result.warnings.contains { $0.kind == .factorsCapped })
        let hellaSwag = try sweep.numbers("HellaSwag(10-shot)").map { $0! }
        // (Model names repeat in this file: go by row, not by name.)
        let aggregate = result.theta.map { $0.reduce(0, +) / Double($0.count) }
        #expect(try Statistics.pearson(hellaSwag, aggregate) > 0.95)
        #expect(result.loadings[1][0] > 0.9 && result.loadings[3][0] < 0.1)
        #expect(result.loadings.allSatisfy { $0.allSatisfy { $0 >= 0 } })
    }

    @Test("15% of the task cells masked, policy fit: mask, coverage and moments over observed cells")
    func maskedFit() throws {
        let count = Int((0.15 * 109 * 4).rounded())   // 65 cells
        let (csv, cells) = try Self.masked(count: count, seed: 2023)
        let sweep = try EvalMatrix(csv: csv, source: "masked.csv", runColumn: "Model")
        let prepared = try PreparedSweep(sweep: sweep, selection: Self.selection, missing: .fit, minCoverage: 0.5)
        let report = prepared.selectionReport
        // Runs seeing fewer than 2 of the 4 benchmarks go, and are listed.
        let perRow = Dictionary(grouping: cells, by: { $0[0] }).mapValues(\.count)
        let lowRows = perRow.filter { $0.value > 2 }.keys.sorted()
        #expect(report.droppedRuns.map(\.line) == lowRows.map { $0 + 2 })
        #expect(report.droppedRuns.allSatisfy { $0.reason == .lowCoverage && $0.coverage < 0.5 })
        #expect(report.droppedTasks.isEmpty && prepared.tasks == Self.benchmarks)
        #expect(prepared.runNames.count == 109 - lowRows.count)
        let kept = Set(prepared.rowIndices)
        let gaps = cells.filter { kept.contains($0[0]) }
        #expect(prepared.hasGaps && prepared.observed.missingCount == gaps.count)
        for (i, row) in prepared.rowIndices.enumerated() {
            for j in 0..<4 { #expect(prepared.observed[i, j] == !cells.contains([row, j])) }
        }
        for j in 0..<4 {
            let seen = prepared.rowIndices.filter { !cells.contains([$0, j]) }.count
            #expect(prepared.coverage[j] == Double(seen) / Double(prepared.rowIndices.count))
            #expect(report.tasks[j].coverage == prepared.coverage[j])
            #expect(prepared.coverage[j] > 0.8 && prepared.coverage[j] < 0.9)
        }
        // Means and sds over the observed cells equal those of the original values there.
        let original = try EvalMatrix(contentsOf: Self.url)
        for (j, name) in Self.benchmarks.enumerated() {
            let all = try original.numbers(name).map { $0! }
            let observed = prepared.rowIndices.filter { !cells.contains([$0, j]) }.map { all[$0] }
            let mean = observed.reduce(0, +) / Double(observed.count)
            #expect(abs(prepared.standardization.means[j] - mean) <= 1e-12 * mean)
        }
        // Horn on the gaps: pairwise-complete and masked null; the structure survives.
        let complete = try ParallelAnalysis(prepared: PreparedSweep(sweep: original.withRunColumn("Model"),
                                                                    selection: Self.selection),
                                            draws: 100, seed: 42, threads: 1)
        let horn = try ParallelAnalysis(prepared: prepared, draws: 100, seed: 42, threads: 1)
        #expect(horn.masked && !complete.masked)
        #expect(horn.k95 == complete.k95)
        #expect(abs(horn.eigenvalues[0] - complete.eigenvalues[0]) < 0.25)
        #expect(report.summaryLines().contains { $0.hasPrefix("Missing cells: \(gaps.count) of ") })
    }

    @Test("15% of the task cells masked, policy drop-runs: listwise deletion, each run listed")
    func maskedDropRuns() throws {
        let (csv, cells) = try Self.masked(count: 65, seed: 2023)
        let sweep = try EvalMatrix(csv: csv, source: "masked.csv", runColumn: "Model")
        let prepared = try PreparedSweep(sweep: sweep, selection: Self.selection, missing: .dropRuns, minCoverage: 0.5)
        let gappyRows = Set(cells.map { $0[0] })
        #expect(prepared.rowIndices == (0..<109).filter { !gappyRows.contains($0) })
        #expect(prepared.selectionReport.droppedRuns.count == gappyRows.count)
        #expect(Set(prepared.selectionReport.droppedRuns.map(\.line)) == Set(gappyRows.map { $0 + 2 }))
        #expect(!prepared.hasGaps)
        // The analysis runs on what is left, and equals the complete file without those runs.
        let options = Self.options(missing: .dropRuns)
        let original = try options.reading(EvalMatrix(contentsOf: Self.url))
        let reduced = original.filteringRows { !gappyRows.contains($0) }
        let direct = try PreparedSweep(sweep: reduced, selection: Self.selection)
        #expect(prepared.z.elements.map(\.bitPattern) == direct.z.elements.map(\.bitPattern))
        let result = try Analysis(sweep: prepared.keptRows(of: sweep), options: options).run()
        #expect(result.nRuns == 109 - gappyRows.count)
        #expect(result.runNames == prepared.runNames)
    }

    static func error(_ body: () throws -> Void) -> AnalysisError? {
        do { try body() } catch { return error as? AnalysisError }
        return nil
    }
}
