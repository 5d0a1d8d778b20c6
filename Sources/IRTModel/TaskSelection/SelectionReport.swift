import Foundation

/// What a ``PreparedSweep`` did to the file, for a person and for
/// `result.json`: each task with its direction, the reason for it and its
/// coverage; every run and task dropped, with its coverage and why; columns a
/// pattern matched but that hold text; the missing-data policy.
///
/// Nothing is dropped silently: every dropped run (name, file line, coverage)
/// and task (name, coverage) is listed here. `Codable` with snake_case keys:
///
/// ```json
/// {"selection": {"include": ["ARC*"]}, "run_column": "Model", "missing_policy": "fit",
///  "min_coverage": 0.5, "runs_read": 109, "runs_kept": 108, "missing_cells": 64,
///  "tasks": [{"name": "ARC(25-shot)", "direction": "higher_is_better",
///             "reason": {"rule": "default_higher"}, "coverage": 0.85}],
///  "dropped_runs": [{"name": "m", "line": 7, "coverage": 0.25, "reason": "low_coverage"}],
///  "dropped_tasks": [], "skipped_non_numeric": ["Model", "URL"]}
/// ```
public struct SelectionReport: Sendable, Equatable, Codable {
    /// Why a run or task was dropped.
    public enum DropReason: String, Sendable, Codable, CaseIterable {
        /// Observed on less than the minimum coverage (or on nothing).
        case lowCoverage = "low_coverage"
        /// A run with a gap, dropped by listwise deletion (``MissingPolicy/dropRuns``).
        case incomplete
        /// A task whose observed values are all equal (population sd at most the threshold).
        case constant
    }

    /// One task as used: direction, its reason, and the share of kept runs that observe it.
    public struct Task: Sendable, Equatable, Codable {
        public let name: String
        public let direction: TaskSelection.Direction
        public let reason: DirectionReason
        /// Observed cells / kept runs, in [0, 1].
        public let coverage: Double

        public init(name: String, direction: TaskSelection.Direction, reason: DirectionReason, coverage: Double) {
            self.name = name
            self.direction = direction
            self.reason = reason
            self.coverage = coverage
        }
    }

    /// A run left out of the analysis.
    public struct DroppedRun: Sendable, Equatable, Codable {
        public let name: String
        /// The 1-based file line of the run.
        public let line: Int
        /// Its observed share of the tasks it was judged on (the selected tasks
        /// for ``DropReason/lowCoverage``, the remaining ones for ``DropReason/incomplete``).
        public let coverage: Double
        public let reason: DropReason

        public init(name: String, line: Int, coverage: Double, reason: DropReason) {
            self.name = name
            self.line = line
            self.coverage = coverage
            self.reason = reason
        }
    }

    /// A selected task left out of the analysis.
    public struct DroppedTask: Sendable, Equatable, Codable {
        public let name: String
        /// Its observed share of the runs it was judged on.
        public let coverage: Double
        public let reason: DropReason

        public init(name: String, coverage: Double, reason: DropReason) {
            self.name = name
            self.coverage = coverage
            self.reason = reason
        }
    }

    /// The selection as given.
    public let selection: TaskSelection
    /// The column naming the runs, `nil` when rows are numbered.
    public let runColumn: String?
    /// The missing-data policy applied.
    public let missingPolicy: MissingPolicy
    /// The coverage below which runs, then tasks, were dropped (unused by ``MissingPolicy/error``).
    public let minCoverage: Double
    /// Runs in the input (after the status filter, before any drop).
    public let runsRead: Int
    /// Runs analysed.
    public let runsKept: Int
    /// Missing cells among the kept runs and tasks.
    public let missingCells: Int
    /// The tasks analysed, in file order.
    public let tasks: [Task]
    /// Runs dropped, in file order within each reason (coverage first, then listwise).
    public let droppedRuns: [DroppedRun]
    /// Selected tasks dropped (for coverage, then as constant).
    public let droppedTasks: [DroppedTask]
    /// Columns a wildcard include pattern matched but that hold text.
    public let skippedNonNumeric: [String]
    /// Columns a wildcard matched that are not tasks because they have no
    /// name or are a row index (``TaskSelection/indexColumns(of:)``); `nil` when none.
    public let skippedIndexColumns: [String]?

    enum CodingKeys: String, CodingKey {
        case selection, runColumn = "run_column", missingPolicy = "missing_policy", minCoverage = "min_coverage"
        case runsRead = "runs_read", runsKept = "runs_kept", missingCells = "missing_cells", tasks
        case droppedRuns = "dropped_runs", droppedTasks = "dropped_tasks", skippedNonNumeric = "skipped_non_numeric"
        case skippedIndexColumns = "skipped_index_columns"
    }

