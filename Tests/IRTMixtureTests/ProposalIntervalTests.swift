@testable import IRTMixture
import Testing

/// A proposal's 95% interval (``Proposals/interval(estimate:refits:optimism:)``) against
/// the formula worked by hand, with Student's quantile from R (`qt(0.975, 4)`).
@Suite("Proposal intervals: shrinkage and selection corrected")
struct ProposalIntervalTests {
    @Test("the refits' shrinkage moves the interval up, the optimism down; the wider end of each wins")
    func byHand() {
        let t4 = 2.7764451051977987  // qt(0.975, 4)
        // Refits mean 0.9 (sd 0.0790569), below the full fit 1.0: the shrinkage interval is 1.1 ± t·sd.
        let refits = [0.8, 0.85, 0.9, 0.95, 1.0]
        let sd = (refits.map { ($0 - 0.9) * ($0 - 0.9) }.reduce(0, +) / 4).squareRoot()
        // Each refit rates its own argmax 0.1 above the full fit there: the selection interval is 0.9 ± 0.
        let (estimate, lower, upper) = Proposals.interval(estimate: 1.0, refits: refits, optimism: [0.1, 0.1, 0.1, 0.1, 0.1])
        #expect(estimate == 1.0)
        #expect(abs(lower - Swift.min(1.1 - t4 * sd, 0.9)) < 1e-12, "\(lower)")
        #expect(abs(upper - (1.1 + t4 * sd)) < 1e-12, "\(upper)")
        #expect(lower < estimate && estimate < upper)
        // A large optimism spread widens both ends beyond the shrinkage interval.
        let optimism = [-0.2, 0, 0.2, 0.4, 0.6]
        let optimismSD = (optimism.map { ($0 - 0.2) * ($0 - 0.2) }.reduce(0, +) / 4).squareRoot()
        let wide = Proposals.interval(estimate: 1.0, refits: refits, optimism: optimism)
        #expect(abs(wide.lower - (0.8 - t4 * optimismSD)) < 1e-12 && abs(wide.upper - (0.8 + t4 * optimismSD)) < 1e-12)
        #expect(wide.upper > 1.1 + t4 * sd)
    }

    @Test("the envelope always holds its estimate: refits above a low prediction and a positive optimism put both centres below it")
    func holdsTheEstimate() {
        // Shrinkage centre 2·1 − 0.8 = 1.2, selection centre 1 + 0.1 = 1.1, both with sd 0: the
        // envelope [1.1, 1.2] would leave out the printed estimate 1.0.
        let interval = Proposals.interval(estimate: 1.0, refits: Array(repeating: 0.8, count: 8),
                                          optimism: Array(repeating: -0.1, count: 8))
        #expect(interval.lower == 1.0 && abs(interval.upper - 1.2) < 1e-12, "\(interval)")
    }

    @Test("refits that agree with the full fit and no optimism give a point; fewer than 2 refits or a NaN give no interval",
          arguments: [0, 1, 2, 32])
    func degenerate(_ count: Int) {
        let interval = Proposals.interval(estimate: 0.5, refits: Array(repeating: 0.5, count: count),
                                          optimism: Array(repeating: 0, count: count))
        #expect(interval.estimate == 0.5)
        if count >= 2 {
            #expect(interval.lower == 0.5 && interval.upper == 0.5)
            let withNaN = Proposals.interval(estimate: 0.5, refits: [.nan] + Array(repeating: 0.5, count: count - 1),
                                             optimism: Array(repeating: 0, count: count))
            #expect(withNaN.lower.isNaN && withNaN.upper.isNaN)
        } else {
            #expect(interval.lower.isNaN && interval.upper.isNaN)
        }
    }

    @Test("one Thompson draw is refused: an interval needs a spread")
    func oneDrawIsRefused() throws {
        let study = try SyntheticStudy(seed: 7)
        var options = MixtureStudyTests.fast
        options.thompsonDraws = 1
        #expect(throws: MixtureError.self) { try study.run(options) }
        options.thompsonDraws = 2
        let analysis = try study.run(options)
        #expect(analysis.proposals.allSatisfy { $0.predicted.values.allSatisfy { $0.lower <= $0.estimate && $0.estimate <= $0.upper } })
    }
}
