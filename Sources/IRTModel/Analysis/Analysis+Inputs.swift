import Foundation

/// Checks of the inputs that run before any expensive step: rows skipped for
/// their status, the replicate-noise file, duplicate run names, held-out
/// metrics that are tasks. Each either refuses the input with an
/// ``AnalysisError`` a person can act on or says what it decided as an
/// ``AnalysisWarning``.
extension Analysis {
    /// The rows of `read` whose status is `required` (``filterStatus(_:required:)``),
    /// refusing a file left with fewer than `needed` runs by the filter.
    ///
    /// - Throws: ``AnalysisError/rowsSkippedForStatus(file:skipped:rows:statuses:required:needed:)``
    ///   when rows were skipped for their status and fewer than `needed` remain
    ///   (without skipped rows, too few runs is the caller's error to report).
    public static func keptRuns(_ read: EvalMatrix, required: String?, needed: Int) throws(AnalysisError)
        -> (kept: EvalMatrix, skipped: [SkippedRun]) {
        let (kept, skipped) = filterStatus(read, required: required)
        if !skipped.isEmpty, kept.rowCount < needed, let required {
            throw .rowsSkippedForStatus(file: read.source, skipped: skipped.count, rows: read.rowCount,
                                        statuses: skippedStatuses(read, required: required), required: required,
                                        needed: needed)
        }
        return (kept, skipped)
    }

    /// How many rows have each status other than `required` (compared as
    /// ``filterStatus(_:required:)`` does); the statuses as written, trimmed.
    static func skippedStatuses(_ matrix: EvalMatrix, required: String) -> [String: Int] {
        guard let status = matrix.strings("status") else { return [:] }
        let want = EvalMatrix.normalizedStatus(required)
        var counts: [String: Int] = [:]
        for s in status where EvalMatrix.normalizedStatus(s) != want {
            counts[s.trimmingCharacters(in: .whitespaces), default: 0] += 1
        }
        return counts
    }

    /// The warning for rows skipped for their status, or `nil` when none were.
    static func skippedWarning(_ kind: AnalysisWarning.Kind, _ skipped: [SkippedRun], of rows: Int,
                               what: String) -> AnalysisWarning? {
        guard !skipped.isEmpty else { return nil }
        let reasons = Dictionary(grouping: skipped, by: \.reason).map { "\($0.value.count) with \($0.key)" }.sorted()
        return AnalysisWarning(
            kind,
            "skipped \(skipped.count) of \(rows) \(what) (\(reasons.joined(separator: ", "))): \(AnalysisWarning.list(skipped.map(\.run)))",
            subjects: skipped.map(\.run))
    }

    // MARK: - Held-out metrics

    /// The held-out metrics to correlate with the scores: `metrics` less any
    /// selected task column. A metric the user named that is a task is refused
    /// (it is not held out: the scores were fitted to it); the default metrics
    /// (``AnalysisOptions/defaultHeldOutMetrics``) that are tasks — a selection
    /// such as `--tasks '*'` can take them — are left out with a warning.
    ///
    /// - Throws: ``AnalysisError/heldOutMetricIsTask(file:column:)``.
    static func heldOutMetrics(_ metrics: [String], prepared: PreparedSweep, source: String) throws(AnalysisError)
        -> (metrics: [String], warning: AnalysisWarning?) {
        let selected = Set(prepared.tasks + prepared.selectionReport.droppedTasks.map(\.name))
        let tasks = metrics.filter { selected.contains($0) }
        guard !tasks.isEmpty else { return (metrics, nil) }
        guard metrics == AnalysisOptions.defaultHeldOutMetrics else {
            throw .heldOutMetricIsTask(file: source, column: tasks[0])
        }
        let warning = AnalysisWarning(
            .heldOutMetricsAreTasks,
            "the default held-out metric(s) \(AnalysisWarning.list(tasks)) are tasks of this selection, so they are not held out and the scores are not validated against them",
            subjects: tasks)
        return (metrics.filter { !selected.contains($0) }, warning)
    }

    // MARK: - Run names

    /// A warning when run names repeat: ranks, scores and the leaderboard are
    /// per row, so two rows of one name are ranked apart and look alike.
    /// `nil` when every name is distinct.
    public static func duplicateRunNamesWarning(_ names: [String]) -> AnalysisWarning? {
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        // In order of first appearance.
        var seen = Set<String>()
        let repeated = names.filter { counts[$0]! > 1 && seen.insert($0).inserted }
        guard !repeated.isEmpty else { return nil }
        let rows = repeated.reduce(0) { $0 + counts[$1]! }
        return AnalysisWarning(
            .duplicateRunNames,
            "\(repeated.count) run name(s) occur more than once (\(rows) rows): \(AnalysisWarning.list(repeated.map { "\($0) (\(counts[$0]!)×)" }, limit: 5)); scores and ranks are per row, so each copy is scored and ranked on its own — make the names unique (or name runs by another column) to tell them apart",
            subjects: repeated)
    }

