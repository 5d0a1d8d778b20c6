import Foundation

/// The estimated distance of an iteration to its fixed point from its recent
/// step sizes (METHOD.md §6):
///
/// ```
/// ρ̂ = (s_last / s_first)^(1/(w − 1)),   distance ≈ s_last · ρ̂ / (1 − ρ̂)
/// ```
///
/// over the last `w` steps (infinite when ρ̂ ≥ 1, 0 after a zero step). The same
/// estimate as ``EMRun``'s Λ rule, kept for another measured quantity (Σ).
struct ContractionEstimate {
    /// Steps kept (``EMTuning/rateWindow``).
    let window: Int
    private(set) var steps: [Double] = []
    private(set) var rate = Double.nan
    private(set) var distance = Double.infinity

    init(window: Int) { self.window = window }

    /// Whether enough steps were seen for a rate.
    var isFull: Bool { steps.count >= window }

    mutating func reset() {
        steps.removeAll()
        rate = .nan
        distance = .infinity
    }

    /// Adds a step and returns the new distance estimate.
    ///
    /// - Complexity: O(1) amortized.
    @discardableResult
    mutating func observe(_ step: Double) -> Double {
        steps.append(step)
        if steps.count > window { steps.removeFirst(steps.count - window) }
        if steps.count >= 2, let first = steps.first, first > 0, step > 0 {
            rate = Foundation.pow(step / first, 1 / Double(steps.count - 1))
        }
        distance = step == 0 ? 0 : (rate < 1 ? step * rate / (1 - rate) : .infinity)
        return distance
    }
}
