/// An EM map whose iteration ends in a ``FactorEMUpdate``: its shape,
/// constraints, step measure and merit are the update's, whatever computed `S·A`
/// (``CovarianceEMMap``, ``DataSpaceEMMap``).
protocol FactorEMUpdateMap: EMMap {
    /// The update the map completes each evaluation with.
    var update: FactorEMUpdate { get set }

    /// Writes `A = Σ⁻¹Λ` of `x` (``FactorEMUpdate/loadRegression(_:)``) and
    /// `S A` into ``update`` (the map's own way to `S A`).
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` when `I + ΛᵀΨ⁻¹Λ` is not
    ///   positive definite or a product fails.
    mutating func loadSA(_ x: FactorParameters) throws(AnalysisError)
}

extension FactorEMUpdateMap {
    var taskCount: Int { update.p }
    var factorCount: Int { update.k }
    var observationCount: Int { update.n }
    var nonNegative: Bool { update.nonNegative }
    var psiFloors: [Double] { update.psiFloors }
    var anchored: [Bool] { update.anchored }

    /// Applies one EM map `x ↦ F(x)` into `out` and returns `ℓ(x)`.
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` when `I + ΛᵀΨ⁻¹Λ` is not positive definite.
    mutating func evaluate(_ x: FactorParameters, into out: inout FactorParameters) throws(AnalysisError) -> Double {
        try loadSA(x)
        return try update.finish(x, into: &out)
    }

    /// `∇ℓ(x)/n` (``FactorEMUpdate/gradient(_:into:)``); returns `ℓ(x)`.
    mutating func gradient(_ x: FactorParameters, into gradient: inout FactorParameters) throws(AnalysisError) -> Double {
        try loadSA(x)
        return try update.gradient(x, into: &gradient)
    }

    /// ``FactorEMUpdate/informationBlocks(_:into:)`` of the last gradient's point.
    func informationBlocks(_ x: FactorParameters, into blocks: inout [Double]) {
        update.informationBlocks(x, into: &blocks)
    }

    /// ``FactorEMUpdate/sharedInformation(_:into:)`` of the last gradient's point.
    func sharedInformation(_ x: FactorParameters, into info: inout SharedInformation) -> Bool {
        update.sharedInformation(x, into: &info)
        return true
    }

    var likelihoodIsMerit: Bool { update.likelihoodIsMerit }

    func constrainUniqueness(_ value: Double, task: Int) -> Double { update.constrainUniqueness(value, task: task) }
}
