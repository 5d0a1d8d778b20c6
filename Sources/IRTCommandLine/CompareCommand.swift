import ArgumentParser
import Foundation
import IRTModel
import IRTReport

/// `irt-report compare MODEL.json RUN_A RUN_B [RUNS.csv]`: is run A really
/// better than run B? Two runs of a saved model's sweep, or of a file scored
/// with it, compared from joint draws of their aggregates (``RunComparison``).
public struct CompareCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Tell whether one run is really better than another, given seed noise.",
        discussion: """
            Reads MODEL.json (the model.json of an earlier report) and, when given, RUNS.csv (runs to score \
            with it, as `irt-report score` does). RUN_A and RUN_B name runs of the model's sweep or of RUNS.csv; \
            a name in both is the run of RUNS.csv (said in a warning). Prints both runs' aggregate ± sd, their \
            difference with a 95% interval, P(A's aggregate > B's) from joint draws — the draws behind the \
            report's rank intervals and p_better — and whether they can be told apart at 95%.

            Examples:
              irt-report compare irt-report-output/model.json run_00125 run_00207
              irt-report compare report/model.json run_00125 new_run new_runs.csv --json c.json
            """)

    @Argument(help: ArgumentHelp("The model.json of an earlier irt-report run.", valueName: "MODEL.json"))
    public var model: String

    @Argument(help: ArgumentHelp("Run A: a run of the model's sweep or of RUNS.csv.", valueName: "RUN_A"))
    public var runA: String

    @Argument(help: ArgumentHelp("Run B: a run of the model's sweep or of RUNS.csv.", valueName: "RUN_B"))
    public var runB: String

    @Argument(help: ArgumentHelp("Runs to score with the model and compare (default: none, only the sweep's runs).",
                                 valueName: "RUNS.csv"))
    public var runs: String?

    @Option(help: ArgumentHelp("Also write the comparison as JSON to this path, atomically (default: none).", valueName: "PATH"))
    public var json: String?

    @Option(name: .customLong("rank-draws"), parsing: .unconditional, help: ArgumentHelp(
        "Joint draws behind p_better and the interval (the analysis' default: the draws of result.json's p_better).",
        valueName: "N"))
    public var rankDraws: Int = 2000

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed of the draws (default: 42, the analysis' default).", valueName: "S"),
            transform: NumberArguments.seed)
    public var seed: UInt64 = 42

    @Flag(name: [.short, .long], help: "Print nothing but errors (default: off).")
    public var quiet = false

    public init() {}

    public func validate() throws {
        guard rankDraws >= 1, rankDraws <= 1_000_000 else {
            throw ValidationError("--rank-draws must be between 1 and 1000000 (got \(rankDraws))")
        }
        try FileArguments.check(inputs: [("MODEL.json", model), ("RUNS.csv", runs)],
                                outputs: [("--json", json)])
    }

    /// Reads the files, scores RUNS.csv if given, and compares; writes nothing.
    ///
    /// - Throws: ``AnalysisError`` for an unreadable model or runs file;
    ///   ``RunComparisonError`` for a name that is unknown, the same twice,
    ///   not scored or held by several runs.
    public func compare() throws -> CompareReport {
        let fitted = try FittedModel(contentsOf: URL(fileURLWithPath: model))
        var scores: RunScores?
        var source: String?
        var skipped: [SkippedRun] = []
        var statusSkipped: [SkippedRun] = []
        if let runs {
            let matrix = try EvalMatrix(contentsOf: URL(fileURLWithPath: runs))
            let kept: EvalMatrix
            (kept, statusSkipped) = try Analysis.keptRuns(matrix, required: "completed", needed: 1)
            let scored = try fitted.score(kept)
            scores = scored
            source = matrix.source
            skipped = statusSkipped + scored.skipped
        }
        let comparison = try RunComparison(model: fitted, a: runA, b: runB, scored: scores,
                                           scoredSource: source ?? "the scored runs", notScored: statusSkipped,
                                           draws: rankDraws, seed: seed)
        var warnings = comparison.warnings + Analysis.drawWarnings(nullDraws: nil, rankDraws: rankDraws)
        if !skipped.isEmpty, let source {
            warnings.append(AnalysisWarning(
                .runsNotScored,
                "\(skipped.count) row(s) of \(source) not scored: " + AnalysisWarning.list(skipped.map { "\($0.run) (line \($0.line): \($0.reason))" }, limit: 8),
                subjects: skipped.map(\.run)))
        }
        let partial = [comparison.a, comparison.b].filter { $0.coverage < 1 }.map(\.name)
        if !partial.isEmpty {
            warnings.append(AnalysisWarning(
                .runsNotScored,
                "\(partial.joined(separator: " and ")) scored from only some of the model's \(fitted.tasks.count) tasks (see coverage): \(partial.count == 1 ? "its sd is" : "their sds are") wider",
                subjects: partial))
        }
        if fitted.seedNoise == nil {
            warnings.append(Analysis.modelBasedWarning("\(model) holds no seed noise (it was fitted without at least \(SeedNoise.minimumReplicates) replicate runs, or by an older IRTKit)"))
        }
        return CompareReport(model: model, source: source, comparison: comparison, skippedRuns: skipped,
                             warnings: warnings.map(RemedyWording.said))
    }

    public func run() throws {
        let report = try compare()
        if let json {
            let data: Data
            do { data = try JSONCoding.encode(report) } catch {
                throw ReportError.output(path: json, reason: "cannot encode the comparison: \(error)")
            }
            try AtomicFile.write(data, to: URL(fileURLWithPath: json), option: "--json")
        }
        if !quiet { print(Self.table(report)) }
    }

    /// The terminal table: A and B with aggregate ± sd, the difference with its
    /// 95% interval, p_better, the verdict, and where the uncertainty comes from.
    static func table(_ r: CompareReport) -> String {
        func origin(_ run: RunComparison.Run) -> String {
            run.origin == .sweep ? "sweep" : (r.source ?? "scored")
        }
        var lines = ["Compared two runs with \(r.model), from \(r.rankDraws) joint draws of their aggregates:"]
        let header = ["", "run", "from", "aggregate", "± sd", "coverage"]
        let rows = [("A", r.a), ("B", r.b)].map { label, run in
            [label, Summary.truncate(run.name, 40), Summary.truncate(origin(run), 30), Summary.fixed(run.aggregate),
             Summary.fixed(run.sd), NumberFormat.coverage(run.coverage)]
        }
        var widths = header.map(TerminalText.width)
        for row in rows { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], TerminalText.width(cell)) } }
        func format(_ row: [String]) -> String {
            row.enumerated().map { j, c in j <= 2 ? Summary.pad(c, widths[j]) : Summary.padLeft(c, widths[j]) }
                .joined(separator: "  ")
        }
        lines.append("  " + format(header))
        lines += rows.map { "  " + format($0) }
        lines.append("  A − B = \(Summary.fixed(r.difference)), 95% interval \(Summary.fixed(r.differenceInterval[0])) to "
            + "\(Summary.fixed(r.differenceInterval[1])); P(A > B) = \(Self.probability(r.pBetter, draws: r.rankDraws))")
        lines.append("  " + verdict(r))
        lines.append("Uncertainty: " + (r.uncertaintySource == .seedReplicates
            ? "seed noise measured on the model's replicate runs (± sd: how far an aggregate moves with another seed; assumed the same for every run)"
            : "model-based (the factor model's posterior given the fitted loadings, not checked against seed noise; see the warning)")
            + "; the fitted loadings' own uncertainty is not included")
        if !r.warnings.isEmpty {
            lines.append("Warnings:")
            lines += r.warnings.map { "  - " + $0.message }
        }
        return lines.joined(separator: "\n")
    }

    /// The one-line verdict: which run is better at 95%, or that they cannot be
    /// told apart, set against the minimum detectable difference (and why the
    /// two disagree when they do).
    static func verdict(_ r: CompareReport) -> String {
        let a = "\"\(r.a.name)\"", b = "\"\(r.b.name)\""
        let d = Summary.fixed(abs(r.difference)), mdd = Summary.fixed(r.minDetectableDifference)
        let partial = [r.a, r.b].contains { $0.coverage < 1 }
        let edge = "at the edge: within the Monte Carlo error of \(r.rankDraws) draws"
        switch r.verdict {
        case .aBetter, .bBetter:
            let (better, worse) = r.verdict == .aBetter ? (a, b) : (b, a)
            var context = "the difference \(d) exceeds the minimum detectable \(mdd)"
            if !r.exceedsMinDetectable {
                context = "the difference \(d) is below the minimum detectable \(mdd) between two complete runs; "
                    + (r.uncertaintySource == .modelPosterior ? "these two runs' sds are narrower than the median run's" : edge)
            }
            return "\(better) is better than \(worse) at 95% (\(context))"
        case .undecided:
            var context = "the difference \(d) is below the minimum detectable \(mdd)"
            if r.exceedsMinDetectable {
                context = "the difference \(d) exceeds the minimum detectable \(mdd) between two complete runs, but "
                    + (partial ? "these runs miss tasks, which widens their sds"
                        : r.uncertaintySource == .modelPosterior ? "these runs' sds are wider than the median run's" : edge)
            }
            return "\(a) and \(b) cannot be told apart at 95% (\(context))"
        }
    }

    /// `p` with three decimals (four within 0.001 of 0 or 1), or what it is when
    /// every draw fell on one side: a share of draws is never a certainty.
    static func probability(_ p: Double, draws: Int) -> String {
        if p >= 1 { return "1 (in every one of \(draws) draws)" }
        if p <= 0 { return "0 (in none of \(draws) draws)" }
        return NumberFormat.fixed(p, decimals: p > 0.999 || p < 0.001 ? 4 : 3, ascii: true)
    }
}
