/// Watches a projected-M-step EM for a cycle between clipped points: the map
/// wanders at the zero bound, switching loadings on and off at a flat residual,
/// and has no fixed point (METHOD.md §6, "The projected M-step").
///
/// The projected map's fixed point is no likelihood maximum, so no
/// quasi-Newton step can speed it up, but it is the reference notebook's
/// estimator, and a projected fit runs to it. The watch ends the fit only when
/// it cycles: the residual `r = max(max |F(x)_Λ − Λ|, max |F(x)_ψ − ψ|)` of every
/// map evaluation, summarised per block of ``block`` evaluations by its median
/// (robust to the odd extrapolated point that lands near a fixed point by
/// chance), has not halved for ``EMTuning/projectedStall`` evaluations, and
/// meanwhile the set of loadings at 0 returned to an earlier set at least
/// ``cyclingReturns`` times. A map that crawls (a uniqueness creeping to its
/// floor, ρ → 1) moves its active set a handful of times and runs on to its
/// fixed point or the cap (Docs/decisions/projected-estimator.md).
struct BoundCycleWatch {
    /// Evaluations per residual block.
    static let block = 250
    /// Returns to an earlier active set (since the last progress) above which
    /// the warning calls the map cycling rather than crawling: a map cycling
    /// at the bound returns hundreds of times per 1,000 evaluations, a
    /// uniqueness creeping to its floor a handful of times in 10⁵.
    static let cyclingReturns = 20
    /// A block median below this fraction of the best one is progress.
    static let improvement = 0.5
    /// Distinct active sets remembered since the last progress.
    static let memory = 8

    /// Evaluations without progress after which a cycling map is declared cycling.
    let stall: Int

    init(stall: Int) { self.stall = stall }

    private var residuals: [Double] = []
    private(set) var best = Double.infinity
    private(set) var bestAt = 0
    /// Whether the active set kept returning to earlier sets (see ``cyclingReturns``).
    var cycles: Bool { returnCount >= Self.cyclingReturns }
    private var pattern: [Bool] = []
    private var seen: [[Bool]] = []
    private(set) var returnCount = 0

    /// Whether `pattern` marks exactly the zeros of `lambda`.
    private static func matches(_ pattern: [Bool], _ lambda: [Double]) -> Bool {
        pattern.withUnsafeBufferPointer { pp in
            lambda.withUnsafeBufferPointer { lp in
                for i in 0..<pp.count where pp[i] != (lp[i] == 0) { return false }
                return true
            }
        }
    }

    /// Records the evaluation `x ↦ F(x) = next`; returns whether the map is
    /// cycling: ``cycles`` and no progress for ``stall`` evaluations.
    ///
    /// - Parameter loadingStep: `max |ΔΛ|` of this evaluation (the projected
    ///   map's step measure, which the EM has already taken).
    /// - Complexity: O(pk), plus O(block log block) once per block.
    mutating func observe(evaluation: Int, from x: FactorParameters, to next: FactorParameters,
                          loadingStep: Double) -> Bool {
        let residual = Swift.max(loadingStep, EMRun.largestChange(x.psi, next.psi))
        residuals.append(residual)
        if residuals.count == Self.block {
            residuals.sort()
            let median = residuals[Self.block / 2]
            residuals.removeAll(keepingCapacity: true)
            if median < best {
                if median < Self.improvement * best {
                    bestAt = evaluation
                    returnCount = 0
                    seen.removeAll()
                }
                best = median
            }
        }
        // The active set of F(x), compared in place (no array per evaluation).
        if pattern.count != next.lambda.count {
            pattern = next.lambda.map { $0 == 0 }
            seen.append(pattern)
        } else if !Self.matches(pattern, next.lambda) {
            for i in next.lambda.indices { pattern[i] = next.lambda[i] == 0 }
            if seen.contains(pattern) { returnCount += 1 } else {
                seen.append(pattern)
                if seen.count > Self.memory { seen.removeFirst() }
            }
        }
        return cycles && evaluation - bestAt >= stall
    }
}
