import Foundation
@testable import IRTModel
import Testing

/// A draw's ranks come from sorting integer keys (value descending, then
/// index); they must be the ranks of the comparator `x[a] > x[b] || (x[a] == x[b] && a < b)`.
@Suite("Rank keys")
struct RankKeyTests {
    /// The order of the comparator the ranks are defined by.
    private func comparatorOrder(_ x: [Double]) -> [Int] {
        x.indices.sorted { x[$0] > x[$1] || (x[$0] == x[$1] && $0 < $1) }
    }

    private func keyOrder(_ x: [Double]) -> [Int] {
        x.indices.map { RankIntervals.RankKey(key: RankIntervals.descendingKey(x[$0]), index: $0) }.sorted().map(\.index)
    }

    @Test("ties, signed zeros, infinities, subnormals and extremes order as the comparator does")
    func handPicked() {
        let x: [Double] = [1, -1, 0, -0.0, 0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                           -.greatestFiniteMagnitude, 1, 2.5, -2.5, 1e-300, -1e300, 0.1 + 0.2, 0.3]
        #expect(keyOrder(x) == comparatorOrder(x))
        #expect(RankIntervals.descendingKey(0) == RankIntervals.descendingKey(-0.0))
        #expect(keyOrder([]) == [])
        #expect(keyOrder([7]) == [0])
    }

    @Test("random draws with many ties order as the comparator does")
    func randomDraws() {
        var rng = Xoshiro256StarStar(seed: 2026)
        var normal = NormalSampler()
        for n in [2, 3, 17, 242] {
            for _ in 0..<50 {
                // Values rounded to a coarse grid, so ties are common; a few signed zeros.
                let x = (0..<n).map { _ -> Double in
                    let v = (normal.next(using: &rng) * 4).rounded() / 4
                    return v == 0 && rng.next() % 2 == 0 ? -0.0 : v
                }
                #expect(keyOrder(x) == comparatorOrder(x), "n = \(n)")
            }
        }
    }
}
