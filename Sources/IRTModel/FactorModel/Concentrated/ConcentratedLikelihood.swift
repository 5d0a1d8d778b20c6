import Foundation
import Linalg

/// The factor model's likelihood with the loadings maximized out: a function
/// of the uniquenesses ψ alone (Jöreskog 1967; R's `factanal`).
///
/// For given ψ let `S* = Ψ^(−1/2) S Ψ^(−1/2)` have eigenvalues `γ_1 ≥ γ_2 ≥ …`
/// with eigenvectors `u_i`. The loadings that maximize the likelihood are
///
/// ```
/// Λ(ψ) = Ψ^(1/2) U_k (Γ_k − I)₊^(1/2)              (top k eigenpairs; a γ_i ≤ 1 gives a zero column)
/// F(ψ) = ln|Σ| + tr(Σ⁻¹S)                           (Σ = Λ(ψ)Λ(ψ)ᵀ + Ψ)
///      = Σ_t ln ψ_t + Σ_t S_tt/ψ_t + Σ_{i ≤ k, γ_i > 1} (ln γ_i + 1 − γ_i)
/// ∂F/∂ψ_t = (Σ_tt − S_tt) / ψ_t² = (‖λ_t‖² + ψ_t − S_tt) / ψ_t²
/// ℓ(ψ) = −n/2 (p ln 2π + F(ψ))
/// ```
///
/// F is the ML discrepancy `ln|Σ| + tr(Σ⁻¹S) − ln|S| − p` up to the constant
/// `ln|S| + p`, so it needs only the k largest eigenpairs and stays defined
/// for a singular S. The gradient is that of F with Λ held at Λ(ψ) (Λ(ψ) is
/// stationary in Λ: `(Σ − S)Ψ⁻¹Λ(ψ) = 0`), which is factanal's `FAgr`.
struct ConcentratedLikelihood {
    /// The p × p covariance (or correlation) matrix.
    let s: Matrix
    /// Its diagonal `S_tt`.
    let sDiagonal: [Double]
    /// Factors k.
    let k: Int
    /// Observations behind S (scales ℓ).
    let n: Int

    /// F, Λ and ∂F/∂ψ at one ψ.
    struct Point {
        /// `F(ψ) = ln|Σ| + tr(Σ⁻¹S)`.
        var objective: Double
        /// `∂F/∂ψ_t` (p).
        var gradient: [Double]
        /// Λ(ψ), p × k column-major, factors by descending γ.
        var lambda: [Double]
        /// `γ_1 ≥ … ≥ γ_k`, the largest eigenvalues of S*.
        var eigenvalues: [Double]
        /// A bound on F's rounding error: the eigenvalues' absolute error
        /// `ε ‖S*‖` (with `‖S*‖ ≤ tr S* = Σ_t S_tt/ψ_t`) times a margin of 2(k + p).
        /// Large where a ψ_t is tiny (a Heywood task at 10⁻⁶: ~10⁻⁸), which the
        /// line search must allow for.
        var roundoff: Double
    }

    /// - Parameters:
    ///   - s: p × p, symmetric (the lower triangle is read).
    ///   - k: factors, 1...p.
    ///   - n: observations behind S.
    init(s: Matrix, k: Int, n: Int) {
        self.s = s
        sDiagonal = s.diagonalElements
        self.k = k
        self.n = n
    }

    /// The log-likelihood `ℓ = −n/2 (p ln 2π + F)` of an objective value F.
    func logLikelihood(objective: Double) -> Double {
        -Double(n) / 2 * (Double(s.rows) * Foundation.log(2 * Double.pi) + objective)
    }

    /// F, Λ(ψ) and ∂F/∂ψ at `psi`.
    ///
    /// - Parameter psi: p positive uniquenesses.
    /// - Throws: ``AnalysisError/numerical(_:)`` when the eigensolver fails
    ///   (a non-finite S* from a non-finite S or ψ).
    /// - Complexity: 4p³/3 flops for the reduction of S* to tridiagonal form,
    ///   plus O(p²k) for the k eigenvectors and O(p²) for S*.
    func evaluate(_ psi: [Double]) throws(AnalysisError) -> Point {
        let p = s.rows, k = self.k
        let scale = psi.map { 1 / $0.squareRoot() }
        // S* = D S D, D = Ψ^(−1/2): the lower triangle is all dsyevr reads.
        var sStar = Matrix(rows: p, columns: p)
        s.withElements { e in
            sStar.withMutableElements { span in span.withUnsafeMutableBufferPointer { out in
                for j in 0..<p {
                    let dj = scale[j]
                    for i in j..<p { out[i + j * p] = e[i + j * p] * scale[i] * dj }
                }
            } }
        }
        let eigen = try numerical { () throws(LinalgError) in try SymmetricEigen(sStar, largest: k) }
        // Descending: the last of the ascending values is the largest.
        let gammas = Array(eigen.values.reversed())
        var lambda = [Double](repeating: 0, count: p * k)
        var objective = 0.0, trace = 0.0
        for t in 0..<p {
            trace += sDiagonal[t] / psi[t]
            objective += Foundation.log(psi[t]) + sDiagonal[t] / psi[t]
        }
        eigen.vectors.withElements { v in
            for i in 0..<k {
                let gamma = gammas[i]
                guard gamma > 1 else { continue }
                objective += Foundation.log(gamma) + 1 - gamma
                let size = (gamma - 1).squareRoot()
                let column = k - 1 - i
                for t in 0..<p { lambda[t + i * p] = psi[t].squareRoot() * v[t + column * p] * size }
            }
        }
        var gradient = [Double](repeating: 0, count: p)
        for t in 0..<p {
            var communality = 0.0
            for j in 0..<k { communality += lambda[t + j * p] * lambda[t + j * p] }
            gradient[t] = (communality + psi[t] - sDiagonal[t]) / (psi[t] * psi[t])
        }
        let roundoff = 2 * Double(k + p) * Double.ulpOfOne * trace
        return Point(objective: objective, gradient: gradient, lambda: lambda, eigenvalues: gammas, roundoff: roundoff)
    }
}
