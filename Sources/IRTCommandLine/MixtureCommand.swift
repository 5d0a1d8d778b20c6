import ArgumentParser
import Foundation
import IRTMixture
import IRTModel
import IRTReport

/// `irt-report mixture MODEL.json MIXTURE.csv [RUNS.csv]`: the mixture step on
/// a saved model — the sweep's scores from `model.json`, plus new runs scored
/// from RUNS.csv as `irt-report score` does — without refitting.
public struct MixtureCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mixture",
        abstract: "From a saved model's scores to the next mixture: predictability, effects and proposals.",
        discussion: """
            Reads MODEL.json (the model.json of an earlier report), MIXTURE.csv (one row per run, one numeric \
            column per training-data weight; columns named phase_<i>_<domain> form phases whose weights sum to 1) \
            and, when given, RUNS.csv (runs trained since, scored with the model as `irt-report score` does). \
            Joins the mixtures to the runs by name, tells how predictable each score is from the mixture \
            (out-of-fold R² of two surrogates against the seed-noise ceiling and a permutation baseline), which \
            domains move which score, and proposes the next mixtures within a trust region. Seeded by the \
            analysis' --seed, kept in MODEL.json, unless --seed is given.

            Examples:
              irt-report mixture report/model.json mixtures.csv --proposals-csv next.csv
              irt-report mixture report/model.json mixtures.csv new_runs.csv --objective factor:2 --json mixture.json
            """)

    @Argument(help: ArgumentHelp("The model.json of an earlier irt-report run.", valueName: "MODEL.json"))
    public var model: String

    @Argument(help: ArgumentHelp("The runs' mixtures: a header row, then one row per run.", valueName: "MIXTURE.csv"))
    public var mixture: String

    @Argument(help: ArgumentHelp("Runs to score with the model and add to the sweep's (default: none).", valueName: "RUNS.csv"))
    public var runs: String?

    @OptionGroup(title: "Mixture") public var mixtureArguments: MixtureArguments

    @Option(name: .customLong("run-column"), help: ArgumentHelp(
        "Column of RUNS.csv that names the runs (default: run_name, else the first non-numeric column); also the mixture file's unless --mixture-run-column is given.",
        valueName: "NAME"))
    public var runColumn: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Seed of every draw of the mixture step (folds, permutations, bootstrap, proposals) (default: the analysis' --seed, kept in MODEL.json).",
        valueName: "S"))
    public var seed: UInt64?

    @Option(help: ArgumentHelp("Also write the mixture step as JSON to this path, atomically (default: none).", valueName: "PATH"))
    public var json: String?

    @Option(name: .customLong("proposals-csv"), help: ArgumentHelp(
        "Also write the proposals, with the mixture file's columns, to this CSV, atomically (default: none).", valueName: "FILE"))
    public var proposalsCSV: String?

    @Option(name: .customLong("effects-csv"), help: ArgumentHelp(
        "Also write the effects (score, column, estimate, 95% interval) to this CSV, atomically (default: none).", valueName: "FILE"))
    public var effectsCSV: String?

    @Option(name: .customLong("predictability-csv"), help: ArgumentHelp(
        "Also write the predictability table (out-of-fold R², permutation baseline, ceiling per score and surrogate) to this CSV, atomically (default: none).",
        valueName: "FILE"))
    public var predictabilityCSV: String?

    @Flag(name: [.short, .long], help: "Print nothing but errors (default: off).")
    public var quiet = false

    public init() {}

    /// The outputs, by option.
    var outputs: [(String, String?)] {
        [("--json", json), ("--proposals-csv", proposalsCSV), ("--effects-csv", effectsCSV),
         ("--predictability-csv", predictabilityCSV)]
    }

    public func validate() throws {
        if let runColumn, runColumn.isEmpty {
            throw ValidationError("--run-column needs a column name of RUNS.csv, e.g. --run-column model")
        }
        try FileArguments.check(inputs: [("MODEL.json", model), ("MIXTURE.csv", mixture)] + (runs.map { [("RUNS.csv", $0)] } ?? []),
                                outputs: outputs)
        let given = outputs.compactMap { option, path in path.map { (option, URL(fileURLWithPath: $0).standardizedFileURL.path) } }
        for (i, a) in given.enumerated() {
            if let b = given[(i + 1)...].first(where: { $0.1 == a.1 }) {
                throw ValidationError("\(a.0) and \(b.0) name the same file \(a.1)")
            }
        }
    }

    /// Reads the files, scores RUNS.csv if given, and runs the mixture step; writes nothing.
    ///
    /// - Throws: ``MixtureError`` for a bad mixture file or option, `AnalysisError`
    ///   for an unreadable model or runs file, ``ReportError`` for a run name held by several runs.
    public func study() throws -> (report: MixtureReport, factorLabels: [String], notes: [String]) {
        let table = try MixtureStep.table(path: mixture, runColumn: mixtureArguments.runColumn ?? runColumn,
                                          columns: mixtureArguments.columns)
        let fitted = try FittedModel(contentsOf: URL(fileURLWithPath: model))
        var names = fitted.sweep.runNames
        var theta = fitted.sweep.theta
        var notes = ["\(names.count) runs of the model's sweep (\(fitted.provenance.sweepSource)), scored as the analysis scored them"]
        var namesSource = model
        if let runs {
            var matrix = try EvalMatrix(contentsOf: URL(fileURLWithPath: runs))
            if let runColumn { matrix = try matrix.withRunColumn(runColumn) }
            let (kept, statusSkipped) = try Analysis.keptRuns(matrix, required: "completed", needed: 1)
            let scores = try fitted.score(kept)
            names += scores.runNames
            for i in 0..<scores.theta.rows { theta.append((0..<scores.theta.columns).map { scores.theta[i, $0] }) }
            notes.append("\(scores.runNames.count) run(s) of \(matrix.source) scored with the model and added")
            let skipped = statusSkipped + scores.skipped
            if !skipped.isEmpty {
                notes.append("\(skipped.count) row(s) of \(matrix.source) not scored: "
                    + AnalysisWarning.list(skipped.map { "\($0.run) (line \($0.line): \($0.reason))" }, limit: 8))
            }
            namesSource = "\(model) and \(matrix.source)"
        }
        let definition = fitted.aggregateDefinition
        let balanced = mixtureArguments.wantsBalanced
            ? try MixtureScores.balancedWeights(definition: definition, comparison: nil, theta: fitted.sweep.theta, note: nil)
            : nil
        let scores = MixtureScores.scores(theta: theta, aggregate: definition.factorWeights,
                                          aggregateFormula: AggregateDefinition.formula(kind: definition.kind, factorWeights: definition.factorWeights),
                                          factorLabels: fitted.factorLabels, balanced: balanced, seedNoise: fitted.seedNoise)
        let report = try MixtureStep.run(table: table, runNames: names, scores: scores, arguments: mixtureArguments,
                                         seed: seed ?? fitted.provenance.hornSeed, factors: fitted.factorCount,
                                         namesSource: namesSource)
        return (report, fitted.factorLabels, notes)
    }

    public func run() throws {
        let (report, labels, notes) = try study()
        if let json {
            let data: Data
            do {
                data = try JSONCoding.encode(MixtureCommandJSON(model: model, runs: runs, seed: report.options.seed,
                                                                 notes: notes, mixture: report.analysis))
            } catch {
                throw ReportError.output(path: json, reason: "cannot encode the mixture step: \(error)")
            }
            try AtomicFile.write(data, to: URL(fileURLWithPath: json), option: "--json")
        }
        if let proposalsCSV {
            try AtomicFile.write(Data(MixtureStudy.proposalsCSV(report.analysis, table: report.table).utf8),
                                 to: URL(fileURLWithPath: proposalsCSV), option: "--proposals-csv")
        }
        if let effectsCSV {
            try AtomicFile.write(Data(CSVExport.mixtureEffects(report).utf8), to: URL(fileURLWithPath: effectsCSV),
                                 option: "--effects-csv")
        }
        if let predictabilityCSV {
            try AtomicFile.write(Data(CSVExport.mixturePredictability(report, factorLabels: labels).utf8),
                                 to: URL(fileURLWithPath: predictabilityCSV), option: "--predictability-csv")
        }
        guard !quiet else { return }
        var lines = ["irt-report mixture: \(model) with \(report.table.source)" + (runs.map { " and \($0)" } ?? "")]
        lines += notes.map { "  " + $0 }
        lines += Summary.mixture(report, factorLabels: labels, files: nil)
        print(lines.joined(separator: "\n"))
    }
}

/// What `irt-report mixture --json` writes (METHOD.md §10): the inputs, the
/// seed, the notes on the runs, and the mixture block of `result.json`.
struct MixtureCommandJSON: Encodable {
    static let schemaVersion = 1
    let model: String
    let runs: String?
    let seed: UInt64
    let notes: [String]
    let mixture: MixtureAnalysis

    enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version", model, runs, seed, notes, mixture }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.schemaVersion, forKey: .schemaVersion)
        try c.encode(model, forKey: .model)
        try c.encodeIfPresent(runs, forKey: .runs)
        try c.encode(seed, forKey: .seed)
        try c.encode(notes, forKey: .notes)
        try c.encode(mixture, forKey: .mixture)
    }
}
