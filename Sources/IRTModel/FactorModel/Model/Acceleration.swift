/// How the EM map is iterated.
public enum Acceleration: String, Sendable, Codable, CaseIterable {
    /// Plain EM: `x ← F(x)`.
    case none
    /// SQUAREM (Varadhan & Roland 2008, scheme S3): two EM steps `r = F(x) − x`,
    /// `v = F(F(x)) − F(x) − r`, an extrapolation `x − 2αr + α²v` with
    /// `α = −‖r‖/‖v‖ ≤ −1`, projected back onto `Λ ≥ 0, ψ ≥ floor`, then one
    /// stabilising EM step; an extrapolation that lowers the likelihood is
    /// rejected for the plain two-step result.
    case squarem
    /// Anderson acceleration with memory 8 and a likelihood safeguard.
    case anderson
}
