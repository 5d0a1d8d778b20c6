/// What a running analysis reports, for progress displays.
public enum AnalysisProgress: Sendable {
    /// Horn's Monte Carlo: `done` of `total` draws finished.
    case hornDraws(done: Int, total: Int)
    /// The EM fit: iterations so far and the last step `max |ΔΛ|`.
    case emIterations(Int, step: Double)
}

extension AnalysisProgress {
    /// Horn's per-draw callback that reports ``hornDraws(done:total:)`` to `progress`, or `nil` without one.
    static func hornDraws(reportingTo progress: (@Sendable (AnalysisProgress) -> Void)?,
                          total: Int) -> (@Sendable (Int) -> Void)? {
        guard let progress else { return nil }
        return { done in progress(.hornDraws(done: done, total: total)) }
    }

    /// The EM's per-evaluation callback that reports ``emIterations(_:step:)`` to `progress`, or `nil` without one.
    static func emIterations(reportingTo progress: (@Sendable (AnalysisProgress) -> Void)?) -> (@Sendable (Int, Double) -> Void)? {
        guard let progress else { return nil }
        return { iterations, step in progress(.emIterations(iterations, step: step)) }
    }
}
