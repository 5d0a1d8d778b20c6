import Foundation

extension FitStatistics {
    /// Likelihood-based information criteria of the fitted model.
    ///
    /// ```
    /// AIC = −2ℓ + 2q,   BIC = −2ℓ + q ln n,   q = p k − k(k − 1)/2 + #free ψ
    /// ```
    ///
    /// q counts the loadings modulo rotation (`k(k − 1)/2` fewer) — loadings held
    /// at the bound `λ ≥ 0` included — and only the ψ that were estimated.
    /// Unlike ``FitStatistics/bic`` (psych's `χ²_B − df ln n`), these compare
    /// models through ℓ itself; differences between two models are what matter.
    public struct InformationCriteria: Sendable, Codable, Equatable {
        /// Akaike's criterion `−2ℓ + 2q`.
        public let aic: Double
        /// Schwarz's criterion `−2ℓ + q ln n`.
        public let bic: Double
        /// The number of free parameters q.
        public let q: Int

        /// The criteria for log-likelihood `logLikelihood`, q free parameters and n observations.
        ///
        /// - Parameters:
        ///   - logLikelihood: ℓ.
        ///   - q: the number of free parameters.
        ///   - n: the number of observations, > 0.
        public init(logLikelihood: Double, freeParameters q: Int, observations n: Int) {
            aic = -2 * logLikelihood + 2 * Double(q)
            bic = -2 * logLikelihood + Double(q) * log(Double(n))
            self.q = q
        }
    }
}
