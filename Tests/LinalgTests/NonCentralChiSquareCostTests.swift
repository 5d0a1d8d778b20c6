import Foundation
@testable import Linalg
import Testing

/// The non-central χ² CDF's cost does not grow with the non-centrality: above
/// ``NonCentralChiSquare/seriesLimit`` it is Sankaran's approximation.
@Suite("Non-central χ²: cost bounded in λ")
struct NonCentralChiSquareCostTests {
    @Test("Forty CDFs at λ = 10¹⁶ take well under a second (the series needed ~10⁸ terms each)")
    func largeObservationCountsDoNotHang() {
        let clock = ContinuousClock()
        let lambda = 1e16
        var values: [Double] = []
        let elapsed = clock.measure {
            for i in 0..<40 {
                let x = lambda + Double(i - 20) * 1e7
                values.append(NonCentralChiSquare.cdf(x, degreesOfFreedom: 5, noncentrality: lambda))
            }
        }
        #expect(elapsed < .seconds(2), "\(elapsed)")
        // Monotone in x, and near the normal law N(k + λ, 2(k + 2λ)) (skewness ~ 10⁻⁸ here).
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        for (i, value) in values.enumerated() {
            let x = lambda + Double(i - 20) * 1e7
            let normal = Normal.cdf((x - (5 + lambda)) / (2 * (5 + 2 * lambda)).squareRoot())
            #expect(abs(value - normal) < 1e-6)
        }
    }

    @Test("At the switch Sankaran's approximation agrees with the series to 1e-7",
          arguments: [-5.0, -2, -1, 0, 0.5, 1.645, 3])
    func sankaranAgreesWithTheSeries(sd: Double) {
        let lambda = 2 * NonCentralChiSquare.seriesLimit * 1.0001, k = 7.0
        let x = k + lambda + sd * (2 * (k + 2 * lambda)).squareRoot()
        let exact = NonCentralChiSquare.series(x, degreesOfFreedom: k, noncentrality: lambda)
        let approximate = NonCentralChiSquare.sankaran(x, degreesOfFreedom: k, noncentrality: lambda)
        #expect(abs(exact - approximate) < 1e-7, "\(exact) vs \(approximate)")
        #expect(NonCentralChiSquare.cdf(x, degreesOfFreedom: k, noncentrality: lambda) == approximate)
    }

    @Test("The non-centrality root stays cheap for a χ² of 10¹⁴")
    func noncentralityOfAHugeStatistic() {
        let clock = ContinuousClock()
        var lambda = 0.0
        let elapsed = clock.measure {
            lambda = NonCentralChiSquare.noncentrality(cdf: 0.05, at: 1e14, degreesOfFreedom: 2)
        }
        #expect(elapsed < .seconds(2), "\(elapsed)")
        // F(x; k, λ) = 0.05 puts x at λ + k + 1.645 sd: λ ≈ x − k + 1.645 √(2(k + 2λ)).
        let expected = 1e14 - 2 + 1.6448536 * (4e14).squareRoot()
        #expect(abs(lambda - expected) / expected < 1e-9)
    }
}
