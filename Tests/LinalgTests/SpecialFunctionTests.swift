import Foundation
import Linalg
import Testing

/// Incomplete gamma, χ², non-central χ² and normal functions against SciPy
/// 1.17.1 (`scipy.special.gammainc/gammaincc`, `scipy.stats.chi2`,
/// `scipy.stats.ncx2`, `scipy.stats.norm`); every expected value is a literal
/// printed by SciPy, named at its table.
@Suite("Special functions")
struct SpecialFunctionTests {
    /// `(a, x, gammainc(a, x), gammaincc(a, x))`.
    static let gamma: [(Double, Double, Double, Double)] = [
        (0.5, 0.1, 0.34527915398142317, 0.6547208460185768),
        (1, 1, 0.6321205588285577, 0.36787944117144245),
        (2.5, 1, 0.15085496391539038, 0.8491450360846096),
        (3, 10, 0.9972306042844884, 0.0027693957155115775),
        (10, 3, 0.0011024881301154815, 0.9988975118698845),
        (100, 90, 0.15822098918643007, 0.84177901081357),
        (100, 120, 0.9721362601094793, 0.027863739890520652),
        (500, 520, 0.8153088509012563, 0.18469114909874365),
        (0.1, 30, 0.9999999999999996, 4.476766580012687e-16),
        (5000, 5100, 0.9206711189223811, 0.07932888107761896),
        (20000, 19500, 0.00018327005188799355, 0.999816729948112),
    ]

    /// Relative error of `actual` against `expected` (absolute below 1e-300).
    func relativeError(_ actual: Double, _ expected: Double) -> Double {
        abs(actual - expected) / max(abs(expected), 1e-300)
    }

    @Test("P and Q against SciPy's gammainc and gammaincc", arguments: gamma)
    func incompleteGamma(a: Double, x: Double, p: Double, q: Double) {
        // Relative accuracy degrades like a·ε (the prefix's cancellation).
        let tolerance = max(1e-13, 2e-15 * a)
        #expect(relativeError(Gamma.regularizedLower(a, x), p) <= tolerance, "P(\(a), \(x))")
        #expect(relativeError(Gamma.regularizedUpper(a, x), q) <= tolerance, "Q(\(a), \(x))")
    }

    @Test("P and Q: closed forms and edges")
    func incompleteGammaEdges() {
        for x in [0.01, 0.5, 2, 7, 40] {
            #expect(abs(Gamma.regularizedLower(1, x) - (1 - exp(-x))) <= 4 * eps)
            #expect(relativeError(Gamma.regularizedUpper(1, x), exp(-x)) <= 1e-14)
        }
        #expect(Gamma.regularizedLower(2, 0) == 0 && Gamma.regularizedUpper(2, 0) == 1)
        #expect(Gamma.regularizedLower(2, -1) == 0 && Gamma.regularizedUpper(2, -1) == 1)
        #expect(Gamma.regularizedLower(2, .infinity) == 1 && Gamma.regularizedUpper(2, .infinity) == 0)
        #expect(Gamma.regularizedLower(0, 1).isNaN && Gamma.regularizedUpper(-1, 1).isNaN)
        #expect(Gamma.regularizedLower(1, .nan).isNaN)
    }

    /// `(x, k, chi2.cdf(x, k), chi2.sf(x, k))`.
    static let chiSquare: [(Double, Double, Double, Double)] = [
        (3.84, 1, 0.9499564787512949, 0.05004352124870519),
        (0.5, 2, 0.22119921692859512, 0.7788007830714049),
        (10, 10, 0.5595067149347879, 0.44049328506521257),
        (18.307038053275146, 10, 0.95, 0.05000000000000005),
        (200, 10, 1.0, 1.6139305336977317e-37),
        (1000, 50, 1.0, 7.188706215514871e-177),
        (0.001, 3, 8.40791905804616e-06, 0.9999915920809419),
        (40, 4, 0.9999999567157739, 4.328422607120966e-08),
    ]

    @Test("χ² CDF and upper tail (the p-value) against SciPy; the tail keeps its digits", arguments: chiSquare)
    func chiSquareCDF(x: Double, k: Double, cdf: Double, sf: Double) {
        #expect(relativeError(ChiSquare.cdf(x, degreesOfFreedom: k), cdf) <= 1e-13)
        #expect(relativeError(ChiSquare.upperTail(x, degreesOfFreedom: k), sf) <= 1e-12)
    }

