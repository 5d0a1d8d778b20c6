import Foundation
import IRTModel
import Linalg

/// The mixture step: from scores and mixture weights to surrogates, effects and proposals.
public enum MixtureStudy {
    /// The fewest runs with both a mixture and scores the step accepts.
    public static let minimumMatchedRuns = 20

    /// Joins `table` to the sweep's runs by name, fits and cross-validates the surrogates for
    /// every score, estimates effects and proposes mixtures.
    ///
    /// - Parameters:
    ///   - table: the validated mixture file.
    ///   - runNames: the sweep's run names, aligned with every `scores[i].values`.
    ///   - scores: the scores to explain (the aggregate, the factors, the balanced aggregate).
    ///   - options: folds, seed, proposals, trust region, objective, reference run, bootstrap.
    /// - Throws: ``MixtureError/tooFewMatchedRuns(file:matched:needed:)`` below 20 matches,
    ///   ``MixtureError/unknownReferenceRun(_:)``, ``MixtureError/invalidObjective(_:)``,
    ///   ``MixtureError/invalidOption(_:)``.
    public static func run(table: MixtureTable, runNames: [String], scores: [MixtureScore],
                           options: MixtureOptions) throws(MixtureError) -> MixtureAnalysis {
        throw .invalidOption("not implemented")
    }

    /// proposals.csv: the input's columns (run column first, named "run"), one row per
    /// proposal named "proposal_1", … — ready to launch.
    public static func proposalsCSV(_ analysis: MixtureAnalysis, table: MixtureTable) -> String {
        ""
    }
}
