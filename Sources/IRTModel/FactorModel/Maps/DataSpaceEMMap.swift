import Foundation
import Linalg

/// The EM map of the factor model in data space, for fewer runs than tasks:
/// the iteration of ``CovarianceEMMap`` with `S A` computed from the n × p
/// z-scores without ever forming the p × p matrix `S = ZᵀZ / n`:
///
/// ```
/// A = Ψ⁻¹Λ M⁻¹,  ZA = Z · A  (n × k),  SA = Zᵀ · ZA / n  (p × k)
/// ```
///
/// then the same update (``FactorEMUpdate``). `S A = ZᵀZA/n` is an identity, so
/// both maps have the same fixed points and the same ℓ; they differ only in
/// the rounding of `S A` (about `1e-16 · n · max |z|² · ‖A‖`).
///
/// An evaluation costs two n × p × k products (4npk flops) instead of one
/// p × p × k product (2p²k): fewer flops when `2n < p`
/// (``isCheaper(runs:tasks:)``), and the memory of Z (n × p, held anyway)
/// instead of S (p × p).
///
/// - Complexity: 4npk flops plus O(pk² + k³) per evaluation; O(np) once for the diagonal of S.
struct DataSpaceEMMap: FactorEMUpdateMap {
    /// The n × p z-scores.
    let z: Matrix
    private var za: Matrix
    var update: FactorEMUpdate

    /// Whether an evaluation in data space takes fewer flops than one in
    /// covariance space: `4npk < 2p²k`, i.e. `2n < p`.
    ///
    /// - Parameters:
    ///   - n: runs (rows of Z).
    ///   - p: tasks (columns of Z).
    static func isCheaper(runs n: Int, tasks p: Int) -> Bool { 2 * n < p }

    /// The map of the z-scores `z` (n × p).
    ///
    /// - Parameters:
    ///   - z: n × p, complete (no gaps: ``MissingDataEMMap`` handles those).
    ///   - k: factors.
    ///   - anchors: per task, the fixed ψ or `nil` for a free one (already clamped).
    ///   - mStep: the M-step for Λ.
    ///   - psiFloor: the floor of a free ψ.
    ///   - nonNegative: whether Λ ≥ 0 (`false`: classical free loadings).
    /// - Complexity: O(np) (the diagonal of S, `Σ_r z_rt² / n`).
    init(z: Matrix, k: Int, anchors: [Double?], mStep: MStep, psiFloor: Double, taskFloors: [Double]? = nil,
         nonNegative: Bool = true) {
        self.z = z
        let n = z.rows, p = z.columns
        let inverseN = 1 / Double(Swift.max(n, 1))
        var diagonal = [Double](repeating: 0, count: p)
        z.withElements { e in
            for t in 0..<p {
                var sum = 0.0
                for r in 0..<n { sum += e[r + t * n] * e[r + t * n] }
                diagonal[t] = sum * inverseN
            }
        }
        za = Matrix(rows: n, columns: k)
        update = FactorEMUpdate(sDiagonal: diagonal, n: n, k: k, anchors: anchors, mStep: mStep,
                                psiFloor: psiFloor, taskFloors: taskFloors, nonNegative: nonNegative)
    }

    /// Writes A and `S A = Zᵀ(Z A)/n` into the update, without S.
    ///
    /// - Complexity: 4npk flops (Z·A and Zᵀ·ZA).
    mutating func loadSA(_ x: FactorParameters) throws(AnalysisError) {
        try update.loadRegression(x)
        let a = update.a
        let n = z.rows
        do throws(LinalgError) {
            try Matrix.multiply(z, .none, a, .none, into: &za)
            try Matrix.multiply(z, .transpose, za, .none, alpha: 1 / Double(Swift.max(n, 1)), into: &update.sa)
        } catch { throw .numerical(error) }
    }
}
