/// How the uniquenesses ψ relate to the seed-noise floor (METHOD.md §6,
/// "The ψ model"): the fit's anchors and per-task floors from the noise floor.
///
/// ```
/// anchored   ψ_t = clamp(noise_share_t)                  fixed, for tasks with a noise anchor
/// floor      ψ_t ≥ clamp(noise_share_t), estimated        the M-step's ψ update clipped at the floor
/// free       ψ_t ≥ ψ floor (1e-6), estimated              every task
/// ```
///
/// Tasks without a noise anchor are free under every model. The noise
/// ceiling `1 − noise_share` keeps its meaning under each: the most of a
/// task's variance the factors could explain given its seed noise. Anchored,
/// h² sits at the ceiling for every anchored task with unit variance;
/// floored, h² ≤ the ceiling (ψ ≥ noise share); free, h² may pass it, which
/// the `above_noise_ceiling` warning says.
public enum PsiModel: String, Sendable, Codable, CaseIterable {
    /// ψ fixed at the noise floor where a task has one.
    case anchored
    /// ψ at or above the noise floor, estimated.
    case floor
    /// Every ψ estimated.
    case free

    /// The fit's anchors (fixed ψ) and per-task floors of the free ψ, from
    /// each task's noise share (`nil`: no anchor).
    ///
    /// - Parameters:
    ///   - noiseShare: per task, the noise floor's share of its variance, or `nil`.
    ///   - clamp: the fit's range for anchored uniquenesses (``FitOptions/anchorClamp``).
    /// - Returns: `anchors` for ``FactorModel``'s fits, and `floors` for
    ///   ``FitOptions/taskPsiFloors`` (`nil` unless ``floor``).
    public func uniquenesses(noiseShare: [Double?], clamp: ClosedRange<Double>)
        -> (anchors: [Double?], floors: [Double]?) {
        switch self {
        case .anchored:
            return (noiseShare, nil)
        case .floor:
            let floors = noiseShare.map { share in
                share.map { Swift.min(Swift.max($0, clamp.lowerBound), clamp.upperBound) } ?? 0
            }
            return ([Double?](repeating: nil, count: noiseShare.count), floors)
        case .free:
            return ([Double?](repeating: nil, count: noiseShare.count), nil)
        }
    }

    /// One sentence for the summary and the report: the model and how many
    /// tasks' ψ rest on the noise floor (of `tasks`).
    public func sentence(atFloor: Int, tasks: Int) -> String {
        switch self {
        case .anchored: "ψ anchored: fixed at the noise floor for \(atFloor) of \(tasks) tasks (the reference's model; --psi floor estimates it above the floor)"
        case .floor: "ψ floored: estimated at or above the noise floor; \(atFloor) of \(tasks) tasks sit at their floor"
        case .free: "ψ free: every uniqueness estimated; the noise floor gives only the ceiling of h²"
        }
    }

    /// Per task, whether its fitted ψ rests on the noise floor (and so on the
    /// replicates' variances): every anchored task; under ``floor`` the tasks
    /// whose ψ sits at their floor; none when ``free``.
    public func restsOnNoiseFloor(psi: [Double], noiseShare: [Double?], clamp: ClosedRange<Double>) -> [Bool] {
        switch self {
        case .anchored: return noiseShare.map { $0 != nil }
        case .free: return [Bool](repeating: false, count: psi.count)
        case .floor:
            let floors = uniquenesses(noiseShare: noiseShare, clamp: clamp).floors ?? []
            return psi.indices.map { t in noiseShare[t] != nil && psi[t] <= floors[t] * (1 + 1e-9) }
        }
    }
}
