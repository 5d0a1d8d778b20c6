/// The reference sweep's conventions (METHOD.md §2, §8), in one place: which
/// columns are tasks, which metrics are held out for validation, and which
/// provenance columns its leaderboard shows. The generic options
/// (``AnalysisOptions``) take the task selection and held-out metrics from
/// here by default; the leaderboard columns only when asked for.
public enum ReferencePreset {
    /// The reference's task columns (``TaskSelection/reference``).
    public static let selection = TaskSelection.reference
    /// The reference's held-out metrics: macro losses the tasks are not fitted to.
    public static let heldOutMetrics = ["eval/uncheatable_eval/macro_loss", "eval/paloma/macro_loss"]
    /// Provenance columns the reference's leaderboard copies when present
    /// (`is_qsplit240_core`: whether a run belongs to the core split of the sweep).
    public static let leaderboardColumns = ["is_qsplit240_core"]
}
