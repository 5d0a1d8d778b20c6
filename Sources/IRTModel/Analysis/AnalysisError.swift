import Linalg

/// Every way an analysis can fail on its input, each with what a person needs
/// to fix it: the file, the line (1-based, counting the header as line 1), the
/// column and what was expected.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or decoded.
    case unreadableFile(file: String, reason: String)
    /// A byte of the file is not part of valid UTF-8 (e.g. a Latin-1 `é`, byte 0xE9):
    /// its line, its 1-based character column on that line and its value.
    case invalidUTF8(file: String, line: Int, column: Int, byte: UInt8)
    /// The file has no bytes (or only whitespace).
    case emptyFile(file: String)
    /// The file has a header but no data rows.
    case headerOnly(file: String)
    /// The CSV syntax is broken (e.g. an unterminated quoted field).
    case malformedCSV(file: String, line: Int, reason: String)
    /// A data row has another number of fields than the header.
    case raggedRow(file: String, line: Int, expected: Int, actual: Int)
    /// Two header fields have the same name.
    case duplicateColumn(file: String, column: String)
    /// A cell in a numeric (task or metric) column is not a number.
    case nonNumericCell(file: String, line: Int, column: String, value: String)
    /// A column chosen by a wildcard pattern holds numbers in most of its
    /// filled cells but text in a few (``TaskSelection/isTextColumn(text:filled:)``):
    /// a data error, the first such cell named, not a text column to skip.
    case textInNumericColumn(file: String, line: Int, column: String, value: String, numbers: Int, textCells: Int)
    /// A numeric cell holds an infinity (or a number too large for a `Double`).
    case nonFiniteCell(file: String, line: Int, column: String, value: String)
    /// Every selected task is constant across the kept runs.
    case allTasksConstant(file: String, tasks: [String])
    /// A task cell is empty in a run the analysis keeps.
    case missingCell(file: String, line: Int, run: String, column: String)
    /// No column of the file matches the task selection.
    case noTaskColumns(file: String)
    /// Fewer runs than the method needs remain after filtering.
    case tooFewRuns(file: String, needed: Int, actual: Int)
    /// The noise file has no column in common with the sweep's tasks.
    case noiseSharesNoTask(file: String)
    /// The noise file has too few replicate rows for a sample variance.
    case tooFewNoiseRuns(file: String, needed: Int, actual: Int)
    /// More factors were asked for than there are tasks.
    case tooManyFactors(requested: Int, tasks: Int)
    /// An option is outside its domain.
    case invalidOption(String)
    /// A column named as held-out metric (or otherwise required) is absent.
    case missingColumn(file: String, column: String)
    /// A numerical failure in the linear algebra.
    case numerical(LinalgError)
    /// The projected M-step (the reference's clipped update) cycles between
    /// clipped points and has no fixed point on this data: the set of loadings
    /// at 0 kept returning to earlier sets while the residual stalled.
    case projectedMapCycles(evaluations: Int, activeSetReturns: Int, residual: Double)
    /// Starting loadings (from a file or ``FitOptions/initialLoadings``) do not fit the problem.
    case invalidInitialLoadings(reason: String)
    /// A correlation or covariance matrix given as input cannot be used.
    case invalidCorrelation(file: String, reason: String)
    /// No run of a file to score has a value for any of the model's tasks.
    case noModelTask(file: String, tasks: [String])
    /// A saved model cannot be used: unreadable, not a model, or of another schema version.
    case invalidModel(file: String, reason: String)
    /// A task-selection pattern does nothing: an include or exclude pattern
    /// matches no column, a direction pattern no selected task. `kind` says
    /// which list the pattern is in;
    /// `nearMatches` are names it matches ignoring case (or that contain its
    /// text); `candidates` the names it could have matched.
    case unmatchedPattern(file: String, kind: PatternKind, pattern: String, nearMatches: [String], candidates: [String])
    /// A wildcard include pattern matches only columns holding text.
    case nonNumericPattern(file: String, pattern: String, columns: [String])
    /// An include pattern matches only the column that names the runs, which is never a task.
    case patternMatchesRunColumn(file: String, pattern: String, column: String)
    /// A task is matched by both a higher-is-better and a lower-is-better pattern.
    case conflictingDirections(file: String, column: String, higherIsBetter: String, lowerIsBetter: String)
    /// Too little is left once runs and tasks with too many gaps are dropped.
    case insufficientCoverage(file: String, reason: String)
    /// Rows were skipped for a status other than `required` and fewer than
    /// `needed` runs are left: `skipped` of the file's `rows`, with how many
    /// rows had each status seen (trimmed, as written; `""` for an empty cell).
    case rowsSkippedForStatus(file: String, skipped: Int, rows: Int, statuses: [String: Int], required: String, needed: Int)
    /// Every run of the noise file is a run of the sweep (same names and task values), not a replicate.
    case noiseIsSweep(file: String, sweep: String, runs: Int)
    /// A held-out metric the user named is a task column: it is not held out.
    case heldOutMetricIsTask(file: String, column: String)
    /// The p × p steps would need more memory than the limit (``MemoryEstimate``):
    /// the estimate and the limit in bytes, and the most tasks that fit.
    case tooManyTasks(file: String, tasks: Int, runs: Int, bytes: Double, limit: Double, maximumTasks: Int)
    /// A group of the noise file's replicate-group column
    /// (``AnalysisOptions/replicateGroupColumn``) has fewer than 2 replicate
    /// runs the model could score: its seed noise cannot be measured.
    case replicateGroupTooSmall(file: String, column: String, group: String, runs: Int)
    /// A row of the noise file has an empty cell in its replicate-group column.
    case missingReplicateGroup(file: String, line: Int, run: String, column: String)
    /// Aggregate factor weights (``AggregateOptions/Definition/weights(_:)``) of
    /// another count than the k factors fitted.
    case aggregateWeightsCount(given: Int, factors: Int)
    /// Fewer than 3 tasks left for a factor model (``Analysis/minimumTasks``):
    /// its degrees of freedom would be negative.
    case tooFewTasks(file: String, tasks: [String])

    public var description: String {
        switch self {
        case let .unreadableFile(file, reason):
            return "\(file): cannot read the file (\(reason))"
        case let .invalidUTF8(file, line, column, byte):
            let hex = String(byte, radix: 16, uppercase: true)
            return "\(file):\(line): not valid UTF-8 (byte 0x\(hex.count < 2 ? "0" + hex : hex) at column \(column)); save the file as UTF-8"
        case let .emptyFile(file):
            return "\(file): the file is empty; expected a CSV with a header row and one row per run"
        case let .headerOnly(file):
            return "\(file): the file has a header but no data rows; expected one row per run"
        case let .malformedCSV(file, line, reason):
            return "\(file):\(line): malformed CSV: \(reason)"
        case let .raggedRow(file, line, expected, actual):
            return "\(file):\(line): row has \(actual) fields, expected \(expected) (one per header column)"
        case let .duplicateColumn(file, column):
            return "\(file):1: column \"\(column)\" appears more than once in the header"
        case let .nonNumericCell(file, line, column, value):
            return "\(file):\(line): column \"\(column)\": expected a decimal number (such as 0.81 or -1e-3), found \(Self.shownCell(value))"
        case let .textInNumericColumn(file, line, column, value, numbers, textCells):
            return "\(file):\(line): column \"\(column)\": expected a decimal number (such as 0.81 or -1e-3), found \(Self.shownCell(value)); the column holds numbers in \(numbers) cell(s) and text in \(textCells), so it is a numeric column with bad cells, not a text column: correct the cell, declare its text missing with --missing-token, or leave the column out with --exclude"
        case let .nonFiniteCell(file, line, column, value):
            return "\(file):\(line): column \"\(column)\": expected a finite number, found \"\(value)\""
        case let .allTasksConstant(file, tasks):
            return "\(file): all \(tasks.count) selected task column(s) are constant across the kept runs (\(tasks.prefix(3).joined(separator: ", "))\(tasks.count > 3 ? ", …" : "")); expected tasks that vary between runs"
        case let .missingCell(file, line, run, column):
            return "\(file):\(line): run \"\(run)\" has no value for task \"\(column)\"; expected a number (fill it, or drop the run or the task)"
        case let .noTaskColumns(file):
            return "\(file): no column matches the task selection; expected metric columns such as \"lm_eval/arc_easy_5shot/bpb\""
        case let .tooFewRuns(file, needed, actual):
            return "\(file): \(actual) usable run(s), the analysis needs at least \(needed)"
        case let .noiseSharesNoTask(file):
            return "\(file): the noise file shares no task column with the sweep; expected replicate runs with the same metric columns"
        case let .tooFewNoiseRuns(file, needed, actual):
            return "\(file): \(actual) replicate run(s), a noise estimate needs at least \(needed)"
        case let .tooManyFactors(requested, tasks):
            return "asked for \(requested) factors but there are only \(tasks) tasks; expected 1...\(tasks)"
        case let .invalidOption(message):
            return message
        case let .missingColumn(file, column):
            return "\(file): no column named \"\(column)\""
        case let .numerical(error):
            return "numerical failure: \(error)"
        case let .projectedMapCycles(evaluations, returns, residual):
            return "the projected M-step has no fixed point on this data: after \(evaluations) map evaluations the set of loadings clipped at 0 had returned to earlier sets \(returns) times while its residual max |F(x) − x| stalled at \(residual); use --m-step nnls (the default: exact EM, whose fixed point is the constrained maximum likelihood)"
        case let .invalidInitialLoadings(reason):
            return "initial loadings \(reason)"
        case let .invalidCorrelation(file, reason):
            return "\(file): not a usable correlation matrix: \(reason)"
        case let .noModelTask(file, tasks):
            return "\(file): no run has a value for any of the model's \(tasks.count) task(s) (\(tasks.prefix(3).joined(separator: ", "))\(tasks.count > 3 ? ", …" : "")); expected the model's task columns"
        case let .invalidModel(file, reason):
            return "\(file): not a usable IRTKit model: \(JSONCoding.oneLine(reason))"
        case let .unmatchedPattern(file, kind, pattern, nearMatches, candidates):
            let target = switch kind {
            case .include, .exclude: "no column"
            case .higherIsBetter, .lowerIsBetter: "no selected task"
            }
            var text = "\(file): \(kind.rawValue) pattern \"\(pattern)\" matches \(target)"
            if !nearMatches.isEmpty {
                text += "; did you mean \(nearMatches.map { "\"\($0)\"" }.joined(separator: ", "))? (patterns are case-sensitive)"
            }
            text += "; patterns are globs (* any run of characters, ? one character)"
            if !candidates.isEmpty {
                let label = switch kind {
                case .include: "numeric columns"
                case .exclude: "columns"
                case .higherIsBetter, .lowerIsBetter: "selected tasks"
                }
                text += "; \(label): \(Self.list(candidates))"
            }
            return text
        case let .nonNumericPattern(file, pattern, columns):
            return "\(file): include pattern \"\(pattern)\" matches only columns holding text (\(Self.list(columns))); a task column must hold numbers"
        case let .patternMatchesRunColumn(file, pattern, column):
            return "\(file): include pattern \"\(pattern)\" matches only \"\(column)\", the column that names the runs, which is never a task; to take it as a task, name the runs by another column (--run-column)"
        case let .conflictingDirections(file, column, higher, lower):
            return "\(file): task \"\(column)\" is matched by higher-is-better pattern \"\(higher)\" and by lower-is-better pattern \"\(lower)\"; expected one direction per task"
        case let .insufficientCoverage(file, reason):
            return "\(file): \(reason)"
        case let .rowsSkippedForStatus(file, skipped, rows, statuses, required, needed):
            let seen = statuses.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { "\($0.key.isEmpty ? "(empty)" : "\"\($0.key)\"") ×\($0.value)" }
            let left = rows - skipped
            return "\(file): \(left) usable run(s): \(skipped) of \(rows) row(s) were skipped for their status (statuses seen: \(seen.joined(separator: ", ")); only rows whose status is \"\(required)\" are analysed), and at least \(needed) are needed; check the status column"
        case let .noiseIsSweep(file, sweep, runs):
            return "\(file): the noise file holds the sweep's own runs (each of its \(runs) row(s) has the run name and task values of a run of \(sweep)), not replicates of one mixture; expected runs that differ only in seed (if they are seed replicates, leave them out of the sweep, where they would weigh one mixture several times)"
        case let .heldOutMetricIsTask(file, column):
            return "\(file): held-out metric \"\(column)\" is a task column, so it is not held out (the scores are fitted to it); validate against a column that is not a task, or exclude it from the tasks"
        case let .tooManyTasks(file, tasks, runs, bytes, limit, maximumTasks):
            return "\(file): \(tasks) tasks × \(runs) runs need about \(MemoryEstimate.text(bytes: bytes)) for the p × p steps (the task correlation matrix, Horn's per-thread workspaces and the fit statistics), more than the memory limit of \(MemoryEstimate.text(bytes: limit)) (by default half the physical memory); at most \(maximumTasks) tasks fit: select fewer tasks"
        case let .replicateGroupTooSmall(file, column, group, runs):
            return "\(file): replicate group \"\(group)\" (column \"\(column)\") has \(runs) replicate run(s) the model can score; each group needs at least 2 to measure its seed noise: add seeds of that mixture, or drop its rows"
        case let .missingReplicateGroup(file, line, run, column):
            return "\(file):\(line): run \"\(run)\" has no replicate group (column \"\(column)\" is empty); expected the label of the mixture it is a seed of"
        case let .aggregateWeightsCount(given, factors):
            return "\(given) aggregate factor weight(s) given, but the model has k = \(factors) factor(s): give one weight per factor (θ1…θ\(factors))"
        case let .tooFewTasks(file, tasks):
            let names = tasks.isEmpty ? "" : " (\(tasks.map { "\"\($0)\"" }.joined(separator: ", ")))"
            return "\(file): \(tasks.count) task(s) left for the factor model\(names); it needs at least 3: a one-factor model of p tasks has ((p − 1)² − (p + 1))/2 degrees of freedom, negative below 3 (more parameters than correlations); select more tasks"
        }
    }
}

