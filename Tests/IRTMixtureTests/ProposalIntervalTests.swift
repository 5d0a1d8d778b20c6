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
        #expect(abs(wide.1 - (0.8 - t4 * optimismSD)) < 1e-12 && abs(wide.2 - (0.8 + t4 * optimismSD)) < 1e-12)
        #expect(wide.2 > 1.1 + t4 * sd)
    }

    @Test("refits that agree with the full fit and no optimism give a point; fewer than 2 refits give a point",
          arguments: [0, 1, 32])
    func degenerate(_ count: Int) {
        let interval = Proposals.interval(estimate: 0.5, refits: Array(repeating: 0.5, count: count),
                                          optimism: Array(repeating: 0, count: count))
        #expect(interval.0 == 0.5 && interval.1 == 0.5 && interval.2 == 0.5)
    }
}
