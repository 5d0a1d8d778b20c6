import Foundation
@testable import IRTModel
import Testing

/// The rate and distance estimate against a linear iteration whose rate and
/// fixed point are known: `x ← ρ x` (fixed point 0) takes steps `(1 − ρ) ρⁱ x₀`,
/// and after each step its distance to 0 is `|x|`.
@Suite("ContractionEstimate: ρ̂ and the distance of a geometric iteration")
struct ContractionEstimateTests {
    @Test("ρ̂ = ρ and the distance is the true one, once two steps are seen", arguments: [
        (0.1, 2), (0.5, 3), (0.9, 5), (0.99, 10), (0.999, 4),
    ])
    func geometricSteps(rho: Double, window: Int) {
        var x = 10.0
        var estimate = ContractionEstimate(window: window)
        for i in 0..<(2 * window + 3) {
            let next = rho * x
            let distance = estimate.observe(abs(next - x))
            x = next
            #expect(estimate.isFull == (i + 1 >= window))
            #expect(estimate.steps.count == Swift.min(i + 1, window))
            if i == 0 {
                // One step: no rate yet, so no finite distance.
                #expect(estimate.rate.isNaN && distance == .infinity)
            } else {
                #expect(abs(estimate.rate - rho) <= 1e-9 * rho, "step \(i): ρ̂ \(estimate.rate)")
                let truth = abs(x)
                #expect(abs(distance - truth) <= 1e-6 * truth, "step \(i): \(distance) vs \(truth)")
                #expect(distance == estimate.distance)
            }
        }
    }

    @Test("The window forgets: after a change of rate, w steps later ρ̂ is the new rate")
    func windowSlides() {
        let window = 4
        var estimate = ContractionEstimate(window: window)
        var step = 1.0
        estimate.observe(step)
        for _ in 0..<5 { step *= 0.5; estimate.observe(step) }
        #expect(estimate.rate == 0.5)
        // w steps hold w − 1 ratios: w − 1 steps at the new rate replace them all.
        for i in 0..<(window - 1) {
            step *= 0.9
            estimate.observe(step)
            if i < window - 2 { #expect(estimate.rate > 0.5 && estimate.rate < 0.9, "\(estimate.rate)") }
        }
        #expect(abs(estimate.rate - 0.9) < 1e-12)
        #expect(abs(estimate.distance - estimate.steps.last! * 0.9 / 0.1) < 1e-12 * estimate.distance)
    }

    @Test("Edge cases: growing steps give an infinite distance, a zero step a zero one, reset forgets")
    func edges() {
        var growing = ContractionEstimate(window: 3)
        for step in [1.0, 2, 4] { growing.observe(step) }
        #expect(abs(growing.rate - 2) < 1e-15 && growing.distance == .infinity)
        // A rate of exactly 1 (steps that do not shrink) is no contraction either.
        var flat = ContractionEstimate(window: 3)
        for step in [1.0, 1, 1] { flat.observe(step) }
        #expect(flat.rate == 1 && flat.distance == .infinity)
        // The fixed point reached: distance 0 whatever the rate.
        #expect(growing.observe(0) == 0)
        growing.reset()
        #expect(growing.steps.isEmpty && growing.rate.isNaN && growing.distance == .infinity && !growing.isFull)
    }
}