    @Test("χ² quantile inverts the CDF; edges")
    func chiSquareQuantile() {
        // scipy.stats.chi2.ppf(0.95, 10) = 18.307038053275146
        #expect(relativeError(ChiSquare.quantile(0.95, degreesOfFreedom: 10), 18.307038053275146) <= 1e-12)
        for k in [0.5, 1, 2, 9, 40, 300] {
            for p in [1e-6, 0.025, 0.5, 0.975] {
                let x = ChiSquare.quantile(p, degreesOfFreedom: k)
                #expect(relativeError(ChiSquare.cdf(x, degreesOfFreedom: k), p) <= 1e-10, "k = \(k), p = \(p)")
            }
        }
        #expect(ChiSquare.quantile(0, degreesOfFreedom: 3) == 0)
        #expect(ChiSquare.quantile(1, degreesOfFreedom: 3) == .infinity)
        #expect(ChiSquare.quantile(0.5, degreesOfFreedom: 0).isNaN)
        #expect(ChiSquare.cdf(-1, degreesOfFreedom: 3) == 0 && ChiSquare.upperTail(-1, degreesOfFreedom: 3) == 1)
    }

    /// `(x, k, λ, ncx2.cdf(x, k, λ))`.
    static let nonCentral: [(Double, Double, Double, Double)] = [
        (5, 3, 1, 0.707460489888362),
        (10, 5, 4.5, 0.6028865357153532),
        (1, 2, 0.5, 0.3243507037050955),
        (50, 10, 30, 0.8080949616287262),
        (120, 20, 80, 0.8535097084851071),
        (0.5, 1, 10, 0.006986326406965502),
        (300, 50, 200, 0.9470117006421662),
        (1100, 100, 1000, 0.5060588113172557),
        (900, 100, 1000, 0.0006189922156379053),
        (2, 2.5, 0.1, 0.5102003236665965),
        (60, 5, 100, 0.006546909808823568),
        (5000, 1000, 4000, 0.5028634846232632),
        (30, 4, 0.001, 0.9999950883386525),
        (25, 10, 2, 0.9792217926194425),
    ]

    @Test("non-central χ² CDF against SciPy's ncx2.cdf to 1e-10", arguments: nonCentral)
    func nonCentralCDF(x: Double, k: Double, lambda: Double, expected: Double) {
        let f = NonCentralChiSquare.cdf(x, degreesOfFreedom: k, noncentrality: lambda)
        #expect(abs(f - expected) <= 1e-12, "F(\(x); \(k), \(lambda)) = \(f), SciPy \(expected)")
    }