    public init(selection: TaskSelection, runColumn: String?, missingPolicy: MissingPolicy, minCoverage: Double,
                runsRead: Int, runsKept: Int, missingCells: Int, tasks: [Task], droppedRuns: [DroppedRun],
                droppedTasks: [DroppedTask], skippedNonNumeric: [String], skippedIndexColumns: [String] = []) {
        self.selection = selection
        self.runColumn = runColumn
        self.missingPolicy = missingPolicy
        self.minCoverage = minCoverage
        self.runsRead = runsRead
        self.runsKept = runsKept
        self.missingCells = missingCells
        self.tasks = tasks
        self.droppedRuns = droppedRuns
        self.droppedTasks = droppedTasks
        self.skippedNonNumeric = skippedNonNumeric
        self.skippedIndexColumns = skippedIndexColumns.isEmpty ? nil : skippedIndexColumns
    }

    /// The share of kept cells (runs × tasks) that are observed; 1 without cells.
    public var observedShare: Double {
        let cells = runsKept * tasks.count
        return cells == 0 ? 1 : Double(cells - missingCells) / Double(cells)
    }

    /// A few lines for a terminal: how tasks were chosen, each task (when
    /// there are at most `maxTasks`) with direction, reason and coverage, the
    /// gaps and every dropped run and task.
    ///
    /// ```
    /// Tasks: 4 chosen by include "ARC*", "HellaSwag*", "MMLU*", "TruthfulQA*"; runs named by column "Model"
    ///   ARC(25-shot)         higher is better  default (higher is better)
    ///   …
    /// ```
    public func summaryLines(maxTasks: Int = 12) -> [String] {
        var lines: [String] = []
        let runs = runColumn.map { "runs named by column \"\($0)\"" } ?? "runs numbered by row (no run-name column)"
        lines.append("Tasks: \(tasks.count) chosen by \(Self.describe(selection)); \(runs)")
        if tasks.count <= maxTasks {
            let width = tasks.map { TerminalText.width($0.name) }.max() ?? 0
            for task in tasks {
                let direction = task.direction == .higherIsBetter ? "higher is better" : "lower is better "
                let coverage = task.coverage < 1 ? "  coverage \(Self.percent(task.coverage))" : ""
                lines.append("  \(TerminalText.pad(task.name, width))  \(direction)  \(task.reason)\(coverage)")
            }
        } else {
            let lower = tasks.filter { $0.direction == .lowerIsBetter }.count
            lines.append("  \(lower) lower is better (negated), \(tasks.count - lower) higher is better")
        }
        if !skippedNonNumeric.isEmpty {
            lines.append("  skipped (matched, but hold text): \(AnalysisError.list(skippedNonNumeric, limit: 10))")
        }
        if missingCells > 0 || !droppedRuns.isEmpty || droppedTasks.contains(where: { $0.reason != .constant }) {
            let cells = runsKept * tasks.count
            let policy = switch missingPolicy {
            case .fit: "kept as gaps (--missing fit)"
            case .dropRuns: "incomplete runs dropped (--missing drop-runs)"
            case .error: "an error (--missing error)"
            }
            lines.append("Missing cells: \(missingCells) of \(cells) kept (\(Self.percent(cells == 0 ? 0 : Double(missingCells) / Double(cells)))); gaps \(policy), min coverage \(Self.percent(minCoverage))")
            lines.append("  runs: \(runsRead) read, \(droppedRuns.count) dropped, \(runsKept) kept")
        }
        for run in droppedRuns.prefix(20) {
            let why = run.reason == .incomplete ? "incomplete" : "coverage \(Self.percent(run.coverage)) < \(Self.percent(minCoverage))"
            lines.append("  dropped run \"\(run.name)\" (line \(run.line)): \(why)")
        }
        if droppedRuns.count > 20 { lines.append("  … and \(droppedRuns.count - 20) more dropped runs") }
        for task in droppedTasks {
            let why = task.reason == .constant ? "constant" : "coverage \(Self.percent(task.coverage)) < \(Self.percent(minCoverage))"
            lines.append("  dropped task \"\(task.name)\": \(why)")
        }
        return lines
    }

    /// How a selection chose its tasks, in words.
    static func describe(_ s: TaskSelection) -> String {
        var parts: [String] = []
        if s.preset == .reference { parts.append("the reference preset (bits per byte, lower is better)") }
        if !s.include.isEmpty { parts.append("include \(AnalysisError.list(s.include, limit: 8))") }
        if !s.exclude.isEmpty { parts.append("exclude \(AnalysisError.list(s.exclude, limit: 8))") }
        if !s.higherIsBetter.isEmpty { parts.append("higher is better \(AnalysisError.list(s.higherIsBetter, limit: 8))") }
        if !s.lowerIsBetter.isEmpty { parts.append("lower is better \(AnalysisError.list(s.lowerIsBetter, limit: 8))") }
        return parts.joined(separator: ", ")
    }

    static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }
}
