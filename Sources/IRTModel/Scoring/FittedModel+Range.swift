extension FittedModel {
    /// How far beyond the sweep's aggregates a scored run may lie before
    /// `score` warns, as a share of their range: a run is outside when its
    /// aggregate is below `min − m·(max − min)` or above `max + m·(max − min)`
    /// over the sweep's runs (m = 0.5). The model was fitted to the sweep; a run
    /// far beyond it (a run ×100, a unit error) is extrapolated, not measured.
    public static let outsideSweepMargin = 0.5

    /// The indices of `aggregates` outside the sweep's range by more than ``outsideSweepMargin`` of it.
    ///
    /// - Complexity: O(n + m) for n sweep runs and m scored runs.
    public func outsideSweep(_ aggregates: [Double]) -> [Int] {
        guard let low = sweep.aggregate.min(), let high = sweep.aggregate.max() else { return [] }
        let margin = Self.outsideSweepMargin * (high - low)
        return aggregates.indices.filter { !(aggregates[$0] >= low - margin && aggregates[$0] <= high + margin) }
    }
}
