import Foundation
import IRTCommandLine
@testable import IRTModel
@testable import IRTReport
import Testing

/// The fit card's and the summary's words for a start check that found
/// something, found nothing, or could not tell (unconverged check starts), and
/// for a cost of non-negativity that was, or was not, measured.
@Suite("Fit card and summary: start check and cost of non-negativity")
struct FitCardLinesTests {
    static func starts(gain: Double, unconverged: Int?) -> FitAssessment.Starts {
        var s = FitAssessment.Starts(requested: 1, best: 1, reachedBest: 1, logLikelihoods: [-100], iterations: [500],
                                checkStarts: 8, checkBestLogLikelihood: -100 + gain, checkGain: gain)
        s.checkUnconverged = unconverged
        return s
    }

    @Test("the start check: better optimum, inconclusive, none better", arguments: [
        (0.5, 0, "found a better optimum"), (-0.2, 3, "3 of them stopped unconverged at their cap or failed: inconclusive"),
        (-0.2, 0, "found no better optimum."), (-0.2, nil, "found no better optimum."),
    ] as [(Double, Int?, String)])
    func startsSentence(gain: Double, unconverged: Int?, expected: String) {
        let text = FitCard.startsSentence(Self.starts(gain: gain, unconverged: unconverged))
        #expect(text.contains(expected), "\(text)")
        #expect(text.contains("inconclusive") == (gain < 0 && (unconverged ?? 0) > 0))
    }

    static func cost(free: Double, nonnegative: Double) -> FitAssessment.NonNegativityCost {
        FitAssessment.NonNegativityCost(freeConverged: true, freeLogLikelihood: free, nonnegativeLogLikelihood: nonnegative,
                                   difference: free - nonnegative, likelihoodRatio: 2 * (free - nonnegative), bentTasks: [])
    }

    @Test("the cost line: measured, or not measured when the free fit ended below")
    func costLine() {
        let measured = Summary.costLine(Self.cost(free: -276.6, nonnegative: -292.4))
        #expect(measured.contains("log-likelihood 15.8 below free loadings (LR 31.6"))
        let below = Summary.costLine(Self.cost(free: -1952.76, nonnegative: -292.43))
        #expect(below.contains("not measured") && below.contains("-1952.76"))
        #expect(!below.contains("LR"))
    }
}
