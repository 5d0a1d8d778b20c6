import ArgumentParser
import Foundation
import IRTModel
import IRTReport

/// `irt-report score MODEL.json RUNS.csv`: scores new runs with a saved model
/// (`model.json` from an earlier report) and ranks them among its sweep.
public struct ScoreCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score new runs with a saved model and rank them among the model's sweep.",
        discussion: """
            Reads MODEL.json (the model.json of an earlier report) and RUNS.csv (a header row, then one row per \
            run, with some or all of the model's task columns). Each run is standardized with the sweep's means \
            and sds and scored from the tasks it has (exact Gaussian posterior); runs with no task are skipped \
            and listed. Prints each run's aggregate ± sd, the rank it would take among the model's sweep with a \
            95% interval, and its coverage; ± sd and the interval are the seed noise the model measured on \
            replicate runs, or the model's posterior (with a warning) when it has none.

            Example:
              irt-report score irt-report-output/model.json new_runs.csv --json scores.json
            """)

    @Argument(help: ArgumentHelp("The model.json of an earlier irt-report run.", valueName: "MODEL.json"))
    public var model: String

    @Argument(help: ArgumentHelp("Runs to score: a header row, then one row per run.", valueName: "RUNS.csv"))
    public var runs: String

    @Option(help: ArgumentHelp("Also write the scores as CSV to this path, atomically (default: none).", valueName: "FILE"))
    public var csv: String?

    @Option(help: ArgumentHelp("Also write the scores as JSON to this path, atomically (default: none).", valueName: "PATH"))
    public var json: String?

    @Option(name: .customLong("rank-draws"), parsing: .unconditional, help: ArgumentHelp(
        "Joint posterior draws behind the rank intervals.", valueName: "N"))
    public var rankDraws: Int = 2000

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the rank draws (default: 42).", valueName: "S"), transform: NumberArguments.seed)
    public var seed: UInt64 = 42

    @Flag(name: [.short, .long], help: "Print nothing but errors (default: off).")
    public var quiet = false

    public init() {}

    public func validate() throws {
        guard rankDraws >= 1, rankDraws <= 1_000_000 else {
            throw ValidationError("--rank-draws must be between 1 and 1000000 (got \(rankDraws))")
        }
        try FileArguments.check(inputs: [("MODEL.json", model), ("RUNS.csv", runs)],
                                outputs: [("--csv", csv), ("--json", json)])
        if let csv, let json, csv == json { throw ValidationError("--csv and --json name the same file \(csv)") }
    }

    /// Reads both files and scores; writes nothing.
    public func score() throws(AnalysisError) -> ScoreReport {
        let fitted = try FittedModel(contentsOf: URL(fileURLWithPath: model))
        let matrix = try EvalMatrix(contentsOf: URL(fileURLWithPath: runs))
        let (kept, statusSkipped) = try Analysis.keptRuns(matrix, required: "completed", needed: 1)
        let scores = try fitted.score(kept)
        let ranks = RankAmongSweep(runs: fitted.noise(of: scores), sweep: fitted.sweepNoise, draws: rankDraws, seed: seed)
        let skipped = statusSkipped + scores.skipped
        var warnings: [AnalysisWarning] = []
        if !skipped.isEmpty {
            warnings.append(AnalysisWarning(
                .runsNotScored,
                "\(skipped.count) row(s) not scored: " + AnalysisWarning.list(skipped.map { "\($0.run) (line \($0.line): \($0.reason))" }, limit: 8),
                subjects: skipped.map(\.run)))
        }
        if let duplicates = Analysis.duplicateRunNamesWarning(scores.runNames) { warnings.append(duplicates) }
        let partial = scores.coverage.filter { $0 < 1 }.count
        if partial > 0 {
            warnings.append(AnalysisWarning(
                .runsNotScored, "\(partial) run(s) scored from only some of the model's \(fitted.tasks.count) tasks (see coverage): their sds are wider"))
        }
        warnings += Analysis.drawWarnings(nullDraws: nil, rankDraws: rankDraws)
        let outside = fitted.outsideSweep(scores.aggregate)
        if !outside.isEmpty, let low = fitted.sweep.aggregate.min(), let high = fitted.sweep.aggregate.max() {
            warnings.append(AnalysisWarning(
                .runsOutsideSweep,
                "\(outside.count) run(s) score far outside the model's sweep (aggregates \(Summary.fixed(low)) to \(Summary.fixed(high)); more than \(Int(100 * FittedModel.outsideSweepMargin))% of that range beyond it): "
                    + AnalysisWarning.list(outside.map { "\(scores.runNames[$0]) (\(Summary.fixed(scores.aggregate[$0])))" }, limit: 8)
                    + "; the model is extrapolated there — check the runs' units and the columns they were matched to",
                subjects: outside.map { scores.runNames[$0] }))
        }
        if fitted.seedNoise == nil {
            warnings.append(Analysis.modelBasedWarning("\(model) holds no seed noise (it was fitted without at least \(SeedNoise.minimumReplicates) replicate runs, or by an older IRTKit)"))
        }
        return ScoreReport(model: model, source: matrix.source, fitted: fitted, scores: scores, ranks: ranks,
                           rankDraws: rankDraws, seed: seed, skippedRuns: skipped,
                           warnings: warnings.map(RemedyWording.said))
    }

    public func run() throws {
        let report = try score()
        if let csv { try AtomicFile.write(Data(CSVExport.scores(report).utf8), to: URL(fileURLWithPath: csv), option: "--csv") }
        if let json {
            let data: Data
            do { data = try JSONCoding.encode(report) } catch {
                throw ReportError.output(path: json, reason: "cannot encode the scores: \(error)")
            }
            try AtomicFile.write(data, to: URL(fileURLWithPath: json), option: "--json")
        }
        if !quiet { print(Self.table(report)) }
    }

    /// The terminal table: run, aggregate ± sd, rank among the sweep [interval], coverage.
    static func table(_ r: ScoreReport) -> String {
        let aggregate = r.aggregateDefinition.flatMap { $0.kind == .mean ? nil : "; aggregate \($0.formula)" } ?? ""
        var lines = ["Scored \(r.runNames.count) run(s) of \(r.source) with \(r.model) (k = \(r.factorLabels.count)\(aggregate)); "
            + "rank among the model's sweep, 95% interval from \(r.rankDraws) draws; ± sd and intervals are "
            + (r.uncertaintySource == .seedReplicates ? "seed noise measured on the model's replicate runs:"
                : "model-based (the posterior given the fitted loadings, not seed noise):")]
        let header = ["run", "aggregate", "± sd", "rank", "95% interval", "coverage"]
        let rows = r.runNames.indices.map { i in
            [Summary.truncate(r.runNames[i], 40), Summary.fixed(r.aggregate[i]), Summary.fixed(r.aggregateSD[i]),
             "\(r.rank[i])", "\(r.rankInterval[i][0])–\(r.rankInterval[i][1])", NumberFormat.coverage(r.coverage[i])]
        }
        var widths = header.map(TerminalText.width)
        for row in rows { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], TerminalText.width(cell)) } }
        func format(_ row: [String]) -> String {
            row.enumerated().map { j, c in j == 0 ? Summary.pad(c, widths[j]) : Summary.padLeft(c, widths[j]) }
                .joined(separator: "  ")
        }
        lines.append("  " + format(header))
        lines += rows.map { "  " + format($0) }
        if !r.warnings.isEmpty {
            lines.append("Warnings:")
            lines += r.warnings.map { "  - " + $0.message }
        }
        return lines.joined(separator: "\n")
    }
}
