import Foundation
@testable import IRTModel
import Linalg
import Testing

/// Nothing a correlation matrix's analysis does costs more as its number of
/// observations n grows: the null draws switch to Wishart draws, the fit
/// statistics' χ² CDFs to an O(1) approximation.
@Suite("Correlation input: cost independent of n")
struct ObservationCountCostTests {
    @Test("A 4 × 4 matrix with n = 10⁹ (the largest --n-obs) runs in seconds, its draws by Wishart")
    func largeObservationCountsDoNotHang() throws {
        #expect(NullDraw.method(runs: 5_000_000, tasks: 4) == .wishart)
        #expect(NullDraw.method(runs: 1_000_000_000, tasks: 4) == .wishart)
        #expect(NullDraw.method(runs: 242, tasks: 43) == .columnGram)
        let csv = "a,b,c,d\n1,0.5,0.4,0.3\n0.5,1,0.45,0.35\n0.4,0.45,1,0.3\n0.3,0.35,0.3,1\n"
        let clock = ContinuousClock()
        var result: AnalysisResult?
        let elapsed = try clock.measure {
            let input = try CorrelationInput(csv: csv, source: "m.csv", observations: 1_000_000_000)
            var options = AnalysisOptions(draws: 20, threads: 1)
            options.startCheck = 0   // the fit statistics (χ², the RMSEA interval) are what is timed
            result = try Analysis.run(correlation: input, options: options)
        }
        #expect(elapsed < .seconds(30), "\(elapsed)")
        let fit = try #require(result?.fit)
        #expect(fit.statistics?.observations == 1_000_000_000)
    }
}
