import Foundation
import IRTMixture
import IRTModel
import IRTReport

/// The mixture step as `irt-report` runs it: read and validate the mixture
/// file (before the long analysis, so that a bad file is refused at once),
/// then, with the scores, run ``MixtureStudy``.
enum MixtureStep {
    /// Reads and validates the mixture file at `path`.
    ///
    /// - Parameters:
    ///   - path: the file, as given (its last component names it in errors).
    ///   - runColumn: the run-name column; `nil` takes the sweep's default rule
    ///     (`run_name`, else the first non-numeric column other than `status`).
    ///   - columns: `--mixture-columns`.
    /// - Throws: ``MixtureError`` naming file, line and column.
    static func table(path: String, runColumn: String?, columns: String?) throws(MixtureError) -> MixtureTable {
        let url = URL(fileURLWithPath: path)
        let source = url.lastPathComponent
        let csv: CSVTable
        do { csv = try CSVReader.read(contentsOf: url) } catch { throw .input(error) }
        let column = runColumn ?? EvalMatrix(table: csv, source: source).defaultRunColumn
        guard let column else {
            throw .missingRunColumn(file: source, column: EvalMatrix.runNameColumn)
        }
        return try MixtureTable.parse(csv, source: source, runColumn: column, columnsPattern: columns)
    }

    /// The first run name that occurs more than once in `runNames`, with its count:
    /// the mixture file is joined to the runs by name, so a repeated name that the
    /// mixture file holds is ambiguous.
    static func repeatedName(_ runNames: [String]) -> (name: String, count: Int)? {
        var counts: [String: Int] = [:]
        for name in runNames { counts[name, default: 0] += 1 }
        return runNames.first { counts[$0]! > 1 }.map { ($0, counts[$0]!) }
    }

    /// Runs the study.
    ///
    /// - Parameters:
    ///   - table: the mixture file (``table(path:runColumn:columns:)``).
    ///   - runNames: the runs the scores belong to (the sweep's, then any new runs).
    ///   - scores: ``MixtureScores``.
    ///   - arguments: the mixture options.
    ///   - seed: the analysis' `--seed`.
    ///   - factors: k.
    ///   - namesSource: where the run names come from, for the error on a repeated name.
    /// - Throws: ``MixtureError``; ``ReportError/ambiguousRunName(file:run:count:)`` for a run
    ///   name of the mixture file that several runs hold.
    static func run(table: MixtureTable, runNames: [String], scores: [MixtureScore], arguments: MixtureArguments,
                    seed: UInt64, factors: Int, namesSource: String) throws -> MixtureReport {
        let named = Set(table.runNames)
        if let repeated = repeatedName(runNames.filter(named.contains)) {
            throw ReportError.ambiguousRunName(file: namesSource, run: repeated.name, count: repeated.count)
        }
        let options = try arguments.options(seed: seed, factors: factors)
        let analysis = try MixtureStudy.run(table: table, runNames: runNames, scores: scores, options: options)
        return MixtureReport(analysis: analysis, table: table, options: options)
    }

    /// The options named in `error`'s message when it is a usage error (exit 2), else `nil`.
    static func usageMessage(_ error: MixtureError) -> String? {
        switch error {
        case let .unknownReferenceRun(name):
            "--reference-run \(name): not among the runs with both a mixture and scores; omit it to take the best matched run by aggregate"
        case .invalidObjective:
            "--objective: \(error.description)"
        case let .invalidOption(text):
            text
        default:
            nil
        }
    }
}
