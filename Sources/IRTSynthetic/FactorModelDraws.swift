import IRTModel
import Linalg

/// Runs drawn from a given factor model: `z_r = Λ θ_r + ε_r`, `θ_r ~ N(0, I_k)`,
/// `ε_r ~ N(0, Ψ)` — sweeps "of the same kind" as a fitted one, for the EM bank
/// and for tests that need the data a published fit describes.
public enum FactorModelDraws {
    /// n runs (rows) of p tasks drawn from loadings `loadings` (p rows of k)
    /// and uniquenesses `psi`, all from one ``Xoshiro256StarStar`` seeded with `seed`
    /// (θ_r then ε_r, run by run).
    ///
    /// - Precondition: one ψ ≥ 0 per row of `loadings`, every row of the same length k ≥ 1.
    /// - Complexity: O(n p k) time, n × p memory.
    public static func simulate(loadings: [[Double]], psi: [Double], runs n: Int, seed: UInt64) -> Matrix {
        let p = loadings.count, k = loadings.first?.count ?? 0
        precondition(psi.count == p && psi.allSatisfy { $0 >= 0 } && loadings.allSatisfy { $0.count == k },
                     "one ψ ≥ 0 per task, every loading row of the same length")
        var rng = Xoshiro256StarStar(seed: seed)
        var normal = NormalSampler()
        var z = Matrix(rows: n, columns: p)
        var theta = [Double](repeating: 0, count: k)
        for r in 0..<n {
            for j in 0..<k { theta[j] = normal.next(using: &rng) }
            for t in 0..<p {
                var s = 0.0
                for j in 0..<k { s += loadings[t][j] * theta[j] }
                z[r, t] = s + psi[t].squareRoot() * normal.next(using: &rng)
            }
        }
        return z
    }
}
