/// The projected M-step did not reach a fixed point within its budget (it
/// cycles at the zero bound, or crawls), so the fit was finished with the
/// exact nnls M-step (METHOD.md §6,
/// "A projected map without a fixed point").
public struct MStepFallback: Sendable, Equatable, Codable {
    /// The M-step asked for (``MStep/projected``).
    public let requested: MStep
    /// The map evaluation at which the cycle was detected (the nnls fit started there).
    public let atEvaluation: Int
    /// The smallest residual `max |F(x) − x|` the projected map reached.
    public let bestResidual: Double
    /// Map evaluations since that residual was last halved.
    public let stalledFor: Int
    /// Times the set of loadings at 0 returned to an earlier set since then.
    public let activeSetReturns: Int
    /// Whether those returns mark a cycle at the bound (else the map crawled).
    public let cycles: Bool

    /// Why the fit left the requested M-step, in words.
    public var reason: String {
        let how = cycles
            ? "the set of loadings clipped at 0 kept returning to earlier sets (\(activeSetReturns) times) — it cycles at the bound"
            : "it crawls (a rate near 1; the active set returned \(activeSetReturns) times)"
        return "the projected M-step reached no fixed point in \(atEvaluation) map evaluations: its residual max |F(x) − x| stayed at \(bestResidual) or above for the last \(stalledFor), and \(how)"
    }

    public init(requested: MStep, atEvaluation: Int, bestResidual: Double, stalledFor: Int, activeSetReturns: Int, cycles: Bool) {
        self.requested = requested
        self.atEvaluation = atEvaluation
        self.bestResidual = bestResidual
        self.stalledFor = stalledFor
        self.activeSetReturns = activeSetReturns
        self.cycles = cycles
    }

    enum CodingKeys: String, CodingKey {
        case requested, atEvaluation = "at_evaluation", bestResidual = "best_residual", stalledFor = "stalled_for"
        case activeSetReturns = "active_set_returns", cycles
    }
}
