/// An EM map whose iteration ends in a ``FactorEMUpdate``: its shape,
/// constraints, step measure and merit are the update's, whatever computed `S·B`
/// (``CovarianceEMMap``, ``DataSpaceEMMap``).
protocol FactorEMUpdateMap: EMMap {
    /// The update the map completes each evaluation with.
    var update: FactorEMUpdate { get }
}

extension FactorEMUpdateMap {
    var taskCount: Int { update.p }
    var factorCount: Int { update.k }

    /// With free loadings, the rotation-invariant step; with Λ ≥ 0, `max |ΔΛ|` (``FactorEMUpdate/step(from:to:)``).
    func step(from x: FactorParameters, to y: FactorParameters) -> Double { update.step(from: x, to: y) }

    var likelihoodIsMerit: Bool { update.likelihoodIsMerit }

    func constrainLoading(_ value: Double) -> Double { update.constrainLoading(value) }

    func constrainUniqueness(_ value: Double, task: Int) -> Double { update.constrainUniqueness(value, task: task) }
}
