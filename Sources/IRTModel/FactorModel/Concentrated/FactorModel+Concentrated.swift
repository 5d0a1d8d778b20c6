import Foundation
import Linalg

extension FactorModel {
    /// Fits free loadings to S by the concentrated likelihood (``ConcentratedFit``):
    /// ψ̂ by a bounded quasi-Newton iteration, then `Λ(ψ̂)` shown after varimax,
    /// each factor's sign chosen so that its loadings sum to ≥ 0, factors by
    /// descending `Σ_t λ_tj²`.
    ///
    /// - Parameters:
    ///   - s: p × p, symmetric, finite, with a positive diagonal.
    ///   - n: the observations behind S (scales ℓ).
    ///   - k: factors, 1...p.
    ///   - anchors: per task, the fixed ψ or `nil` for a free one (already clamped).
    ///   - lowerBounds: per task, the lower bound of a free ψ (positive).
    ///   - options: start (Λ0 or init seed), stop rule, cap on evaluations.
    ///   - progress: called now and then with (evaluations so far, last step in ψ).
    /// - Throws: ``AnalysisError/invalidOption(_:)`` for a malformed S or bounds,
    ///   ``AnalysisError/invalidInitialLoadings(reason:)``, ``AnalysisError/numerical(_:)``
    ///   when an eigendecomposition fails.
    /// - Complexity: O(p³) per evaluation (the reduction of `Ψ^(−1/2) S Ψ^(−1/2)`
    ///   to tridiagonal form), tens of evaluations.
    init(concentrated s: Matrix, observations n: Int, k: Int, anchors clamped: [Double?], lowerBounds: [Double],
         options: FitOptions, progress: (@Sendable (Int, Double) -> Void)?) throws(AnalysisError) {
        let p = s.rows
        let fit = try ConcentratedFit(s: s, observations: n, k: k, anchors: clamped, lowerBounds: lowerBounds)
        let start = try ConcentratedFit.startingUniquenesses(s: s, k: k, anchors: clamped, lowerBounds: lowerBounds,
                                                             options: options)
        // BLAS single-threaded, as the EM: the fit must not depend on the thread count.
        let (raw, result, logLikelihood, lambda) = try BLASThreading.withThreadCount(1) {
            () throws(AnalysisError) -> (FactorParameters, BoundedQuasiNewton.Result, Double, [Double]) in
            let (raw, result) = try fit.run(from: start, options: options, progress: progress)
            let lambda = try Self.displayed(raw.lambda, p: p, k: k)
            // ℓ by the EM map's formula, so that it compares exactly with the non-negative fit's.
            var map = CovarianceEMMap(s: s, n: n, k: k, anchors: clamped, mStep: options.mStep,
                                      psiFloor: options.psiFloor, nonNegative: false)
            let shown = FactorParameters(lambda: lambda, psi: raw.psi)
            var scratch = shown
            return (raw, result, try map.evaluate(shown, into: &scratch), lambda)
        }
        loadings = Matrix(rows: p, columns: k) { i, j in lambda[i + j * p] }
        psi = raw.psi
        communality = (0..<p).map { i in
            let ss = (0..<k).reduce(0.0) { $0 + lambda[i + $1 * p] * lambda[i + $1 * p] }
            return ss / (ss + raw.psi[i])
        }
        let rate = result.lastStep.isFinite && result.previousStep.isFinite && result.previousStep > 0
            ? result.lastStep / result.previousStep : 0
        let initial = options.initialLoadings
            ?? ConcentratedFit.equivalentLoadings(psi: start, variance: s.diagonalElements, k: k)
        var diagnostics = FitDiagnostics(
            iterations: result.evaluations, converged: result.converged,
            finalStep: result.lastStep.isFinite ? result.lastStep : 0,
            estimatedDistance: result.estimatedDistance, contractionRate: rate, logLikelihood: logLikelihood,
            initialLoadings: initial, mStep: options.mStep, stopRule: options.stopRule,
            acceleration: options.acceleration, maxIterations: options.maxIterations, trace: [], loadings: .free,
            rotation: k > 1 ? .varimax : nil)
        diagnostics.concentrated = ConcentratedLikelihoodFit(
            iterations: result.iterations, evaluations: result.evaluations,
            projectedGradient: result.projectedGradient, tasksAtBound: result.atBound)
        self.diagnostics = diagnostics
    }

    /// Free loadings as shown: varimax (k > 1), each column's sign making its
    /// sum ≥ 0, columns by descending `Σ_t λ_tj²` (stable).
    static func displayed(_ raw: [Double], p: Int, k: Int) throws(AnalysisError) -> [Double] {
        let matrix = Matrix(rows: p, columns: k) { i, j in raw[i + j * p] }
        var rotated = try numerical { () throws(LinalgError) in try Varimax.rotate(matrix).rotated }.elements
        for j in 0..<k {
            let sum = (0..<p).reduce(0.0) { $0 + rotated[$1 + j * p] }
            if sum < 0 { for i in 0..<p { rotated[i + j * p] = -rotated[i + j * p] } }
        }
        let sums = (0..<k).map { j in (0..<p).reduce(0.0) { $0 + rotated[$1 + j * p] * rotated[$1 + j * p] } }
        let order = (0..<k).sorted { sums[$0] > sums[$1] || (sums[$0] == sums[$1] && $0 < $1) }
        var lambda = [Double](repeating: 0, count: p * k)
        for (newJ, oldJ) in order.enumerated() {
            for i in 0..<p { lambda[i + newJ * p] = rotated[i + oldJ * p] }
        }
        return lambda
    }
}
