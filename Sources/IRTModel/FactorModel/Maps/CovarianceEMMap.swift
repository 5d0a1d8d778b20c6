import Foundation
import Linalg

/// The EM map of the factor model in covariance space: one evaluation is one
/// EM iteration, with non-negative loadings (or free ones) and fixed anchored ψ.
///
/// Everything the iteration needs from the data is `S = ZᵀZ / n`, computed once:
///
/// ```
/// A = Ψ⁻¹Λ M⁻¹ = Σ⁻¹Λ,  SA = S · A          (one p × p × k product)
/// ```
///
/// then the update of ``FactorEMUpdate`` (C/n = SA, S_θθ/n = V + AᵀSA, the
/// M-step for Λ, the ψ update, and ℓ of the *input* parameters by Woodbury
/// and the matrix determinant lemma).
///
/// With fewer runs than tasks, ``DataSpaceEMMap`` computes the same `SA` from
/// Z without S, for less; ``FactorModel`` picks the map by shape
/// (``DataSpaceEMMap/isCheaper(runs:tasks:)``).
///
/// - Complexity: one p × p × k product (2p²k flops) plus O(pk² + k³) per evaluation.
struct CovarianceEMMap: FactorEMUpdateMap {
    let s: Matrix
    var update: FactorEMUpdate

    /// The map of the covariance (or correlation) matrix `s` of `n` observations.
    ///
    /// - Parameters:
    ///   - s: p × p, symmetric.
    ///   - n: observations behind S (scales ℓ).
    ///   - k: factors.
    ///   - anchors: per task, the fixed ψ or `nil` for a free one (already clamped).
    ///   - mStep: the M-step for Λ.
    ///   - psiFloor: the floor of a free ψ.
    ///   - nonNegative: whether Λ ≥ 0 (`false`: classical free loadings).
    init(s: Matrix, n: Int, k: Int, anchors: [Double?], mStep: MStep, psiFloor: Double, taskFloors: [Double]? = nil,
         nonNegative: Bool = true) {
        self.s = s
        update = FactorEMUpdate(sDiagonal: s.diagonalElements, n: n, k: k, anchors: anchors, mStep: mStep,
                                psiFloor: psiFloor, taskFloors: taskFloors, nonNegative: nonNegative)
    }

    /// Writes A and `S A = S · A` into the update.
    ///
    /// - Complexity: 2p²k flops.
    mutating func loadSA(_ x: FactorParameters) throws(AnalysisError) {
        try update.loadRegression(x)
        let a = update.a
        // SA = S·A (the O(p²k) part).
        do throws(LinalgError) { try Matrix.multiply(s, .none, a, .none, into: &update.sa) } catch { throw .numerical(error) }
    }
}
