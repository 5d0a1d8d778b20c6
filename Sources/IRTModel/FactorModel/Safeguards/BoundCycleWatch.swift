/// Watches a projected-M-step EM that does not reach a fixed point: one that
/// wanders between clipped points at the zero bound, or crawls with a rate
/// near 1 (METHOD.md §6, "A projected map without a fixed point").
///
/// The projected map's fixed point is no likelihood maximum, so no
/// quasi-Newton step can speed it up; IRTKit gives it a budget of
/// ``EMTuning/projectedBudget`` map evaluations and, when the stop rule is not
/// met by then, finishes the fit with the exact nnls M-step (whose fixed
/// point is the constrained maximum of ℓ) and says so. The watch records what
/// the warning reports: the residual `r = max(max |F(x)_Λ − Λ|, max |F(x)_ψ − ψ|)`
/// of every map evaluation summarised per block of ``block`` evaluations by
/// its median (robust to the odd extrapolated point that lands near a fixed
/// point by chance), and how often the set of loadings at 0 returned to an
/// earlier set since the median was last halved — a map cycling at the bound
/// switches loadings on and off at a flat residual, one that crawls (a
/// uniqueness creeping to its floor) moves its active set a handful of times.
///
/// The watch only describes; the budget decides. A projected fit can show the
/// cycling signature for a long while and still settle, and none of the
/// rules tried on the residual or the active set tells it from one that never does
/// (``EMTuning/projectedBudget``; Docs/decisions/projected-budget.md).
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

    /// Map evaluations after which the fit leaves the projected M-step.
    let budget: Int

    init(budget: Int) { self.budget = budget }

    private var residuals: [Double] = []
    private(set) var best = Double.infinity
    private(set) var bestAt = 0
    /// The evaluated `F(x)` with the smallest residual in the best block: where the nnls fit starts.
    private(set) var bestPoint: FactorParameters?
    /// Whether the active set kept returning to earlier sets (see ``cyclingReturns``).
    var cycles: Bool { returnCount >= Self.cyclingReturns }
    private var blockBest = Double.infinity
    private var blockPoint: FactorParameters?
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

    /// Records the evaluation `x ↦ F(x) = next`; returns whether the budget is spent.
    ///
    /// - Parameter loadingStep: `max |ΔΛ|` of this evaluation (the projected
    ///   map's step measure, which the EM has already taken).
    /// - Complexity: O(pk), plus O(block log block) once per block.
    mutating func observe(evaluation: Int, from x: FactorParameters, to next: FactorParameters,
                          loadingStep: Double) -> Bool {
        let residual = Swift.max(loadingStep, EMRun.largestChange(x.psi, next.psi))
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
        return evaluation >= budget
    }
}