    // MARK: - The noise file

    /// The replicate runs as the analysis uses them: read with the options'
    /// missing tokens, rows of another status skipped, refused when they are
    /// the sweep's own runs; with warnings for skipped rows and missing cells.
    ///
    /// - Parameters:
    ///   - noise: the noise file as read.
    ///   - sweep: the sweep's rows kept by the status filter.
    ///   - prepared: the prepared sweep (its tasks).
    /// - Throws: ``AnalysisError/rowsSkippedForStatus(file:skipped:rows:statuses:required:needed:)``
    ///   when fewer than 2 rows keep the required status;
    ///   ``AnalysisError/noiseIsSweep(file:sweep:runs:)`` when the noise rows
    ///   are the sweep's rows (same names, same task values); cell errors naming the noise file.
    static func replicates(_ noise: EvalMatrix, sweep: EvalMatrix, prepared: PreparedSweep,
                           options: AnalysisOptions) throws(AnalysisError) -> (EvalMatrix, [AnalysisWarning]) {
        var read = options.missingTokens.isEmpty ? noise : noise.treatingAsMissing(options.missingTokens)
        if let column = options.runColumn, read.hasColumn(column) { read = try read.withRunColumn(column) }
        let (kept, skipped) = try keptRuns(read, required: options.requiredStatus, needed: 2)
        var warnings: [AnalysisWarning] = []
        if let w = skippedWarning(.noiseRunsSkipped, skipped, of: read.rowCount, what: "noise row(s)") {
            warnings.append(w)
        }
        let fromSweep = try runsOfSweep(in: kept, sweep, tasks: prepared.tasks)
        if !fromSweep.isEmpty, fromSweep.count == kept.rowCount {
            throw .noiseIsSweep(file: noise.source, sweep: sweep.source, runs: kept.rowCount)
        }
        if !fromSweep.isEmpty {
            warnings.append(AnalysisWarning(
                .noiseRunsInSweep,
                "\(fromSweep.count) of the noise file's \(kept.rowCount) replicate run(s) are runs of the sweep (same run name and task values): \(AnalysisWarning.list(fromSweep)); replicates should be seeds of one mixture, and a run in both files counts in the sweep's spread and in the seed noise",
                subjects: fromSweep))
        }
        // Missing cells of tasks the noise file has.
        var gaps: [(task: String, cells: Int)] = []
        for task in prepared.tasks where kept.hasColumn(task) {
            let missing = try kept.numbers(task).count(where: { $0 == nil })
            if missing > 0 { gaps.append((task, missing)) }
        }
        if !gaps.isEmpty {
            let cells = gaps.reduce(0) { $0 + $1.cells }
            warnings.append(AnalysisWarning(
                .noiseCellsMissing,
                "the noise file has \(cells) missing cell(s) in \(gaps.count) task(s) of its \(kept.rowCount) replicate run(s): \(AnalysisWarning.list(gaps.map { "\($0.task) (\($0.cells))" }, limit: 8)); each such task's noise floor uses its other replicates (a task left with fewer than 2 has no anchor), and the signal-to-noise projection fills a missing cell with the mean of that task's replicates, which adds no noise, so the noise there is underestimated",
                subjects: gaps.map(\.task)))
        }
        return (kept, warnings)
    }

    /// The run names of the rows of `noise` that are rows of `sweep`: the same
    /// run name and, on every task both files have, the same values (each
    /// sweep row matched once), in the noise file's order. Empty when the files
    /// share no task. Passing the sweep (or some of its rows) as the noise file
    /// measures "seed noise" as the spread between mixtures, silently.
    ///
    /// - Complexity: O((n + m) t) for n and m rows and t shared tasks, plus the matching of equal names.
    static func runsOfSweep(in noise: EvalMatrix, _ sweep: EvalMatrix, tasks: [String]) throws(AnalysisError) -> [String] {
        let shared = tasks.filter { noise.hasColumn($0) && sweep.hasColumn($0) }
        guard !shared.isEmpty, noise.rowCount > 0 else { return [] }
        func rows(_ m: EvalMatrix) throws(AnalysisError) -> [[Double?]] {
            var columns: [[Double?]] = []
            for task in shared { columns.append(try m.numbers(task)) }
            return (0..<m.rowCount).map { i in columns.map { $0[i] } }
        }
        let sweepRows = try rows(sweep)
        var byName: [String: [[Double?]]] = [:]
        for i in sweepRows.indices { byName[sweep.runNames[i], default: []].append(sweepRows[i]) }
        var out: [String] = []
        for (i, row) in try rows(noise).enumerated() {
            let name = noise.runNames[i]
            guard let j = byName[name]?.firstIndex(of: row) else { continue }
            byName[name]?.remove(at: j)
            out.append(name)
        }
        return out
    }
}
