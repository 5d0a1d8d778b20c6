/// What to do with missing task cells of the kept runs (empty cells and the
/// missing tokens of ``EvalMatrix``).
///
/// Under ``fit`` and ``dropRuns``, ``PreparedSweep`` first applies its
/// coverage rule (runs, then tasks, observed on less than `minCoverage` of the
/// other side are dropped and recorded); the policy then decides what happens
/// to the gaps that remain. ``error`` ignores coverage and rejects any gap.
public enum MissingPolicy: String, Sendable, Codable, CaseIterable {
    /// Keep the gaps: the prepared sweep carries an observed mask, per-task
    /// means and sds over observed cells, and `z = 0` at missing cells (the default).
    case fit
    /// Listwise deletion: drop every run with a missing task cell (each one recorded).
    case dropRuns = "drop-runs"
    /// Any missing task cell is an error naming file, line, run and task.
    case error

    /// The default policy, ``fit``.
    public static let `default` = MissingPolicy.fit
}
