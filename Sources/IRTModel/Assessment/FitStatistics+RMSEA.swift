import Linalg
import Foundation

extension FitStatistics {
    /// The root mean square error of approximation with its 90% interval, as
    /// psych's `fa.stats` computes it (`alpha = 0.1`).
    ///
    /// ```
    /// RMSEA = √max(χ²_B / (n df) − 1/(n − 1), 0)
    /// lower = √(λ_L / (df (n − 1))),   F(χ²_B; df, λ_L) = 0.95
    /// upper = √(λ_U / (df (n − 1))),   F(χ²_B; df, λ_U) = 0.05
    /// ```
    ///
    /// with `F(x; df, λ)` the non-central χ² CDF. A bound whose λ does not exist
    /// (`F(χ²_B; df, 0)` already at or below 0.95, resp. 0.05) is 0, as in psych.
    ///
    /// Note the mixed divisors, psych's (and common) practice: n in the point
    /// estimate, n − 1 in the interval. psych also finds each λ with `uniroot`
    /// (absolute tolerance ~1.2e-4 in λ, searched only in `[0, max(n, χ²_B) + 2n]`)
    /// and turns a bound on the wrong side of the estimate into `NA`; here λ is
    /// solved to relative 1e-12 without an upper limit, and bounds are kept as computed.
    public struct RMSEA: Sendable, Codable, Equatable {
        /// The point estimate.
        public let estimate: Double
        /// The lower end of the 90% interval.
        public let lower: Double
        /// The upper end of the 90% interval.
        public let upper: Double

        /// An RMSEA with the given values.
        public init(estimate: Double, lower: Double, upper: Double) {
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
        }

        /// The RMSEA and its 90% interval from Bartlett's χ².
        ///
        /// - Parameters:
        ///   - chiSquare: the statistic χ²_B.
        ///   - df: degrees of freedom, > 0.
        ///   - n: the number of observations, ≥ 2.
        /// - Complexity: two root searches, each ~60 non-central χ² CDFs of O(√λ) terms.
        init(chiSquareBartlett chiSquare: Double, degreesOfFreedom df: Int, observations n: Int) {
            precondition(df > 0 && n >= 2, "RMSEA needs df > 0 and n ≥ 2")
            let dfd = Double(df), nd = Double(n)
            estimate = Swift.max(chiSquare / (nd * dfd) - 1 / (nd - 1), 0).squareRoot()
            let scale = dfd * (nd - 1)
            let lambdaLower = NonCentralChiSquare.noncentrality(cdf: 0.95, at: chiSquare, degreesOfFreedom: dfd)
            let lambdaUpper = NonCentralChiSquare.noncentrality(cdf: 0.05, at: chiSquare, degreesOfFreedom: dfd)
            lower = (lambdaLower / scale).squareRoot()
            upper = (lambdaUpper / scale).squareRoot()
        }
    }
}