    @Test("non-central χ²: λ = 0 is the central χ², F falls in λ, edges")
    func nonCentralProperties() {
        for (x, k) in [(3.0, 2.0), (18.3, 10), (0.2, 1)] {
            #expect(NonCentralChiSquare.cdf(x, degreesOfFreedom: k, noncentrality: 0) == ChiSquare.cdf(x, degreesOfFreedom: k))
            // A tiny λ is continuous with λ = 0.
            #expect(abs(NonCentralChiSquare.cdf(x, degreesOfFreedom: k, noncentrality: 1e-12)
                        - ChiSquare.cdf(x, degreesOfFreedom: k)) <= 1e-11)
            var previous = 1.0
            for lambda in [0.0, 0.5, 1, 2, 5, 10, 50, 200] {
                let f = NonCentralChiSquare.cdf(x, degreesOfFreedom: k, noncentrality: lambda)
                #expect(f < previous || (f == 0 && previous == 0), "F must fall in λ")
                previous = f
            }
        }
        #expect(NonCentralChiSquare.cdf(0, degreesOfFreedom: 3, noncentrality: 2) == 0)
        #expect(NonCentralChiSquare.cdf(.infinity, degreesOfFreedom: 3, noncentrality: 2) == 1)
        #expect(NonCentralChiSquare.cdf(1, degreesOfFreedom: 3, noncentrality: -1).isNaN)
        #expect(NonCentralChiSquare.cdf(1, degreesOfFreedom: 0, noncentrality: 1).isNaN)
        // A huge non-centrality: F(λ + k; k, λ) → ½ (the mean; a normal limit), SciPy
        // ncx2.cdf(1e6 + 5, 5, 1e6) = 0.500199470749567.
        #expect(abs(NonCentralChiSquare.cdf(1e6 + 5, degreesOfFreedom: 5, noncentrality: 1e6) - 0.500199470749567) <= 1e-10)
    }

    /// `(x, k, p, λ)` with `ncx2.cdf(x, k, λ) = p`, λ from `scipy.optimize.brentq`
    /// (xtol 1e-14) on SciPy's ncx2.cdf; 0 where `chi2.cdf(x, k) ≤ p`.
    static let noncentralities: [(Double, Double, Double, Double)] = [
        (85.3, 40, 0.95, 22.506876247646957),
        (85.3, 40, 0.05, 75.84285806591433),
        (12.0, 5, 0.95, 0.4300643937705992),
        (12.0, 5, 0.05, 21.19701706339155),
        (1500.0, 1000, 0.95, 399.9414440104068),
        (1500.0, 1000, 0.05, 608.0374831987125),
        (3.0, 2, 0.5, 1.9011897443447623),
        (30.0, 40, 0.05, 5.1531902866726815),
        (30.0, 40, 0.95, 0),  // chi2.cdf(30, 40) = 0.125 ≤ 0.95: no λ ≥ 0 gets there
        (0.0, 3, 0.5, 0),
    ]

    @Test("the non-centrality with a given CDF (RMSEA's interval) against SciPy", arguments: noncentralities)
    func noncentrality(x: Double, k: Double, p: Double, expected: Double) {
        let lambda = NonCentralChiSquare.noncentrality(cdf: p, at: x, degreesOfFreedom: k)
        #expect(abs(lambda - expected) <= 1e-8 * max(expected, 1), "λ = \(lambda), SciPy \(expected)")
        if lambda > 0 {
            #expect(abs(NonCentralChiSquare.cdf(x, degreesOfFreedom: k, noncentrality: lambda) - p) <= 1e-11)
        }
    }

    @Test("the non-centrality: invalid arguments are NaN")
    func noncentralityErrors() {
        #expect(NonCentralChiSquare.noncentrality(cdf: 0, at: 3, degreesOfFreedom: 2).isNaN)
        #expect(NonCentralChiSquare.noncentrality(cdf: 1, at: 3, degreesOfFreedom: 2).isNaN)
        #expect(NonCentralChiSquare.noncentrality(cdf: 0.5, at: -1, degreesOfFreedom: 2).isNaN)
        #expect(NonCentralChiSquare.noncentrality(cdf: 0.5, at: 3, degreesOfFreedom: 0).isNaN)
        #expect(NonCentralChiSquare.noncentrality(cdf: 0.5, at: .infinity, degreesOfFreedom: 2).isNaN)
    }

    /// `(p, norm.ppf(p))`.
    static let normalQuantiles: [(Double, Double)] = [
        (1e-300, -37.0470962993612), (1e-20, -9.262340089798409), (1e-05, -4.264890793922825),
        (0.01, -2.3263478740408408), (0.02425, -1.972961051311885), (0.3, -0.5244005127080409),
        (0.5, 0.0), (0.8, 0.8416212335729143), (0.975, 1.959963984540054), (0.999999, 4.753424308817087),
    ]

    @Test("normal quantile against SciPy's norm.ppf to full precision; antisymmetric", arguments: normalQuantiles)
    func normalQuantile(p: Double, expected: Double) {
        let x = Normal.quantile(p)
        #expect(abs(x - expected) <= 1e-14 * max(abs(expected), 1), "Φ⁻¹(\(p)) = \(x), SciPy \(expected)")
        if p >= 0.5 { #expect(Normal.quantile(1 - p) == -x) }
    }

    @Test("normal CDF against SciPy's norm.cdf; quantile edges")
    func normalCDF() {
        // (x, norm.cdf(x))
        let cases: [(Double, Double)] = [(-38, 0.0), (-10, 7.61985302416047e-24), (-1.96, 0.024997895148220435),
                                         (0, 0.5), (0.5, 0.6914624612740131), (3, 0.9986501019683699), (8.5, 1.0)]
        // Rounding x/√2 moves log erfc by ~x²ε in the tail: the tolerance scales with x².
        for (x, expected) in cases { #expect(relativeError(Normal.cdf(x), expected) <= 4 * eps * max(1, x * x), "Φ(\(x))") }
        #expect(Normal.quantile(0) == -.infinity && Normal.quantile(1) == .infinity)
        #expect(Normal.quantile(-0.1).isNaN && Normal.quantile(1.5).isNaN && Normal.quantile(.nan).isNaN)
    }
}
