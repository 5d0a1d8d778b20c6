/// Watches a projected-M-step EM for a map without a fixed point: one that
/// wanders between clipped points at the zero bound instead of converging
/// (METHOD.md §6, "A projected map without a fixed point").
///
/// The residual `r = max(max |F(x)_Λ − Λ|, max |F(x)_ψ − ψ|)` of every map
/// evaluation is summarised per block of ``block`` evaluations by its median
/// (robust to the odd extrapolated point that lands near a fixed point by
/// chance). The watch fires when both hold:
///
/// ```
/// no block median below improvement × the best block median for ≥ window evaluations
/// the set of loadings at 0 in F(x) returned to a set seen since then ≥ returns times
/// ```
///
/// with the best block median below ``near`` (near a point, not in the first
/// transient). A slow but converging EM (a uniqueness creeping to its floor,
/// ρ → 1) keeps lowering its typical residual, in Λ or in ψ; a projected map
/// cycling at the bound switches loadings on and off at a flat residual. The
/// likelihood is no guide: the projected map's fixed point is no ℓ maximum.
struct BoundCycleWatch {
    /// Evaluations per residual block.
    static let block = 1_000
    /// Evaluations without progress before the watch may fire. On the EM bank
    /// (2026-12, Benchmarks/README.md) projected fits that went on to converge
    /// showed the cycling signature for up to 111,000 evaluations
    /// (`d/sample-k6-free`, converged at 155,326; `a/sim-3` for 59,700,
    /// converged at 60,728), while the six that never converge show it from
    /// ~1,000 evaluations on. No rule tried here told them apart sooner, so the
    /// watch waits longer than the longest such stall: a fit that would
    /// converge is never taken from the projected M-step; one that cycles is
    /// finished with nnls about 85,000 evaluations before the cap.
    static let window = 115_000
    /// A block median below this fraction of the best one is progress.
    static let improvement = 0.5
    /// Returns to an earlier active set (since the last progress) that mark a
    /// cycle: the cycling fits return thousands of times per 50,000 evaluations;
    /// a uniqueness creeping to its floor (`d/sample-k3-free`) moves its active
    /// set a handful of times (≤ 9 in 143,000 evaluations).
    static let returns = 100
    /// Best block median below which the map is near a point (``EMTuning/nearResidual``'s 1e-5).
    static let near = 1e-5
    /// Distinct active sets remembered since the last progress.
    static let memory = 8

    private var residuals: [Double] = []
    private(set) var best = Double.infinity
    private(set) var bestAt = 0
    /// The evaluated `F(x)` with the smallest residual in the best block: where the nnls fit starts.
    private(set) var bestPoint: FactorParameters?
    private var blockBest = Double.infinity
    private var blockPoint: FactorParameters?
    private var pattern: [Bool] = []
    private var seen: [[Bool]] = []
    private(set) var returnCount = 0

    /// Records the evaluation `x ↦ F(x) = next`; returns whether the map cycles at the bound.
    ///
    /// - Complexity: O(pk), plus O(block log block) once per block.
    mutating func observe(evaluation: Int, from x: FactorParameters, to next: FactorParameters) -> Bool {
        var residual = 0.0
        for i in x.lambda.indices { residual = Swift.max(residual, Swift.abs(next.lambda[i] - x.lambda[i])) }
        for t in x.psi.indices { residual = Swift.max(residual, Swift.abs(next.psi[t] - x.psi[t])) }
        residuals.append(residual)
        if residual < blockBest { blockBest = residual; blockPoint = next }
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
                bestPoint = blockPoint
            }
            blockBest = .infinity
        }
        let current = next.lambda.map { $0 == 0 }
        if current != pattern {
            if seen.contains(current) { returnCount += 1 } else {
                seen.append(current)
                if seen.count > Self.memory { seen.removeFirst() }
            }
            pattern = current
        }
        return best < Self.near && evaluation - bestAt >= Self.window && returnCount >= Self.returns
    }
}
