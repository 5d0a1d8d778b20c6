import Foundation
import Linalg

/// The EM map of the factor model in covariance space: one evaluation is one
/// EM iteration, with non-negative loadings (or free ones) and fixed anchored ψ.
///
/// Everything the iteration needs from the data is `S = ZᵀZ / n`, computed once:
///
/// ```
/// B = Ψ⁻¹Λ,  SB = S · B                    (one p × p × k product)
/// ```
///
/// then the update of ``FactorEMUpdate`` (M, V, G = BᵀSB, C/n = SB V,
/// S_θθ/n = V + VGV, the M-step for Λ, the ψ update, and ℓ of the *input*
/// parameters by Woodbury and the matrix determinant lemma).
///
/// With fewer runs than tasks, ``DataSpaceEMMap`` computes the same `SB` from
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
    init(s: Matrix, n: Int, k: Int, anchors: [Double?], mStep: MStep, psiFloor: Double, nonNegative: Bool = true) {
        self.s = s
        update = FactorEMUpdate(sDiagonal: s.diagonalElements, n: n, k: k, anchors: anchors, mStep: mStep,
                                psiFloor: psiFloor, nonNegative: nonNegative)
    }

    /// Writes B and `S B = S · B` into the update.
    ///
    /// - Complexity: 2p²k flops.
    mutating func loadSB(_ x: FactorParameters) throws(AnalysisError) {
        update.loadB(x)
        let b = update.b
        // SB = S·B (the O(p²k) part).
        do throws(LinalgError) { try Matrix.multiply(s, .none, b, .none, into: &update.sb) } catch { throw .numerical(error) }
    }
}
