/// The projected M-step found no fixed point (it cycles at the zero bound),
/// so the fit was finished with the exact nnls M-step (METHOD.md §6,
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

    /// Why the fit left the requested M-step, in words.
    public var reason: String {
        "the projected M-step has no fixed point here: its residual max |F(x) − x| stayed at \(bestResidual) or above for \(stalledFor) map evaluations while the set of loadings clipped at 0 kept returning to earlier sets (\(activeSetReturns) times) — it cycles at the bound"
    }

    enum CodingKeys: String, CodingKey {
        case requested, atEvaluation = "at_evaluation", bestResidual = "best_residual", stalledFor = "stalled_for"
        case activeSetReturns = "active_set_returns"
    }
}
