/// What a running analysis reports, for progress displays.
public enum AnalysisProgress: Sendable {
    /// Horn's Monte Carlo: `done` of `total` draws finished.
    case hornDraws(done: Int, total: Int)
    /// The EM fit: iterations so far and the last step `max |ΔΛ|`.
    case emIterations(Int, step: Double)
}