extension AnalysisError {
    /// Up to 20 names, quoted, then how many more.
    /// A cell's text in quotes, with control characters (a NUL byte, a tab)
    /// written as `\u{…}` and a hint for the two near-numbers a spreadsheet
    /// writes: a decimal comma (`0,5`) and digits other than ASCII 0–9.
    static func shownCell(_ value: String) -> String {
        var shown = ""
        for scalar in value.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        var hint = ""
        if value.unicodeScalars.contains(where: { $0.properties.numericType == .decimal && !$0.isASCII }) {
            hint = " (only the ASCII digits 0–9 are read)"
        } else if value.contains(",") {
            // Groups of three digits after each comma read as thousands separators; one such comma
            // without a point could be either.
            let trimmed = String(value.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            // A first group with a leading 0 ("0,500") is a decimal comma, not thousands.
            let grouped = trimmed.wholeMatch(of: /[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?/) != nil
            let withoutCommas = trimmed.replacingOccurrences(of: ",", with: "")
            let withPoint = trimmed.replacingOccurrences(of: ",", with: ".")
            let commas = trimmed.filter { $0 == "," }.count
            if grouped, commas == 1, !trimmed.contains(".") {
                hint = " (a thousands separator? write \(withoutCommas); a decimal comma? write \(withPoint))"
            } else if grouped {
                hint = " (a thousands separator? write \(withoutCommas))"
            } else if EvalMatrix.cell(withPoint) != .notDecimal {
                hint = " (a decimal comma? write a point: \(withPoint))"
            }
        }
        return "\"\(shown)\"" + hint
    }

    static func list(_ names: [String], limit: Int = 20) -> String {
        let shown = names.prefix(limit).map { "\"\($0)\"" }.joined(separator: ", ")
        return names.count > limit ? shown + ", … (\(names.count - limit) more)" : shown
    }
}

/// Runs a Linalg computation, reporting its failure as ``AnalysisError/numerical(_:)``.
@inline(__always)
func numerical<R>(_ body: () throws(LinalgError) -> R) throws(AnalysisError) -> R {
    do throws(LinalgError) { return try body() } catch { throw .numerical(error) }
}

extension AnalysisError {
    /// Which list of a ``TaskSelection`` a pattern belongs to; the raw value is its JSON key.
    public enum PatternKind: String, Sendable, Equatable, CaseIterable {
        /// ``TaskSelection/include``: columns that are tasks.
        case include
        /// ``TaskSelection/exclude``: columns that are never tasks.
        case exclude
        /// ``TaskSelection/higherIsBetter``: tasks where larger is better.
        case higherIsBetter = "higher_is_better"
        /// ``TaskSelection/lowerIsBetter``: tasks where smaller is better.
        case lowerIsBetter = "lower_is_better"
    }
}
