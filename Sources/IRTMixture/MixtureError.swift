import IRTModel

/// Every way the mixture step can fail on its input, each as one line naming
/// the file, the line (1-based, the header is line 1), the column and what was expected.
public enum MixtureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A CSV-level problem (unreadable file, ragged row, duplicate header column, …).
    case input(AnalysisError)
    /// A weight below 0.
    case negativeWeight(file: String, line: Int, column: String, value: Double)
    /// A weight that is NaN or infinite.
    case nonFiniteWeight(file: String, line: Int, column: String, value: String)
    /// A weight cell that is not a number (text or empty).
    case nonNumericWeight(file: String, line: Int, column: String, value: String)
    /// A phase whose weights do not sum to 1 within 1e-6 in one run.
    case phaseSum(file: String, line: Int, run: String, phase: String, sum: Double)
    /// A phase with a single weight column (its weight is 1 in every run).
    case singleDomainPhase(file: String, phase: String, column: String)
    /// Two rows with the same run name.
    case duplicateRun(file: String, line: Int, run: String, firstLine: Int)
    /// A row with an empty run name.
    case emptyRunName(file: String, line: Int, column: String)
    /// The run-name column is not in the header.
    case missingRunColumn(file: String, column: String)
    /// No column is a weight column (none numeric, or none matches the pattern).
    case noWeightColumns(file: String)
    /// Every weight column holds the same weight in every run: nothing to learn from.
    case constantWeights(file: String, columns: [String])
    /// Fewer runs than `needed` have both a mixture row and scores.
    case tooFewMatchedRuns(file: String, matched: Int, needed: Int)
    /// The reference run is not among the matched runs.
    case unknownReferenceRun(String)
    /// The objective cannot be parsed or names no fitted factor.
    case invalidObjective(String)
    /// An option is outside its domain.
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .input(error):
            return error.description
        case let .negativeWeight(file, line, column, value):
            return "\(file):\(line): column \"\(column)\": weight \(value) is negative; expected a mixture weight ≥ 0"
        case let .nonFiniteWeight(file, line, column, value):
            return "\(file):\(line): column \"\(column)\": expected a finite mixture weight, found \"\(value)\""
        case let .nonNumericWeight(file, line, column, value):
            return "\(file):\(line): column \"\(column)\": expected a mixture weight (a number such as 0.05), found \"\(value)\""
        case let .phaseSum(file, line, run, phase, sum):
            return "\(file):\(line): run \"\(run)\": the weights of phase \"\(phase)\" sum to \(sum); expected 1 (within 1e-6)"
        case let .singleDomainPhase(file, phase, column):
            return "\(file):1: phase \"\(phase)\" has one weight column (\"\(column)\"); a phase needs at least 2 domains to mix"
        case let .duplicateRun(file, line, run, firstLine):
            return "\(file):\(line): run \"\(run)\" appears again (first on line \(firstLine)); expected one mixture row per run"
        case let .emptyRunName(file, line, column):
            return "\(file):\(line): column \"\(column)\": the run name is empty; expected the name of a run of the sweep"
        case let .missingRunColumn(file, column):
            return "\(file):1: no run-name column \"\(column)\"; name it with --mixture-run-column"
        case let .noWeightColumns(file):
            return "\(file): no weight column; expected numeric columns such as \"phase_1_web\" (or choose them with --mixture-columns)"
        case let .constantWeights(file, columns):
            return "\(file): every weight column (\(columns.prefix(3).joined(separator: ", "))\(columns.count > 3 ? ", …" : "")) has the same weight in every run; expected mixtures that differ between runs"
        case let .tooFewMatchedRuns(file, matched, needed):
            return "\(file): \(matched) run(s) have both a mixture and scores; the mixture step needs at least \(needed)"
        case let .unknownReferenceRun(name):
            return "reference run \"\(name)\" is not among the runs with both a mixture and scores"
        case let .invalidObjective(text):
            return "objective \"\(text)\": expected aggregate, balanced or factor:J with J a fitted factor"
        case let .invalidOption(text):
            return text
        }
    }
}
