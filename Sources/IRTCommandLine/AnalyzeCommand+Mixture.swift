import ArgumentParser
import Foundation
import IRTMixture
import IRTModel
import IRTReport

extension AnalyzeCommand {
    /// The mixture options given on the command line, by name (those that differ from their defaults).
    var mixtureOptionsGiven: [String] {
        // The defaults of MixtureArguments (an unparsed instance cannot be read).
        let m = mixtureArguments, defaults = MixtureOptions()
        var given: [String] = []
        if m.runColumn != nil { given.append("--mixture-run-column") }
        if m.columns != nil { given.append("--mixture-columns") }
        if m.objective != MixtureArguments.defaultObjective { given.append("--objective") }
        if m.referenceRun != nil { given.append("--reference-run") }
        if m.maxTV != defaults.maxTV { given.append("--max-tv") }
        if m.proposals != defaults.proposals { given.append("--proposals") }
        if m.bootstrap != defaults.bootstrap { given.append("--mixture-bootstrap") }
        return given
    }

    /// Checks `--mixture` and its options before anything is read: the file
    /// exists, the options have a mixture to apply to, and there are runs to join.
    /// (That no output lands on the file is checked with the other inputs.)
    ///
    /// - Throws: `ValidationError` (exit 2).
    func validateMixture() throws(ValidationError) {
        guard let mixture else {
            let given = mixtureOptionsGiven
            if !given.isEmpty {
                throw ValidationError("\(given.joined(separator: ", ")) \(given.count == 1 ? "applies" : "apply") to the mixture step; give --mixture FILE.csv")
            }
            return
        }
        if correlation != nil {
            throw ValidationError("--mixture joins mixtures to runs, and --correlation has no runs; give SWEEP.csv instead")
        }
        if mixture.isEmpty { throw ValidationError("--mixture needs a file path, e.g. --mixture mixtures.csv") }
        // That it is a readable file, and that no output lands on it, is checked with the other inputs.
    }

    /// The mixture file read and validated, `nil` without `--mixture`: done
    /// before the analysis, so that a bad file is refused at once.
    ///
    /// - Throws: ``MixtureError`` naming file, line and column.
    func mixtureTable() throws(MixtureError) -> MixtureTable? {
        guard let mixture else { return nil }
        return try MixtureStep.table(path: mixture, runColumn: mixtureArguments.runColumn ?? runColumn,
                                     columns: mixtureArguments.columns)
    }

    /// The mixture step on a finished analysis: the aggregate, every θ_J and,
    /// for `--objective balanced`, the balanced aggregate, with the seed noise's
    /// shares (``MixtureScores``), seeded by `--seed`.
    ///
    /// - Throws: ``MixtureError``, or ``ReportError/ambiguousRunName(file:run:count:)``.
    func mixtureStudy(_ r: AnalysisResult, table: MixtureTable) throws -> MixtureReport {
        let definition = r.model?.aggregateDefinition ?? .mean(factors: r.k)
        let balanced = mixtureArguments.wantsBalanced
            ? try MixtureScores.balancedWeights(definition: definition, comparison: r.aggregateDefinition?.balancedComparison?.factorWeights,
                                                theta: r.theta, note: r.aggregateDefinition?.balancedNote)
            : nil
        let scores = MixtureScores.scores(theta: r.theta, aggregate: definition.factorWeights,
                                          aggregateFormula: r.aggregateDefinition?.formula ?? "mean of θ",
                                          factorLabels: r.factorLabels, balanced: balanced, seedNoise: r.model?.seedNoise)
        return try MixtureStep.run(table: table, runNames: r.runNames, scores: scores, arguments: mixtureArguments,
                                   seed: seed, factors: r.k, namesSource: r.source)
    }
}
